package io.cairn.bench;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A consumer under test, seen by the end-to-end benchmark: reads every record of one topic, from
 * its beginning, on all its partitions, and hands each value to a handler as soon as the client
 * returns it. Implementations wrap a real client (Kafka's consumer, Cairn's consumer).
 *
 * <p>Thread-safety: {@link #start} and {@link #close} are called from one harness thread; the handler
 * is called from one thread of the source's choosing, one call at a time.
 */
public interface RecordSource extends AutoCloseable {

  /**
   * Starts reading; returns once the source is positioned at the beginning of every partition, so a
   * record produced afterwards is certain to reach {@code handler}.
   */
  void start(Consumer<byte[]> handler);

  /** The failure that stopped the source, if one did. */
  Optional<Throwable> failure();

  /** Stops reading and closes the client; the handler is not called after this returns. */
  @Override
  void close();
}
