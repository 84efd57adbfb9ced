package io.cairn.client.protocol;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Reads and writes the {@code topics array<(name string, partitions array<P>)>} field that Produce, Fetch and
 * ListOffsets share in their requests and responses ({@link TopicItems}). Stateless.
 */
final class TopicArrays {

  /** Smallest topic item: empty name, no partitions. */
  static final int MIN_TOPIC_BYTES = ProtocolReader.STRING_LENGTH_BYTES + Integer.BYTES;

  private TopicArrays() {
  }

  /** Writes {@code topics}: each topic's name, then its partitions, each written by {@code partition}. */
  static <P> void write(ProtocolWriter out, List<TopicItems<P>> topics, BiConsumer<ProtocolWriter, P> partition) {
    out.writeArray(topics, (w, topic) -> w.writeString("topics[].name", topic.name())
        .writeArray(topic.partitions(), partition));
  }

  /**
   * Reads {@code topics}, each partition item by {@code partition}; counts are checked against the bytes left
   * before any list is allocated.
   *
   * @param minPartitionBytes the smallest partition item on the wire
   */
  static <P> List<TopicItems<P>> read(ProtocolReader in, int minPartitionBytes, Function<ProtocolReader, P> partition) {
    return in.readArray("topics", MIN_TOPIC_BYTES, r -> new TopicItems<>(r.readString("topics[].name"),
        r.readArray("topics[].partitions", minPartitionBytes, partition)));
  }
}
