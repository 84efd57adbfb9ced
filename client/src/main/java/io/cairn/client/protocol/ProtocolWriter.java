package io.cairn.client.protocol;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Appends the primitive types of docs/protocol.md to a {@link Buffer}, big-endian. Lengths that do not fit
 * the type's prefix (a string over 32,767 UTF-8 bytes) throw {@link IllegalArgumentException} naming the
 * field: the caller built a message the protocol cannot carry.
 *
 * <p>Not thread-safe: one writer per frame being built.
 */
public final class ProtocolWriter {

  private final Buffer buffer;

  /** A writer appending to {@code buffer}. */
  public ProtocolWriter(Buffer buffer) {
    this.buffer = buffer;
  }

  /** The buffer written to. */
  public Buffer buffer() {
    return buffer;
  }

  /** An {@code int8}. */
  public ProtocolWriter writeInt8(byte value) {
    buffer.appendByte(value);
    return this;
  }

  /** An {@code int16}. */
  public ProtocolWriter writeInt16(short value) {
    buffer.appendShort(value);
    return this;
  }

  /** An {@code int32}. */
  public ProtocolWriter writeInt32(int value) {
    buffer.appendInt(value);
    return this;
  }

  /** An {@code int64}. */
  public ProtocolWriter writeInt64(long value) {
    buffer.appendLong(value);
    return this;
  }

  /** A {@code boolean}: 1 or 0. */
  public ProtocolWriter writeBoolean(boolean value) {
    buffer.appendByte(value ? (byte) 1 : (byte) 0);
    return this;
  }

  /** An error code as its {@code int16}. */
  public ProtocolWriter writeErrorCode(ErrorCode errorCode) {
    return writeInt16(errorCode.code());
  }

  /** A {@code string}; {@code value} MUST NOT be null. */
  public ProtocolWriter writeString(String field, String value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is a string and cannot be null");
    }
    return writeUtf8(field, value);
  }

  /** A {@code nullable_string}. */
  public ProtocolWriter writeNullableString(String field, String value) {
    if (value == null) {
      return writeInt16((short) -1);
    }
    return writeUtf8(field, value);
  }

  /** A {@code bytes} field: the remaining bytes of {@code value}, whose position is not moved. */
  public ProtocolWriter writeBytes(ByteBuffer value) {
    int length = value.remaining();
    buffer.appendInt(length);
    if (value.hasArray()) {
      buffer.appendBytes(value.array(), value.arrayOffset() + value.position(), length);
    } else {
      // Direct or read-only buffers: Netty copies straight from them, no intermediate array.
      buffer.appendBuffer(BufferInternal.buffer(Unpooled.wrappedBuffer(value.duplicate())));
    }
    return this;
  }

  /** A {@code nullable_bytes} field. */
  public ProtocolWriter writeNullableBytes(byte[] value) {
    if (value == null) {
      return writeInt32(-1);
    }
    buffer.appendInt(value.length).appendBytes(value);
    return this;
  }

  /** A {@code uuid}; {@code value} MUST NOT be null. */
  public ProtocolWriter writeUuid(UUID value) {
    buffer.appendLong(value.getMostSignificantBits()).appendLong(value.getLeastSignificantBits());
    return this;
  }

  /** A {@code nullable_uuid}. */
  public ProtocolWriter writeNullableUuid(UUID value) {
    if (value == null) {
      return writeInt8((byte) 0);
    }
    writeInt8((byte) 1);
    return writeUuid(value);
  }

  /** An {@code array<T>}: the count, then each item written by {@code item}. */
  public <T> ProtocolWriter writeArray(List<T> items, BiConsumer<ProtocolWriter, T> item) {
    buffer.appendInt(items.size());
    for (T value : items) {
      item.accept(this, value);
    }
    return this;
  }

  /** A nullable {@code array<T>}: count -1 for null. */
  public <T> ProtocolWriter writeNullableArray(List<T> items, BiConsumer<ProtocolWriter, T> item) {
    if (items == null) {
      return writeInt32(-1);
    }
    return writeArray(items, item);
  }

  private ProtocolWriter writeUtf8(String field, String value) {
    int lengthAt = buffer.length();
    buffer.appendShort((short) 0);
    buffer.appendString(value, StandardCharsets.UTF_8.name());
    int length = buffer.length() - lengthAt - Short.BYTES;
    if (length > Short.MAX_VALUE) {
      throw new IllegalArgumentException(field + " is " + length + " UTF-8 bytes, a protocol string holds at most "
          + Short.MAX_VALUE);
    }
    buffer.setShort(lengthAt, (short) length);
    return this;
  }
}
