package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Cairn's reserved record headers. Every record an append writes carries, first and in this
 * order:
 *
 * <pre>
 * cairn.v     stream version, 8 bytes, big-endian long (the first event of a stream is 1)
 * cairn.id    event id, 16 bytes: UUID most significant 8 bytes then least, big-endian
 * cairn.type  event type name, UTF-8
 * </pre>
 *
 * then the user's headers, whose names MUST NOT start with {@value #RESERVED_PREFIX}. The record
 * key is the aggregate id (UTF-8), the value the payload (null = tombstone).
 *
 * <p>A record written by a plain Kafka producer may lack them: the readers here then return
 * {@value #NO_VERSION}, an empty id and an empty type. A reserved header with the wrong value
 * length counts as absent. Stateless and thread-safe; the builder and reader passed in are not.
 */
public final class EventHeaders {

  /** Prefix of every header name Cairn reserves. */
  public static final String RESERVED_PREFIX = "cairn.";
  /** Header holding the stream version. */
  public static final String VERSION_KEY = RESERVED_PREFIX + "v";
  /** Header holding the event id. */
  public static final String EVENT_ID_KEY = RESERVED_PREFIX + "id";
  /** Header holding the event type. */
  public static final String TYPE_KEY = RESERVED_PREFIX + "type";
  /** Headers Cairn puts before the user's on every record it writes. */
  public static final int RESERVED_HEADER_COUNT = 3;
  /**
   * Reserved headers of a produced record ({@code cairn.id}, {@code cairn.type}, in this order, before
   * the user's): the partition owner puts {@code cairn.v} in front when it re-encodes the batch.
   */
  public static final int PRODUCED_HEADER_COUNT = 2;
  /** Value length of {@link #VERSION_KEY}: a big-endian long. */
  public static final int VERSION_VALUE_LENGTH = RecordBatchBuilder.LONG_HEADER_LENGTH;
  /** Value length of {@link #EVENT_ID_KEY}: two big-endian longs. */
  public static final int EVENT_ID_VALUE_LENGTH = RecordBatchBuilder.UUID_HEADER_LENGTH;
  /** What {@link #version} returns for a record without a valid version header. */
  public static final long NO_VERSION = -1L;
  private static final int NOT_FOUND = -1;
  private static final int UUID_LSB_OFFSET = Long.BYTES;

  private static final byte[] PREFIX_UTF8 = RESERVED_PREFIX.getBytes(StandardCharsets.UTF_8);
  private static final byte[] VERSION_KEY_UTF8 = VERSION_KEY.getBytes(StandardCharsets.UTF_8);
  private static final byte[] EVENT_ID_KEY_UTF8 = EVENT_ID_KEY.getBytes(StandardCharsets.UTF_8);
  private static final byte[] TYPE_KEY_UTF8 = TYPE_KEY.getBytes(StandardCharsets.UTF_8);

  private EventHeaders() {
  }

  /** Whether {@code headerKey} is in Cairn's reserved name space. */
  public static boolean isReserved(String headerKey) {
    return headerKey.startsWith(RESERVED_PREFIX);
  }

  /** Throws {@link InvalidInputException} if a user header uses a reserved name. */
  public static void ensureNoReservedHeaders(List<Header> userHeaders) {
    for (int i = 0; i < userHeaders.size(); i++) {
      String key = userHeaders.get(i).key();
      if (isReserved(key)) {
        throw new InvalidInputException("headers[" + i + "].key", key, "names starting with " + RESERVED_PREFIX + " are reserved");
      }
    }
  }

  /**
   * Adds one event record: key = the aggregate id, value = the payload, the three reserved
   * headers, then {@code userHeaders} (checked by {@link #ensureNoReservedHeaders}). Apart from
   * the builder's reused arrays, nothing is allocated: the type is encoded in place.
   *
   * @param aggregateIdUtf8 the aggregate id as UTF-8, encoded once per batch by the caller
   * @param payload         the payload, or null for a tombstone
   */
  public static void addEvent(RecordBatchBuilder builder, long timestampMs, byte[] aggregateIdUtf8, long version,
      UUID eventId, String type, byte[] payload, List<Header> userHeaders) {
    ensureNoReservedHeaders(userHeaders);
    startEvent(builder, timestampMs, aggregateIdUtf8, version, eventId.getMostSignificantBits(),
        eventId.getLeastSignificantBits(), type, payload, userHeaders.size());
    for (int i = 0; i < userHeaders.size(); i++) {
      Header header = userHeaders.get(i);
      builder.addHeader(header.key(), header.value());
    }
    builder.endRecord();
  }

  /**
   * Starts an event record and writes its reserved headers; the caller then adds exactly
   * {@code userHeaderCount} headers and calls {@link RecordBatchBuilder#endRecord()}. For callers
   * that hold the event id as two longs and their headers in another form.
   */
  public static void startEvent(RecordBatchBuilder builder, long timestampMs, byte[] aggregateIdUtf8, long version,
      long eventIdMostSignificantBits, long eventIdLeastSignificantBits, String type, byte[] payload,
      int userHeaderCount) {
    builder.startRecord(timestampMs, aggregateIdUtf8, payload, RESERVED_HEADER_COUNT + userHeaderCount)
        .addLongHeader(VERSION_KEY_UTF8, version)
        .addUuidHeader(EVENT_ID_KEY_UTF8, eventIdMostSignificantBits, eventIdLeastSignificantBits)
        .addStringHeader(TYPE_KEY_UTF8, type);
  }

  /**
   * Starts a produced event record (see {@link #PRODUCED_HEADER_COUNT}): key = the aggregate id
   * encoded in place, value = the payload, {@code cairn.id} and {@code cairn.type}; the caller then adds
   * exactly {@code userHeaderCount} headers and calls {@link RecordBatchBuilder#endRecord()}.
   */
  public static void startProducedEvent(RecordBatchBuilder builder, long timestampMs, String aggregateId,
      UUID eventId, String type, byte[] payload, int userHeaderCount) {
    builder.startRecordWithStringKey(timestampMs, aggregateId, payload, PRODUCED_HEADER_COUNT + userHeaderCount)
        .addUuidHeader(EVENT_ID_KEY_UTF8, eventId.getMostSignificantBits(), eventId.getLeastSignificantBits())
        .addStringHeader(TYPE_KEY_UTF8, type);
  }

  /**
   * Adds a whole produced event record (see {@link #startProducedEvent}) with {@code userHeaders}, which the
   * caller has checked.
   */
  public static void addProducedEvent(RecordBatchBuilder builder, long timestampMs, String aggregateId,
      UUID eventId, String type, byte[] payload, List<Header> userHeaders) {
    startProducedEvent(builder, timestampMs, aggregateId, eventId, type, payload, userHeaders.size());
    for (int i = 0; i < userHeaders.size(); i++) {
      Header header = userHeaders.get(i);
      builder.addHeader(header.key(), header.value());
    }
    builder.endRecord();
  }

  /**
   * Most bytes {@link #addProducedEvent} takes in a batch for an aggregate id of {@code aggregateIdBytes}
   * UTF-8 bytes (including the room the builder needs while writing; see
   * {@link RecordBatchBuilder#maxRecordSizeInBytes}). Allocates nothing.
   */
  public static long maxProducedEventSizeInBytes(int aggregateIdBytes, String type, byte[] payload,
      List<Header> userHeaders) {
    long bytes = RecordBatchBuilder.maxRecordSizeInBytes(aggregateIdBytes, payload == null ? -1 : payload.length)
        + RecordBatchBuilder.maxHeaderSizeInBytes(EVENT_ID_KEY_UTF8.length, EVENT_ID_VALUE_LENGTH)
        + RecordBatchBuilder.maxHeaderSizeInBytes(TYPE_KEY_UTF8.length, Utf8.encodedLength(type));
    for (int i = 0; i < userHeaders.size(); i++) {
      Header header = userHeaders.get(i);
      bytes += RecordBatchBuilder.maxHeaderSizeInBytes(Utf8.encodedLength(header.key()),
          header.value() == null ? -1 : header.value().length);
    }
    return bytes;
  }

  /** Adds the {@code cairn.v} header with {@code version} to the record being built. */
  public static void addVersionHeader(RecordBatchBuilder builder, long version) {
    builder.addLongHeader(VERSION_KEY_UTF8, version);
  }

  /** Whether header {@code index} of the reader's current record is in the reserved name space. Allocates nothing. */
  public static boolean isReservedHeader(RecordBatchReader reader, int index) {
    return reader.headerKeyStartsWith(index, PREFIX_UTF8);
  }

  /** Whether header {@code index} of the reader's current record is {@code cairn.v}. */
  public static boolean isVersionHeader(RecordBatchReader reader, int index) {
    return reader.headerKeyEquals(index, VERSION_KEY_UTF8);
  }

  /** Whether header {@code index} of the reader's current record is {@code cairn.id}. */
  public static boolean isEventIdHeader(RecordBatchReader reader, int index) {
    return reader.headerKeyEquals(index, EVENT_ID_KEY_UTF8);
  }

  /** Whether header {@code index} of the reader's current record is {@code cairn.type}. */
  public static boolean isTypeHeader(RecordBatchReader reader, int index) {
    return reader.headerKeyEquals(index, TYPE_KEY_UTF8);
  }

  /** Stream version of the reader's current record, or {@value #NO_VERSION} if it has none. Allocates nothing. */
  public static long version(RecordBatchReader reader) {
    int index = reader.findHeader(VERSION_KEY_UTF8);
    if (index == NOT_FOUND || reader.headerValueLength(index) != VERSION_VALUE_LENGTH) {
      return NO_VERSION;
    }
    return reader.headerValueLong(index, 0);
  }

  /** Event id of the reader's current record; empty if it has none. */
  public static Optional<UUID> eventId(RecordBatchReader reader) {
    int index = reader.findHeader(EVENT_ID_KEY_UTF8);
    if (index == NOT_FOUND || reader.headerValueLength(index) != EVENT_ID_VALUE_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(new UUID(reader.headerValueLong(index, 0), reader.headerValueLong(index, UUID_LSB_OFFSET)));
  }

  /** Event type of the reader's current record; empty string if it has none. */
  public static String type(RecordBatchReader reader) {
    int index = reader.findHeader(TYPE_KEY_UTF8);
    if (index == NOT_FOUND) {
      return "";
    }
    return reader.headerValueAsString(index).orElse("");
  }

  /** The current record's headers without the reserved ones, in order, as new objects. */
  public static List<Header> userHeaders(RecordBatchReader reader) {
    int count = reader.headerCount();
    List<Header> headers = null;
    for (int i = 0; i < count; i++) {
      if (!reader.headerKeyStartsWith(i, PREFIX_UTF8)) {
        if (headers == null) {
          headers = new ArrayList<>(count - i);
        }
        headers.add(reader.header(i));
      }
    }
    return headers == null ? List.of() : headers;
  }
}
