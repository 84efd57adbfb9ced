package io.cairn.client.protocol;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Reads and writes the {@code topics array<(name string, partitions array<P>)>} field that Produce, Fetch and
 * ListOffsets share in their requests and responses ({@link TopicItems}). Stateless.
 */
final class TopicArrays {

  /** An array's element count. */
  private static final int ARRAY_COUNT_BYTES = Integer.BYTES;
  /** Smallest topic item: empty name, no partitions. */
  static final int MIN_TOPIC_BYTES = ProtocolReader.STRING_LENGTH_BYTES + ARRAY_COUNT_BYTES;

  /** UTF-8 bytes of one Java char at most: 3 for a char of the BMP; a surrogate pair takes 4 for 2 chars. */
  private static final int MAX_UTF8_BYTES_PER_CHAR = 3;

  private TopicArrays() {
  }

  /** Writes {@code topics}: each topic's name, then its partitions, each written by {@code partition}. */
  static <P> void write(ProtocolWriter out, List<TopicItems<P>> topics, BiConsumer<ProtocolWriter, P> partition) {
    out.writeArray(topics, (w, topic) -> w.writeString("topics[].name", topic.name())
        .writeArray(topic.partitions(), partition));
  }

  /**
   * At least the bytes {@link #write} appends for {@code topics}: each topic's name (counted as 3 UTF-8 bytes
   * per char, the most one takes) and array count, plus {@code partitionBytes} of each partition item.
   */
  static <P> int sizeHint(List<TopicItems<P>> topics, ToIntFunction<P> partitionBytes) {
    long bytes = ARRAY_COUNT_BYTES;
    for (TopicItems<P> topic : topics) {
      bytes += ProtocolReader.STRING_LENGTH_BYTES + (long) MAX_UTF8_BYTES_PER_CHAR * topic.name().length()
          + ARRAY_COUNT_BYTES;
      for (P partition : topic.partitions()) {
        bytes += partitionBytes.applyAsInt(partition);
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /** At least the bytes of {@code value} as a {@code nullable_string}. */
  static int nullableStringSizeHint(String value) {
    return ProtocolReader.STRING_LENGTH_BYTES + (value == null ? 0 : MAX_UTF8_BYTES_PER_CHAR * value.length());
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
