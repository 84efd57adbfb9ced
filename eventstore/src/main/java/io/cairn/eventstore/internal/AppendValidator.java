package io.cairn.eventstore.internal;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.record.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The rules an event must meet before it reaches a log, in one place: appends are checked here on the
 * caller's thread, batches built by {@code EventBatches.encode} use the same checks, and the partition
 * owner applies the same rules (and messages) to the records of a produced batch. Every failure is an
 * {@link InvalidInputException} naming the field, the value and the rule. The batch size against
 * {@code max.message.bytes} is checked by the partition once the batch is encoded. Stateless.
 */
public final class AppendValidator {

  /** Longest aggregate id in UTF-8 bytes (a Kafka key has no hard limit; 32 KiB keeps index entries sane). */
  public static final int MAX_AGGREGATE_ID_BYTES = 32_767;
  /** Most events in one append (one batch). */
  public static final int MAX_EVENTS_PER_APPEND = 100_000;
  /** Longest event type name in UTF-8 bytes. */
  public static final int MAX_TYPE_BYTES = EventData.MAX_TYPE_BYTES;
  /** Prefix of the headers the store writes itself. */
  public static final String RESERVED_HEADER_PREFIX = "cairn.";
  /** The rule for event type names, as error messages state it. */
  public static final String TYPE_RULE = "must be 1 to " + MAX_TYPE_BYTES + " UTF-8 bytes";
  /** The rule for user header names, as error messages state it. */
  public static final String HEADER_NAME_RULE = "header names must be non-empty and must not start with \""
      + RESERVED_HEADER_PREFIX + "\"";
  /** The rule for null payloads, as error messages state it. */
  public static final String TOMBSTONE_RULE = "may be null (a tombstone) only on a topic with cleanup.policy=compact";

  private AppendValidator() {
  }

  /** Validates {@code request} for a topic with {@code config}; returns the aggregate id's UTF-8 bytes. */
  static byte[] validate(AppendRequest request, TopicConfig config) {
    byte[] key = ensureAggregateId(request.aggregateId());
    ensureEventCount("events", request.events().size());
    for (int i = 0; i < request.events().size(); i++) {
      EventData event = request.events().get(i);
      String field = "events[" + i + "]";
      ensureTypeLength(field + ".type", Utf8.encodedLength(event.type()), event::type);
      ensurePayloadFits(field + ".payload", event.payload(), config);
      ensureHeaderNames(field + ".headers", event);
    }
    return key;
  }

  /** Checks an aggregate id and returns its UTF-8 bytes. */
  static byte[] ensureAggregateId(String aggregateId) {
    ensureAggregateIdLength("aggregateId", Utf8.encodedLength(aggregateId), () -> aggregateId);
    return aggregateId.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Checks the UTF-8 length of an aggregate id (a record key): 1 to {@value #MAX_AGGREGATE_ID_BYTES} bytes.
   * {@code value} gives the id for the message and is called only on a failure.
   */
  public static void ensureAggregateIdLength(String field, int utf8Bytes, Supplier<Object> value) {
    if (isAggregateIdLength(utf8Bytes)) {
      return;
    }
    if (utf8Bytes == 0) {
      throw new InvalidInputException(field, value.get(), "must not be empty");
    }
    if (utf8Bytes > MAX_AGGREGATE_ID_BYTES) {
      throw new InvalidInputException(field, value.get(), "must be at most " + MAX_AGGREGATE_ID_BYTES
          + " UTF-8 bytes, is " + utf8Bytes);
    }
  }

  /** Whether an aggregate id of {@code utf8Bytes} UTF-8 bytes is allowed (hot paths name the field only on a failure). */
  public static boolean isAggregateIdLength(int utf8Bytes) {
    return utf8Bytes > 0 && utf8Bytes <= MAX_AGGREGATE_ID_BYTES;
  }

  /** Checks the number of events of one batch: 1 to {@value #MAX_EVENTS_PER_APPEND}. */
  public static void ensureEventCount(String field, int count) {
    if (count == 0) {
      throw new InvalidInputException(field, 0, "an append needs at least one event");
    }
    if (count > MAX_EVENTS_PER_APPEND) {
      throw new InvalidInputException(field, count, "an append may hold at most " + MAX_EVENTS_PER_APPEND + " events");
    }
  }

  /**
   * Checks what an event must be whatever its topic: its type name ({@code <field>.type}) and its user
   * header names ({@code <field>.headers}).
   */
  public static void ensureEventShape(String field, EventData event) {
    ensureTypeLength(field + ".type", Utf8.encodedLength(event.type()), event::type);
    ensureHeaderNames(field + ".headers", event);
  }

  /** Whether {@link #ensureEventShape} would pass, without building field names (hot paths). */
  public static boolean hasValidShape(EventData event) {
    if (!isTypeLength(Utf8.encodedLength(event.type()))) {
      return false;
    }
    List<Header> headers = event.headers();
    for (int i = 0; i < headers.size(); i++) {
      String key = headers.get(i).key();
      if (key.isEmpty() || key.startsWith(RESERVED_HEADER_PREFIX)) {
        return false;
      }
    }
    return true;
  }

  private static void ensureHeaderNames(String field, EventData event) {
    for (Header header : event.headers()) {
      if (header.key().isEmpty() || header.key().startsWith(RESERVED_HEADER_PREFIX)) {
        throw new InvalidInputException(field, header.key(), HEADER_NAME_RULE);
      }
    }
  }

  /** Checks the UTF-8 length of an event type name; {@code value} is called only on a failure. */
  public static void ensureTypeLength(String field, int utf8Bytes, Supplier<Object> value) {
    if (!isTypeLength(utf8Bytes)) {
      throw new InvalidInputException(field, value.get(), TYPE_RULE);
    }
  }

  /** Whether an event type name of {@code utf8Bytes} UTF-8 bytes is allowed. */
  public static boolean isTypeLength(int utf8Bytes) {
    return utf8Bytes >= 1 && utf8Bytes <= MAX_TYPE_BYTES;
  }

  /** Checks a payload against the topic: null only on a compacted topic, at most {@code max.message.bytes}. */
  public static void ensurePayloadFits(String field, byte[] payload, TopicConfig config) {
    if (payload == null) {
      ensureTombstoneAllowed(field, config);
    } else if (payload.length > config.maxMessageBytes()) {
      throw new InvalidInputException(field, payload.length + " bytes",
          "must fit max.message.bytes = " + config.maxMessageBytes());
    }
  }

  /** Fails unless the topic keeps tombstones (null payloads): {@value #TOMBSTONE_RULE}. */
  public static void ensureTombstoneAllowed(String field, TopicConfig config) {
    if (config.cleanupPolicy() != CleanupPolicy.COMPACT) {
      throw new InvalidInputException(field, null, TOMBSTONE_RULE);
    }
  }

  /** Checks a stream read's range. */
  static void ensureStreamRange(long fromVersionInclusive, int maxCount) {
    if (fromVersionInclusive < 1) {
      throw new InvalidInputException("fromVersion", fromVersionInclusive, "must be at least 1 (the first event)");
    }
    if (maxCount < 1 || maxCount > MAX_EVENTS_PER_APPEND) {
      throw new InvalidInputException("maxCount", maxCount, "must be between 1 and " + MAX_EVENTS_PER_APPEND);
    }
  }

  /** Checks an offset read's range. */
  static void ensureReadRange(long fromOffset, int maxBytes) {
    if (fromOffset < 0) {
      throw new InvalidInputException("fromOffset", fromOffset, "must be at least 0");
    }
    if (maxBytes < 1) {
      throw new InvalidInputException("maxBytes", maxBytes, "must be at least 1");
    }
  }

  /** Checks a fetch's long-poll wait. */
  static void ensureMaxWait(long maxWaitMs) {
    if (maxWaitMs < 0) {
      throw new InvalidInputException("maxWaitMs", maxWaitMs, "must be at least 0 (0 answers at once)");
    }
  }
}
