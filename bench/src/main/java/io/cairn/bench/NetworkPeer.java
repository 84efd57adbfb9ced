package io.cairn.bench;

import io.cairn.eventstore.CompressionType;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One system of the network comparison as the harness drives it: a running server reached over
 * loopback and the client library that talks to it. The server's lifetime belongs to the caller;
 * {@link #close()} releases only what this object opened itself (an admin connection, say).
 *
 * <p>Thread-safety: used from one harness thread.
 */
public interface NetworkPeer extends AutoCloseable {

  /** Short name used as the JSON key: {@code cairn}, {@code kafka}. */
  String name();

  /**
   * Creates {@code topic} with {@code partitions} partitions unless it exists; true if it was created. The
   * topic stores batches as the producer compressed them ({@code compression}).
   */
  boolean ensureTopic(String topic, int partitions, CompressionType compression);

  /** A producer sending to {@code topic}, keyed by {@code keys}. */
  RecordSink openSink(String topic, AggregateKeys keys, ProducerSettings settings);

  /** A consumer that will read {@code topic} from its beginning. */
  RecordSource openSource(String topic);

  /**
   * The server's own latency for produce requests, if the server publishes it (a Cairn node's {@code /metrics}); the
   * harness scrapes it before and after a phase to tell the server's share of the client's latency.
   */
  default Optional<NodeRequestLatency> serverProduceLatency() {
    return Optional.empty();
  }

  /** The server's process id, if the harness knows it: the CPU it uses is read over the end-to-end phase. */
  default OptionalLong serverPid() {
    return OptionalLong.empty();
  }

  /** Adds what a reader needs to know about this side (versions, topic settings) to {@code line}. */
  void describe(JsonLine line);

  @Override
  void close();
}
