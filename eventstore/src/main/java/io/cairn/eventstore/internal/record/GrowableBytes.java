package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.InvalidInputException;
import java.util.Arrays;

/**
 * A byte array with a fill level that grows by doubling and is reused across batches, so steady
 * state encoding and decoding allocate nothing. {@link #array()} may return a new array after any
 * call that ensures capacity, except for one made {@linkplain #GrowableBytes(byte[]) over a caller's
 * array}, which never grows. Not thread-safe.
 */
final class GrowableBytes {

  /** Largest array the JVM reliably allocates. */
  static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

  private static final byte[] NO_BYTES = new byte[0];

  private byte[] array;
  private int size;
  private final int limit;
  /** The smallest array the first growth allocates. */
  private final int firstCapacity;

  GrowableBytes(int initialCapacity, int limit) {
    this(new byte[initialCapacity], limit, initialCapacity);
  }

  /** Bytes over {@code fixedArray}, a caller's array that is used as is and never replaced: its length is the limit. */
  GrowableBytes(byte[] fixedArray) {
    this(fixedArray, fixedArray.length, fixedArray.length);
  }

  private GrowableBytes(byte[] array, int limit, int firstCapacity) {
    this.array = array;
    this.limit = limit;
    this.firstCapacity = firstCapacity;
  }

  /**
   * Bytes that allocate nothing until the first call that ensures capacity, then at least
   * {@code initialCapacity}: for a buffer that many users of its owner never need (the decompression
   * buffer of a reader of uncompressed batches).
   */
  static GrowableBytes allocatedOnFirstUse(int initialCapacity, int limit) {
    return new GrowableBytes(NO_BYTES, limit, initialCapacity);
  }

  byte[] array() {
    return array;
  }

  int size() {
    return size;
  }

  void size(int newSize) {
    this.size = newSize;
  }

  int limit() {
    return limit;
  }

  /** Makes room for {@code extra} more bytes after {@link #size()}; the array may be replaced. */
  void ensureRoom(int extra) {
    ensureCapacity((long) size + extra);
  }

  /**
   * Makes room for up to {@code wanted} more bytes without passing the limit; returns how many
   * bytes of room there are now (0 when the limit is reached). The array may be replaced.
   */
  int ensureRoomUpTo(int wanted) {
    int room = (int) Math.min(wanted, (long) limit - size);
    if (room > 0) {
      ensureCapacity((long) size + room);
    }
    return Math.max(room, 0);
  }

  /** Makes the array at least {@code capacity} bytes long; the array may be replaced. */
  void ensureCapacity(long capacity) {
    if (capacity <= array.length) {
      return;
    }
    if (capacity > limit) {
      throw new InvalidInputException("batch size", capacity, "must not exceed " + limit + " bytes");
    }
    long doubled = Math.max(capacity, Math.max(firstCapacity, 2L * array.length));
    array = Arrays.copyOf(array, (int) Math.min(doubled, limit));
  }
}
