package io.cairn.eventstore.internal.record;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.cairn.eventstore.CompressionType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Zstandard frames (RFC 8878) through zstd-jni at Kafka's default level {@value #LEVEL}.
 *
 * <p>The encoder compresses the whole records section in one call with a reused context, so its
 * frame records the content size (Kafka's streaming writer leaves it out; both decode the same).
 * The decoder decompresses a frame that states a content size of at most
 * {@value #ONE_SHOT_MAX_BYTES} bytes in one call with a reused context; any other input (Kafka's
 * frames, several frames, larger frames) goes through zstd-jni's streaming decoder, as Kafka's
 * reader does. The native contexts are freed by {@link #close()}. Not
 * thread-safe.
 */
final class ZstdCodec implements RecordsCodec {

  /** Kafka's default {@code compression.zstd.level}. */
  static final int LEVEL = 3;
  /**
   * Largest stated content size decompressed in one call. Above it the streaming decoder runs:
   * a reader of the first record stops early, and a corrupt size field cannot make us allocate
   * more than the data really holds.
   */
  static final int ONE_SHOT_MAX_BYTES = 256 * 1024;

  private ZstdCompressCtx compressCtx;
  private ZstdDecompressCtx decompressCtx;
  private ZstdInputStreamNoFinalizer stream;
  private byte[] src;
  private int offset;
  private int length;
  private boolean oneShotTried;
  private boolean ended;

  @Override
  public CompressionType type() {
    return CompressionType.ZSTD;
  }

  @Override
  public void compress(byte[] input, int from, int count, GrowableBytes out) {
    if (compressCtx == null) {
      compressCtx = new ZstdCompressCtx().setLevel(LEVEL);
    }
    long bound = Zstd.compressBound(count);
    out.ensureCapacity(out.size() + bound);
    try {
      int n = compressCtx.compressByteArray(out.array(), out.size(), out.array().length - out.size(), input, from, count);
      out.size(out.size() + n);
    } catch (ZstdException e) {
      throw new UncheckedIOException(new IOException("zstd compression of " + count + " bytes failed: " + e.getMessage(), e));
    }
  }

  @Override
  public void startDecompression(byte[] input, int from, int count) throws IOException {
    closeStream();
    this.src = input;
    this.offset = from;
    this.length = count;
    this.oneShotTried = false;
    this.ended = false;
  }

  @Override
  public int decompressMore(GrowableBytes out) throws IOException {
    if (ended) {
      return -1;
    }
    if (!oneShotTried) {
      oneShotTried = true;
      int n = tryOneShot(out);
      if (n >= 0) {
        ended = true;
        return n;
      }
      stream = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(src, offset, length), RecyclingBufferPool.INSTANCE);
    }
    int room = out.ensureRoomUpTo(DECOMPRESS_STEP_BYTES);
    int n;
    try {
      if (room == 0) {
        if (stream.read() < 0) {
          ended = true;
          closeStream();
          return -1;
        }
        throw new IOException("zstd data decompresses to more than " + out.limit() + " bytes");
      }
      n = stream.read(out.array(), out.size(), room);
    } catch (IOException | ZstdException e) {
      closeStream();
      throw new IOException("zstd data is corrupt or truncated: " + e.getMessage(), e);
    }
    if (n < 0) {
      ended = true;
      closeStream();
      return -1;
    }
    out.size(out.size() + n);
    return n;
  }

  /** Decompresses a single frame that states its size; -1 if the input is not such a frame. */
  private int tryOneShot(GrowableBytes out) throws IOException {
    long contentSize;
    try {
      contentSize = Zstd.getFrameContentSize(src, offset, length);
    } catch (ZstdException e) {
      return -1;
    }
    if (contentSize < 0 || contentSize > ONE_SHOT_MAX_BYTES) {
      return -1;
    }
    if (contentSize > out.limit() - out.size()) {
      throw new IOException("zstd frame states a content size of " + contentSize + " bytes, more than the "
          + (out.limit() - out.size()) + " allowed");
    }
    int size = (int) contentSize;
    out.ensureRoom(size);
    if (decompressCtx == null) {
      decompressCtx = new ZstdDecompressCtx();
    }
    int n;
    try {
      n = decompressCtx.decompressByteArray(out.array(), out.size(), size, src, offset, length);
    } catch (ZstdException e) {
      // Several frames, or a corrupt one: the streaming decoder gives the definite answer.
      decompressCtx.reset();
      return -1;
    }
    if (n != size) {
      throw new IOException("zstd frame decompressed to " + n + " bytes, its header says " + size);
    }
    out.size(out.size() + n);
    return n;
  }

  private void closeStream() {
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException e) {
        // Closing an in-memory source only frees native memory; nothing to report.
      }
      stream = null;
    }
  }

  @Override
  public void close() {
    closeStream();
    if (compressCtx != null) {
      compressCtx.close();
      compressCtx = null;
    }
    if (decompressCtx != null) {
      decompressCtx.close();
      decompressCtx = null;
    }
    src = null;
  }
}
