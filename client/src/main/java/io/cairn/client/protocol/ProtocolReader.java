package io.cairn.client.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads the primitive types of docs/protocol.md from a region of a {@link Buffer}, front to back, big-endian.
 * Every read is bounds-checked against the end of the region first: a length or count that is negative
 * (other than -1 where the type allows null) or that runs past the end throws {@link MalformedFrameException}
 * naming the field, before anything is allocated, so a 2 GiB length field costs nothing.
 *
 * <p>Not thread-safe: one reader per frame, used by one thread.
 */
public final class ProtocolReader {

  /** Bytes of an {@code int16} length prefix ({@code string}). */
  public static final int STRING_LENGTH_BYTES = Short.BYTES;
  /** Bytes of an {@code int32} length or count prefix ({@code bytes}, {@code array}). */
  public static final int BYTES_LENGTH_BYTES = Integer.BYTES;
  /** Bytes of a {@code uuid}. */
  public static final int UUID_BYTES = 2 * Long.BYTES;

  private final Buffer buffer;
  private final int end;
  private int position;

  /** A reader of {@code buffer} from {@code start} (inclusive) to {@code end} (exclusive). */
  public ProtocolReader(Buffer buffer, int start, int end) {
    if (start < 0 || start > end || end > buffer.length()) {
      throw new IllegalArgumentException("region [" + start + ", " + end + ") is not inside a buffer of "
          + buffer.length() + " bytes");
    }
    this.buffer = buffer;
    this.position = start;
    this.end = end;
  }

  /** A reader of the whole of {@code buffer}. */
  public ProtocolReader(Buffer buffer) {
    this(buffer, 0, buffer.length());
  }

  /** The position of the next byte to read, in the buffer. */
  public int position() {
    return position;
  }

  /** Bytes left before the end of the region. */
  public int remaining() {
    return end - position;
  }

  /** An {@code int8}. */
  public byte readInt8(String field) {
    ensureRemaining(field, "int8", Byte.BYTES);
    byte value = buffer.getByte(position);
    position += Byte.BYTES;
    return value;
  }

  /** An {@code int16}. */
  public short readInt16(String field) {
    ensureRemaining(field, "int16", Short.BYTES);
    short value = buffer.getShort(position);
    position += Short.BYTES;
    return value;
  }

  /** An {@code int32}. */
  public int readInt32(String field) {
    ensureRemaining(field, "int32", Integer.BYTES);
    int value = buffer.getInt(position);
    position += Integer.BYTES;
    return value;
  }

  /** An {@code int64}. */
  public long readInt64(String field) {
    ensureRemaining(field, "int64", Long.BYTES);
    long value = buffer.getLong(position);
    position += Long.BYTES;
    return value;
  }

  /** A {@code boolean}: 0 or 1, anything else is malformed. */
  public boolean readBoolean(String field) {
    int at = position;
    byte value = readInt8(field);
    if (value == 0 || value == 1) {
      return value == 1;
    }
    throw malformed(field, at, "boolean must be 0 or 1, is " + value);
  }

  /** An {@code int16} error code; codes this codec does not know read as {@link ErrorCode#UNKNOWN_SERVER_ERROR}. */
  public ErrorCode readErrorCode(String field) {
    return ErrorCode.forCode(readInt16(field));
  }

  /** A {@code string}: never null. */
  public String readString(String field) {
    int at = position;
    short length = readInt16(field);
    if (length < 0) {
      throw malformed(field, at, "string length must be at least 0, is " + length);
    }
    return readUtf8(field, length);
  }

  /** A {@code nullable_string}: null for length -1. */
  public String readNullableString(String field) {
    int at = position;
    short length = readInt16(field);
    if (length == -1) {
      return null;
    }
    if (length < 0) {
      throw malformed(field, at, "nullable string length must be -1 (null) or at least 0, is " + length);
    }
    return readUtf8(field, length);
  }

  /**
   * A {@code bytes} field as a {@link ByteBuffer} that shares the frame's memory (no copy where the buffer
   * allows it): valid as long as the frame's buffer is not changed, which decoded frames never are.
   */
  public ByteBuffer readBytesView(String field) {
    int length = readBytesLength(field, false);
    ByteBuffer view = view(position, length);
    position += length;
    return view;
  }

  /** A {@code nullable_bytes} field, copied: null for length -1. */
  public byte[] readNullableBytes(String field) {
    int length = readBytesLength(field, true);
    if (length < 0) {
      return null;
    }
    byte[] bytes = buffer.getBytes(position, position + length);
    position += length;
    return bytes;
  }

  /** A {@code uuid}: most significant 8 bytes, then least significant 8 bytes. */
  public UUID readUuid(String field) {
    ensureRemaining(field, "uuid", UUID_BYTES);
    UUID value = new UUID(buffer.getLong(position), buffer.getLong(position + Long.BYTES));
    position += UUID_BYTES;
    return value;
  }

  /** A {@code nullable_uuid}: an {@code int8} 0 (null) or 1 followed by a {@code uuid}. */
  public UUID readNullableUuid(String field) {
    int at = position;
    byte present = readInt8(field);
    if (present == 0) {
      return null;
    }
    if (present != 1) {
      throw malformed(field, at, "nullable uuid marker must be 0 (null) or 1, is " + present);
    }
    return readUuid(field);
  }

  /**
   * An {@code array<T>} whose items take at least {@code minItemBytes} each: the count is checked against
   * the bytes left before the list is allocated.
   */
  public <T> List<T> readArray(String field, int minItemBytes, Function<ProtocolReader, T> item) {
    int count = readCount(field, minItemBytes, false);
    return readItems(count, item);
  }

  /** A nullable {@code array<T>} (count -1 = null), otherwise as {@link #readArray}. */
  public <T> List<T> readNullableArray(String field, int minItemBytes, Function<ProtocolReader, T> item) {
    int count = readCount(field, minItemBytes, true);
    return count < 0 ? null : readItems(count, item);
  }

  /** Throws {@link MalformedFrameException} unless every byte of the region was read. */
  public void ensureFullyRead(String what) {
    if (position != end) {
      throw new MalformedFrameException(what + " has " + (end - position) + " bytes after its last field (at "
          + position + ")");
    }
  }

  private <T> List<T> readItems(int count, Function<ProtocolReader, T> item) {
    List<T> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      items.add(item.apply(this));
    }
    return items;
  }

  private int readCount(String field, int minItemBytes, boolean nullable) {
    int at = position;
    int count = readInt32(field);
    if (nullable && count == -1) {
      return -1;
    }
    if (count < 0) {
      throw malformed(field, at, "array count must be " + (nullable ? "-1 (null) or " : "") + "at least 0, is " + count);
    }
    if ((long) count * Math.max(1, minItemBytes) > remaining()) {
      throw malformed(field, at, "array of " + count + " items of at least " + minItemBytes
          + " bytes runs past the end of the frame (" + remaining() + " bytes left)");
    }
    return count;
  }

  private int readBytesLength(String field, boolean nullable) {
    int at = position;
    int length = readInt32(field);
    if (nullable && length == -1) {
      return -1;
    }
    if (length < 0) {
      throw malformed(field, at, "bytes length must be " + (nullable ? "-1 (null) or " : "") + "at least 0, is " + length);
    }
    if (length > remaining()) {
      throw malformed(field, at, "bytes length " + length + " runs past the end of the frame (" + remaining()
          + " bytes left)");
    }
    return length;
  }

  private String readUtf8(String field, int length) {
    if (length > remaining()) {
      throw malformed(field, position - STRING_LENGTH_BYTES, "string length " + length
          + " runs past the end of the frame (" + remaining() + " bytes left)");
    }
    String value = length == 0 ? "" : buffer.getString(position, position + length, StandardCharsets.UTF_8.name());
    position += length;
    return value;
  }

  private ByteBuffer view(int start, int length) {
    if (buffer instanceof BufferInternal internal) {
      return internal.getByteBuf().nioBuffer(start, length).slice();
    }
    return ByteBuffer.wrap(buffer.getBytes(start, start + length));
  }

  private void ensureRemaining(String field, String type, int bytes) {
    if (remaining() < bytes) {
      throw malformed(field, position, type + " needs " + bytes + " bytes, " + remaining() + " left in the frame");
    }
  }

  private static MalformedFrameException malformed(String field, int position, String rule) {
    return new MalformedFrameException("field " + field + " at byte " + position + ": " + rule);
  }
}
