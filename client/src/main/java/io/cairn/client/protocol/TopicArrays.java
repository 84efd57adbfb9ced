package io.cairn.client.protocol;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The {@code topics array<(name string, partitions array<P>)>} field that Produce, Fetch and ListOffsets share in
 * their requests and responses (docs/protocol.md); only the partition item {@code P} differs. Stateless.
 */
final class TopicArrays {

  /** Smallest topic item: empty name, no partitions. */
  static final int MIN_TOPIC_BYTES = ProtocolReader.STRING_LENGTH_BYTES + Integer.BYTES;

  private TopicArrays() {
  }

  /**
   * Writes {@code topics}: each topic's name, then its partitions, each written by {@code partition}.
   *
   * @param name       a topic's name
   * @param partitions a topic's partition items, in wire order
   */
  static <T, P> void write(ProtocolWriter out, List<T> topics, Function<T, String> name,
                           Function<T, List<P>> partitions, BiConsumer<ProtocolWriter, P> partition) {
    out.writeArray(topics, (w, topic) -> w.writeString("topics[].name", name.apply(topic))
        .writeArray(partitions.apply(topic), partition));
  }

  /**
   * Reads {@code topics}, each partition item by {@code partition}; counts are checked against the bytes left
   * before any list is allocated.
   *
   * @param minPartitionBytes the smallest partition item on the wire
   * @param topic             builds a topic from its name and partition items
   */
  static <T, P> List<T> read(ProtocolReader in, int minPartitionBytes, Function<ProtocolReader, P> partition,
                             BiFunction<String, List<P>, T> topic) {
    return in.readArray("topics", MIN_TOPIC_BYTES, r -> topic.apply(r.readString("topics[].name"),
        r.readArray("topics[].partitions", minPartitionBytes, partition)));
  }
}
