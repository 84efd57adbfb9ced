package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Cairn's reserved record header (ADR 0014). Every record an append writes carries first one header
 * {@value #EVENT_KEY} whose value is
 *
 * <pre>
 * bytes 0-7    stream version, big-endian long (the first event of a stream is 1)
 * bytes 8-23   event id: UUID most significant 8 bytes then least, big-endian
 * bytes 24-    event type name, UTF-8 (1 to 255 bytes)
 * </pre>
 *
 * then the user's headers, whose names MUST NOT start with {@value #RESERVED_PREFIX}. The record
 * key is the aggregate id (UTF-8), the value the payload (null = tombstone). A produced record carries
 * the same header with version {@value #UNASSIGNED_VERSION}; the partition owner writes the version in.
 *
 * <p>Records written before ADR 0014 carry three headers instead ({@code cairn.v}, 8 bytes;
 * {@code cairn.id}, 16 bytes; {@code cairn.type}, UTF-8): the readers here read both forms. A record
 * written by a plain Kafka producer may carry neither: the readers then return {@value #NO_VERSION}, an
 * empty id and an empty type. A reserved header with too short a value counts as absent. Stateless and
 * thread-safe; the builder and reader passed in are not.
 */
public final class EventHeaders {

  /** Prefix of every header name Cairn reserves. */
  public static final String RESERVED_PREFIX = "cairn.";
  /** The header holding the stream version, event id and event type. */
  public static final String EVENT_KEY = RESERVED_PREFIX + "e";
  /** Headers Cairn puts before the user's on every record it writes (or that a producer sends). */
  public static final int RESERVED_HEADER_COUNT = 1;
  /** Bytes of an {@link #EVENT_KEY} value before the type: the version and the event id. */
  public static final int EVENT_VALUE_TYPE_OFFSET = RecordBatchBuilder.LONG_UUID_HEADER_PREFIX_LENGTH;
  /** The version a produced record carries: the partition owner replaces it with the stream version. */
  public static final long UNASSIGNED_VERSION = 0L;
  /** What {@link #version} returns for a record without a valid version. */
  public static final long NO_VERSION = -1L;
  private static final int NOT_FOUND = -1;
  private static final int EVENT_ID_OFFSET = Long.BYTES;
  private static final int UUID_LSB_OFFSET = Long.BYTES;
  private static final int LEGACY_VERSION_LENGTH = Long.BYTES;
  private static final int LEGACY_EVENT_ID_LENGTH = 2 * Long.BYTES;

  private static final byte[] PREFIX_UTF8 = RESERVED_PREFIX.getBytes(StandardCharsets.UTF_8);
  private static final byte[] EVENT_KEY_UTF8 = EVENT_KEY.getBytes(StandardCharsets.UTF_8);
  private static final byte[] LEGACY_VERSION_KEY_UTF8 = (RESERVED_PREFIX + "v").getBytes(StandardCharsets.UTF_8);
  private static final byte[] LEGACY_EVENT_ID_KEY_UTF8 = (RESERVED_PREFIX + "id").getBytes(StandardCharsets.UTF_8);
  private static final byte[] LEGACY_TYPE_KEY_UTF8 = (RESERVED_PREFIX + "type").getBytes(StandardCharsets.UTF_8);

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
   * Adds one event record: key = the aggregate id, value = the payload, the reserved
   * {@value #EVENT_KEY} header, then {@code userHeaders} (checked by {@link #ensureNoReservedHeaders}). Apart from
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
   * Starts an event record and writes its reserved header; the caller then adds exactly
   * {@code userHeaderCount} headers and calls {@link RecordBatchBuilder#endRecord()}. For callers
   * that hold the event id as two longs and their headers in another form.
   */
  public static void startEvent(RecordBatchBuilder builder, long timestampMs, byte[] aggregateIdUtf8, long version,
      long eventIdMostSignificantBits, long eventIdLeastSignificantBits, String type, byte[] payload,
      int userHeaderCount) {
    builder.startRecord(timestampMs, aggregateIdUtf8, payload, RESERVED_HEADER_COUNT + userHeaderCount)
        .addLongUuidStringHeader(EVENT_KEY_UTF8, version, eventIdMostSignificantBits, eventIdLeastSignificantBits,
            type);
  }

  /**
   * Starts a produced event record: key = the aggregate id encoded in place, value = the payload, the
   * {@value #EVENT_KEY} header with version {@value #UNASSIGNED_VERSION}; the caller then adds
   * exactly {@code userHeaderCount} headers and calls {@link RecordBatchBuilder#endRecord()}.
   */
  public static void startProducedEvent(RecordBatchBuilder builder, long timestampMs, String aggregateId,
      UUID eventId, String type, byte[] payload, int userHeaderCount) {
    builder.startRecordWithStringKey(timestampMs, aggregateId, payload, RESERVED_HEADER_COUNT + userHeaderCount)
        .addLongUuidStringHeader(EVENT_KEY_UTF8, UNASSIGNED_VERSION, eventId.getMostSignificantBits(),
            eventId.getLeastSignificantBits(), type);
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
        + RecordBatchBuilder.maxHeaderSizeInBytes(EVENT_KEY_UTF8.length,
            EVENT_VALUE_TYPE_OFFSET + Utf8.encodedLength(type));
    for (int i = 0; i < userHeaders.size(); i++) {
      Header header = userHeaders.get(i);
      bytes += RecordBatchBuilder.maxHeaderSizeInBytes(Utf8.encodedLength(header.key()),
          header.value() == null ? -1 : header.value().length);
    }
    return bytes;
  }

  /**
   * Adds a copy of header {@code index} of the reader's current record, an {@value #EVENT_KEY} header of at
   * least {@value #EVENT_VALUE_TYPE_OFFSET} bytes, to the record being built, with its version set to
   * {@code version}.
   */
  public static void addEventHeaderWithVersion(RecordBatchBuilder builder, RecordBatchReader reader, int index,
      long version) {
    builder.addHeaderFromReplacingLong(reader, index, version);
  }

  /**
   * Adds the record {@code reader} is on, whose header 0 is {@value #EVENT_KEY}, with {@code version} written into
   * that header, in one copy ({@link RecordBatchBuilder#addRecordFromReplacingLong}).
   */
  public static void addRecordWithVersion(RecordBatchBuilder builder, RecordBatchReader reader, long version) {
    builder.addRecordFromReplacingLong(reader, 0, version);
  }

  /** Whether header {@code index} of the reader's current record is in the reserved name space. Allocates nothing. */
  public static boolean isReservedHeader(RecordBatchReader reader, int index) {
    return reader.headerKeyStartsWith(index, PREFIX_UTF8);
  }

  /** Whether header {@code index} of the reader's current record is named {@value #EVENT_KEY}. */
  public static boolean isEventHeader(RecordBatchReader reader, int index) {
    return reader.headerKeyEquals(index, EVENT_KEY_UTF8);
  }

  /**
   * Version in the {@value #EVENT_KEY} header {@code index} of the reader's current record, which MUST
   * hold at least {@value #EVENT_VALUE_TYPE_OFFSET} bytes.
   */
  public static long versionAt(RecordBatchReader reader, int index) {
    return reader.headerValueLong(index, 0);
  }

  /** Stream version of the reader's current record, or {@value #NO_VERSION} if it has none. Allocates nothing. */
  public static long version(RecordBatchReader reader) {
    int index = eventHeader(reader);
    if (index != NOT_FOUND) {
      return versionAt(reader, index);
    }
    index = legacyHeader(reader, LEGACY_VERSION_KEY_UTF8, LEGACY_VERSION_LENGTH);
    return index == NOT_FOUND ? NO_VERSION : reader.headerValueLong(index, 0);
  }

  /** Event id of the reader's current record; empty if it has none. */
  public static Optional<UUID> eventId(RecordBatchReader reader) {
    int index = eventHeader(reader);
    int at = EVENT_ID_OFFSET;
    if (index == NOT_FOUND) {
      index = legacyHeader(reader, LEGACY_EVENT_ID_KEY_UTF8, LEGACY_EVENT_ID_LENGTH);
      at = 0;
    }
    if (index == NOT_FOUND) {
      return Optional.empty();
    }
    return Optional.of(new UUID(reader.headerValueLong(index, at),
        reader.headerValueLong(index, at + UUID_LSB_OFFSET)));
  }

  /** Event type of the reader's current record; empty string if it has none. */
  public static String type(RecordBatchReader reader) {
    int index = eventHeader(reader);
    if (index != NOT_FOUND) {
      return reader.headerValueAsString(index, EVENT_VALUE_TYPE_OFFSET);
    }
    index = reader.findHeader(LEGACY_TYPE_KEY_UTF8);
    return index == NOT_FOUND ? "" : reader.headerValueAsString(index).orElse("");
  }

  /**
   * Index of the current record's {@value #EVENT_KEY} header (the first header of every record Cairn writes,
   * where the search starts), or -1 if it has none with at least {@value #EVENT_VALUE_TYPE_OFFSET} bytes.
   */
  private static int eventHeader(RecordBatchReader reader) {
    int index = reader.findHeader(EVENT_KEY_UTF8);
    return index != NOT_FOUND && reader.headerValueLength(index) >= EVENT_VALUE_TYPE_OFFSET ? index : NOT_FOUND;
  }

  /** Index of the record's pre-ADR-0014 header {@code keyUtf8} if its value has {@code length} bytes, else -1. */
  private static int legacyHeader(RecordBatchReader reader, byte[] keyUtf8, int length) {
    int index = reader.findHeader(keyUtf8);
    return index != NOT_FOUND && reader.headerValueLength(index) == length ? index : NOT_FOUND;
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
