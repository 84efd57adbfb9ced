package io.cairn.client.internal.producer;

import io.cairn.eventstore.Partitioner;
import java.nio.charset.StandardCharsets;

/**
 * Aggregate ids as record keys on the send path: their UTF-8 length and their partition ({@link Partitioner}'s
 * murmur2 over the UTF-8 bytes) without allocating a key array per record for ASCII ids (the usual ones),
 * which are copied into a per-thread scratch array instead. Other ids take {@link String#getBytes}.
 * Stateless apart from the scratch arrays; thread-safe.
 */
final class AggregateKeys {

  /** Longest id that goes through the scratch array. */
  private static final int SCRATCH_BYTES = 256;
  private static final char MAX_ASCII = 0x7f;
  /** Most UTF-8 bytes one char (UTF-16 unit) takes. */
  private static final int MAX_UTF8_BYTES_PER_CHAR = 3;
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

  private AggregateKeys() {
  }

  /**
   * Whether {@code aggregateId} takes 1 to {@code maxBytes} UTF-8 bytes; counts the bytes only when the char
   * count alone cannot tell.
   */
  static boolean hasUtf8Length(String aggregateId, int maxBytes) {
    int chars = aggregateId.length();
    if (chars == 0 || chars > maxBytes) {
      return false;
    }
    return (long) chars * MAX_UTF8_BYTES_PER_CHAR <= maxBytes || utf8Length(aggregateId) <= maxBytes;
  }

  /** UTF-8 bytes of {@code aggregateId}, as {@link String#getBytes} writes them. */
  static int utf8Length(String aggregateId) {
    return aggregateId.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The partition of {@code aggregateId} among {@code partitions}, as {@link Partitioner#partitionFor(String, int)}. */
  static int partitionFor(String aggregateId, int partitions) {
    int chars = aggregateId.length();
    if (chars > SCRATCH_BYTES) {
      return Partitioner.partitionFor(aggregateId, partitions);
    }
    byte[] scratch = SCRATCH.get();
    for (int i = 0; i < chars; i++) {
      char c = aggregateId.charAt(i);
      if (c > MAX_ASCII) {
        return Partitioner.partitionFor(aggregateId, partitions);
      }
      scratch[i] = (byte) c;
    }
    return Partitioner.partitionFor(scratch, 0, chars, partitions);
  }
}
