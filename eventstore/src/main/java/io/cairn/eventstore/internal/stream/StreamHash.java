package io.cairn.eventstore.internal.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 64-bit hash under which the stream index files an aggregate id: XXH64 (xxHash, 64-bit
 * variant, seed 0) of the id's UTF-8 bytes. XXH64 is chosen over the partitioner's murmur2 because
 * all keys of one partition share murmur2's low bits, while XXH64 is independent of it, and its
 * 64 bits make a collision between two ids of one partition rare (about n^2 / 2^65 for n ids).
 * Collisions remain possible, so every reader of the index checks the record key.
 *
 * <p>The value is stored in {@code .streams} files: this function MUST NOT change without a new
 * file format version. Stateless and thread-safe.
 */
public final class StreamHash {

  /** XXH64's five 64-bit primes. */
  static final long PRIME64_1 = 0x9E3779B185EBCA87L;
  static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
  static final long PRIME64_3 = 0x165667B19E3779F9L;
  static final long PRIME64_4 = 0x85EBCA77C2B2AE63L;
  static final long PRIME64_5 = 0x27D4EB2F165667C5L;

  /** The seed Cairn uses. */
  public static final long SEED = 0L;

  private static final int STRIPE_BYTES = 32;
  private static final int LANE_BYTES = Long.BYTES;
  private static final int WORD_BYTES = Integer.BYTES;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private StreamHash() {
  }

  /** XXH64 (seed 0) of the UTF-8 bytes of {@code aggregateId}. Allocates the byte array. */
  public static long hash64(String aggregateId) {
    return hash64(aggregateId.getBytes(StandardCharsets.UTF_8));
  }

  /** XXH64 (seed 0) of {@code utf8Key}. */
  public static long hash64(byte[] utf8Key) {
    return hash64(utf8Key, 0, utf8Key.length, SEED);
  }

  /** XXH64 of {@code length} bytes of {@code data} starting at {@code offset}, with {@code seed}. */
  public static long hash64(byte[] data, int offset, int length, long seed) {
    if (offset < 0 || length < 0 || offset > data.length - length) {
      throw new IndexOutOfBoundsException(
          "hash64 range [" + offset + ", " + ((long) offset + length) + ") is outside an array of " + data.length);
    }
    int at = offset;
    int end = offset + length;
    long hash;
    if (length >= STRIPE_BYTES) {
      long v1 = seed + PRIME64_1 + PRIME64_2;
      long v2 = seed + PRIME64_2;
      long v3 = seed;
      long v4 = seed - PRIME64_1;
      int stripesEnd = end - STRIPE_BYTES;
      do {
        v1 = round(v1, (long) LONG_LE.get(data, at));
        v2 = round(v2, (long) LONG_LE.get(data, at + LANE_BYTES));
        v3 = round(v3, (long) LONG_LE.get(data, at + 2 * LANE_BYTES));
        v4 = round(v4, (long) LONG_LE.get(data, at + 3 * LANE_BYTES));
        at += STRIPE_BYTES;
      } while (at <= stripesEnd);
      hash = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
      hash = mergeRound(hash, v1);
      hash = mergeRound(hash, v2);
      hash = mergeRound(hash, v3);
      hash = mergeRound(hash, v4);
    } else {
      hash = seed + PRIME64_5;
    }
    hash += length;
    while (at + LANE_BYTES <= end) {
      hash ^= round(0, (long) LONG_LE.get(data, at));
      hash = Long.rotateLeft(hash, 27) * PRIME64_1 + PRIME64_4;
      at += LANE_BYTES;
    }
    if (at + WORD_BYTES <= end) {
      hash ^= ((int) INT_LE.get(data, at) & 0xFFFFFFFFL) * PRIME64_1;
      hash = Long.rotateLeft(hash, 23) * PRIME64_2 + PRIME64_3;
      at += WORD_BYTES;
    }
    while (at < end) {
      hash ^= (data[at] & 0xFFL) * PRIME64_5;
      hash = Long.rotateLeft(hash, 11) * PRIME64_1;
      at++;
    }
    return avalanche(hash);
  }

  private static long round(long accumulator, long lane) {
    long mixed = accumulator + lane * PRIME64_2;
    return Long.rotateLeft(mixed, 31) * PRIME64_1;
  }

  private static long mergeRound(long hash, long accumulator) {
    long mixed = hash ^ round(0, accumulator);
    return mixed * PRIME64_1 + PRIME64_4;
  }

  private static long avalanche(long hash) {
    long h = hash;
    h ^= h >>> 33;
    h *= PRIME64_2;
    h ^= h >>> 29;
    h *= PRIME64_3;
    h ^= h >>> 32;
    return h;
  }
}
