package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.StorageException;
import java.nio.ByteBuffer;

/**
 * Zigzag (protobuf) variable-length integers as Kafka's record format uses them: the value is
 * zigzag-mapped ({@code (v << 1) ^ (v >> 31)}) so that small negative numbers stay short, then
 * written 7 bits per byte, least significant group first, with the high bit of each byte set
 * when another byte follows. An int takes 1 to {@value #MAX_VARINT_BYTES} bytes, a long 1 to
 * {@value #MAX_VARLONG_BYTES}.
 *
 * <p>Examples: 0 is {@code 00}, -1 is {@code 01}, 1 is {@code 02}, 63 is {@code 7e}, -64 is
 * {@code 7f}, 64 is {@code 80 01}, 300 is {@code d8 04}.
 *
 * <p>Readers reject encodings longer than the maximum with a {@link StorageException}; running
 * out of bytes raises the buffer's {@link java.nio.BufferUnderflowException}. Stateless and
 * thread-safe.
 */
public final class Varint {

  /** Most bytes a zigzag varint (32-bit) can take. */
  public static final int MAX_VARINT_BYTES = 5;
  /** Most bytes a zigzag varlong (64-bit) can take. */
  public static final int MAX_VARLONG_BYTES = 10;

  private static final int PAYLOAD_BITS = 7;
  private static final int PAYLOAD_MASK = 0x7f;
  private static final int CONTINUATION_BIT = 0x80;
  private static final int LAST_INT_SHIFT = PAYLOAD_BITS * (MAX_VARINT_BYTES - 1);
  private static final int LAST_LONG_SHIFT = PAYLOAD_BITS * (MAX_VARLONG_BYTES - 1);

  private Varint() {
  }

  /** Bytes the zigzag varint encoding of {@code value} takes (1 to 5). */
  public static int sizeOfVarint(int value) {
    return sizeOfUnsignedVarint((value << 1) ^ (value >> 31));
  }

  /** Bytes the zigzag varlong encoding of {@code value} takes (1 to 10). */
  public static int sizeOfVarlong(long value) {
    long v = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((v & ~PAYLOAD_MASK) != 0L) {
      bytes++;
      v >>>= PAYLOAD_BITS;
    }
    return bytes;
  }

  private static int sizeOfUnsignedVarint(int v) {
    // Number of significant bits, rounded up to whole 7-bit groups; 0 still takes one byte.
    int significantBits = Integer.SIZE - Integer.numberOfLeadingZeros(v | 1);
    return (significantBits + PAYLOAD_BITS - 1) / PAYLOAD_BITS;
  }

  /** Writes {@code value} as a zigzag varint at {@code at} in {@code dst}; returns the index after it. */
  public static int writeVarint(int value, byte[] dst, int at) {
    int v = (value << 1) ^ (value >> 31);
    int i = at;
    while ((v & ~PAYLOAD_MASK) != 0) {
      dst[i++] = (byte) ((v & PAYLOAD_MASK) | CONTINUATION_BIT);
      v >>>= PAYLOAD_BITS;
    }
    dst[i++] = (byte) v;
    return i;
  }

  /** Writes {@code value} as a zigzag varlong at {@code at} in {@code dst}; returns the index after it. */
  public static int writeVarlong(long value, byte[] dst, int at) {
    long v = (value << 1) ^ (value >> 63);
    int i = at;
    while ((v & ~PAYLOAD_MASK) != 0L) {
      dst[i++] = (byte) ((v & PAYLOAD_MASK) | CONTINUATION_BIT);
      v >>>= PAYLOAD_BITS;
    }
    dst[i++] = (byte) v;
    return i;
  }

  /** Writes {@code value} as a zigzag varint at the buffer's position and advances it. */
  public static void writeVarint(int value, ByteBuffer dst) {
    int v = (value << 1) ^ (value >> 31);
    while ((v & ~PAYLOAD_MASK) != 0) {
      dst.put((byte) ((v & PAYLOAD_MASK) | CONTINUATION_BIT));
      v >>>= PAYLOAD_BITS;
    }
    dst.put((byte) v);
  }

  /** Writes {@code value} as a zigzag varlong at the buffer's position and advances it. */
  public static void writeVarlong(long value, ByteBuffer dst) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & ~PAYLOAD_MASK) != 0L) {
      dst.put((byte) ((v & PAYLOAD_MASK) | CONTINUATION_BIT));
      v >>>= PAYLOAD_BITS;
    }
    dst.put((byte) v);
  }

  /**
   * Reads a zigzag varint at the buffer's position and advances it past the encoding.
   *
   * @throws StorageException if the encoding is longer than {@value #MAX_VARINT_BYTES} bytes
   * @throws java.nio.BufferUnderflowException if the buffer ends inside the encoding
   */
  public static int readVarint(ByteBuffer src) {
    int raw = 0;
    int shift = 0;
    int b;
    while (((b = src.get()) & CONTINUATION_BIT) != 0) {
      raw |= (b & PAYLOAD_MASK) << shift;
      shift += PAYLOAD_BITS;
      if (shift > LAST_INT_SHIFT) {
        throw new StorageException("varint ending before position " + src.position()
            + " is longer than " + MAX_VARINT_BYTES + " bytes");
      }
    }
    raw |= b << shift;
    return (raw >>> 1) ^ -(raw & 1);
  }

  /**
   * Reads a zigzag varlong at the buffer's position and advances it past the encoding.
   *
   * @throws StorageException if the encoding is longer than {@value #MAX_VARLONG_BYTES} bytes
   * @throws java.nio.BufferUnderflowException if the buffer ends inside the encoding
   */
  public static long readVarlong(ByteBuffer src) {
    long raw = 0L;
    int shift = 0;
    long b;
    while (((b = src.get()) & CONTINUATION_BIT) != 0) {
      raw |= (b & PAYLOAD_MASK) << shift;
      shift += PAYLOAD_BITS;
      if (shift > LAST_LONG_SHIFT) {
        throw new StorageException("varlong ending before position " + src.position()
            + " is longer than " + MAX_VARLONG_BYTES + " bytes");
      }
    }
    raw |= b << shift;
    return (raw >>> 1) ^ -(raw & 1L);
  }
}
