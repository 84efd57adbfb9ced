package io.cairn.eventstore;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Kafka's default partitioner: {@code toPositive(murmur2(utf8(key))) % partitions}. A key lands in the
 * same partition as Kafka's producer would put it, which is why the partition count of an
 * event-sourced topic never changes. Stateless and thread-safe.
 */
public final class Partitioner {

  private static final int SEED = 0x9747b28c;
  private static final int M = 0x5bd1e995;
  private static final int R = 24;

  private Partitioner() {
  }

  /** The partition of {@code aggregateId} in a topic of {@code partitions} partitions. */
  public static int partitionFor(String aggregateId, int partitions) {
    return partitionFor(aggregateId.getBytes(StandardCharsets.UTF_8), partitions);
  }

  /** The partition of a key given as bytes, for a topic of {@code partitions} partitions. */
  public static int partitionFor(byte[] keyBytes, int partitions) {
    return partitionFor(keyBytes, 0, keyBytes.length, partitions);
  }

  /** The partition of the key {@code keyBytes[offset, offset + length)} in a topic of {@code partitions} partitions. */
  public static int partitionFor(byte[] keyBytes, int offset, int length, int partitions) {
    if (partitions <= 0) {
      throw new InvalidInputException("partitions", partitions, "must be at least 1");
    }
    return toPositive(murmur2(keyBytes, offset, length)) % partitions;
  }

  /** Clears the sign bit, as Kafka does ({@code Math.abs} would map MIN_VALUE to itself). */
  public static int toPositive(int value) {
    return value & 0x7fffffff;
  }

  /** 32-bit MurmurHash2 with Kafka's seed: little-endian 4-byte blocks, tail, final mix. */
  public static int murmur2(byte[] data) {
    return murmur2(data, 0, data.length);
  }

  /** {@link #murmur2(byte[])} of {@code data[offset, offset + length)}. */
  public static int murmur2(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, data.length);
    int h = SEED ^ length;
    int blocks = length / 4;
    for (int i = 0; i < blocks; i++) {
      int at = offset + i * 4;
      int k = (data[at] & 0xff)
          | (data[at + 1] & 0xff) << 8
          | (data[at + 2] & 0xff) << 16
          | (data[at + 3] & 0xff) << 24;
      k *= M;
      k ^= k >>> R;
      k *= M;
      h *= M;
      h ^= k;
    }
    int tail = offset + blocks * 4;
    switch (length % 4) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
      // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
      // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= M;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= M;
    h ^= h >>> 15;
    return h;
  }
}
