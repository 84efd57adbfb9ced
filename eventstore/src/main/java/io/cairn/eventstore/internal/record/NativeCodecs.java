package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.CompressionType;
import java.lang.ref.Cleaner;

/**
 * The codecs of one builder or reader, indexed by {@link CompressionType}
 * ordinal and created on first use. Some hold native memory (zstd contexts and streams), so they
 * are freed by {@link #close()} or, if an owner forgets to close, by a shared {@link Cleaner} once
 * the owner is unreachable. Not thread-safe: used by its owner's thread only.
 */
final class NativeCodecs {

  private static final Cleaner CLEANER = Cleaner.create();

  private final RecordsCodec[] codecs;
  private final Cleaner.Cleanable cleanable;

  /** Codecs for {@code owner}; the cleaner action holds only the codecs, never the owner. */
  NativeCodecs(Object owner, int size) {
    this.codecs = new RecordsCodec[size];
    this.cleanable = CLEANER.register(owner, new CloseAll(codecs));
  }

  /** The codec for {@code type}, created on first use. */
  RecordsCodec get(CompressionType type) {
    RecordsCodec codec = codecs[type.ordinal()];
    if (codec == null) {
      codec = RecordsCodec.create(type);
      codecs[type.ordinal()] = codec;
    }
    return codec;
  }

  /** Frees every codec now; runs at most once, with the cleaner's run. */
  void close() {
    cleanable.clean();
  }

  private static final class CloseAll implements Runnable {
    private final RecordsCodec[] codecs;

    CloseAll(RecordsCodec[] codecs) {
      this.codecs = codecs;
    }

    @Override
    public void run() {
      for (int i = 0; i < codecs.length; i++) {
        if (codecs[i] != null) {
          codecs[i].close();
          codecs[i] = null;
        }
      }
    }
  }
}
