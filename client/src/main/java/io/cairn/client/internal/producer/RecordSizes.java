package io.cairn.client.internal.producer;

import io.cairn.eventstore.EventData;
import io.cairn.eventstore.Header;
import java.util.List;

/**
 * Upper-bound estimates of how many bytes a record takes in an uncompressed v2 record batch (docs/format.md):
 * what {@code batch.size} and {@code buffer.memory} count. Over-estimating by a few bytes per record is
 * fine; under-estimating would let a batch grow past {@code batch.size}. Stateless; allocates nothing.
 */
public final class RecordSizes {

  /** Bytes of a v2 batch header (base offset to record count). */
  public static final int BATCH_HEADER_BYTES = 61;
  /** Largest varint of an int32. */
  static final int MAX_VARINT_BYTES = 5;
  /** length, attributes, timestamp delta, offset delta, key length, value length, header count. */
  static final int RECORD_OVERHEAD_BYTES = 6 * MAX_VARINT_BYTES + 1;
  /** {@code cairn.id} (name, 16-byte value) and {@code cairn.type} (name, value length), with their lengths. */
  static final int RESERVED_HEADERS_BYTES = (MAX_VARINT_BYTES + "cairn.id".length() + MAX_VARINT_BYTES + 16)
      + (MAX_VARINT_BYTES + "cairn.type".length() + MAX_VARINT_BYTES);

  private RecordSizes() {
  }

  /** Estimated bytes of one record keyed by an aggregate id of {@code keyBytes} UTF-8 bytes. */
  public static int estimate(int keyBytes, EventData event) {
    long bytes = RECORD_OVERHEAD_BYTES + RESERVED_HEADERS_BYTES + (long) keyBytes + utf8Length(event.type());
    if (event.payload() != null) {
      bytes += event.payload().length;
    }
    List<Header> headers = event.headers();
    for (int i = 0; i < headers.size(); i++) {
      Header header = headers.get(i);
      bytes += 2 * MAX_VARINT_BYTES + utf8Length(header.key()) + (header.value() == null ? 0 : header.value().length);
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /** Bytes of {@code text} in UTF-8; an unpaired surrogate counts 3 bytes (the JDK writes 1), an upper bound. */
  public static int utf8Length(String text) {
    int length = text.length();
    int bytes = length;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        if (c < 0x800) {
          bytes += 1;
        } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
          bytes += 2;
          i++;
        } else {
          bytes += 2;
        }
      }
    }
    return bytes;
  }
}
