package io.cairn.eventstore.internal;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.record.Utf8;
import java.nio.charset.StandardCharsets;

/**
 * Checks an append before it reaches the partition, so bad input never touches the log. Every
 * failure is an {@link InvalidInputException} naming the field, the value and the rule. The batch size
 * against {@code max.message.bytes} is checked by the partition once the batch is encoded.
 */
final class AppendValidator {

  /** Longest aggregate id in UTF-8 bytes (a Kafka key has no hard limit; 32 KiB keeps index entries sane). */
  static final int MAX_AGGREGATE_ID_BYTES = 32_767;
  /** Most events in one append (one batch). */
  static final int MAX_EVENTS_PER_APPEND = 100_000;
  /** Longest event type name in UTF-8 bytes. */
  static final int MAX_TYPE_BYTES = 255;
  /** Prefix of the headers the store writes itself. */
  static final String RESERVED_HEADER_PREFIX = "cairn.";

  private AppendValidator() {
  }

  /** Validates {@code request} for a topic with {@code config}; returns the aggregate id's UTF-8 bytes. */
  static byte[] validate(AppendRequest request, TopicConfig config) {
    byte[] key = ensureAggregateId(request.aggregateId());
    int count = request.events().size();
    if (count == 0) {
      throw new InvalidInputException("events", 0, "an append needs at least one event");
    }
    if (count > MAX_EVENTS_PER_APPEND) {
      throw new InvalidInputException("events", count, "an append may hold at most " + MAX_EVENTS_PER_APPEND + " events");
    }
    for (int i = 0; i < count; i++) {
      ensureEvent(request.events().get(i), i, config);
    }
    return key;
  }

  /** Checks an aggregate id and returns its UTF-8 bytes. */
  static byte[] ensureAggregateId(String aggregateId) {
    if (aggregateId.isEmpty()) {
      throw new InvalidInputException("aggregateId", aggregateId, "must not be empty");
    }
    byte[] key = aggregateId.getBytes(StandardCharsets.UTF_8);
    if (key.length > MAX_AGGREGATE_ID_BYTES) {
      throw new InvalidInputException("aggregateId", aggregateId, "must be at most " + MAX_AGGREGATE_ID_BYTES
          + " UTF-8 bytes, is " + key.length);
    }
    return key;
  }

  private static void ensureEvent(EventData event, int index, TopicConfig config) {
    String field = "events[" + index + "]";
    int typeBytes = Utf8.encodedLength(event.type());
    if (typeBytes == 0 || typeBytes > MAX_TYPE_BYTES) {
      throw new InvalidInputException(field + ".type", event.type(), "must be 1 to " + MAX_TYPE_BYTES + " UTF-8 bytes");
    }
    if (event.payload() == null && config.cleanupPolicy() != CleanupPolicy.COMPACT) {
      throw new InvalidInputException(field + ".payload", null,
          "may be null (a tombstone) only on a topic with cleanup.policy=compact");
    }
    if (event.payload() != null && event.payload().length > config.maxMessageBytes()) {
      throw new InvalidInputException(field + ".payload", event.payload().length + " bytes",
          "must fit max.message.bytes = " + config.maxMessageBytes());
    }
    for (Header header : event.headers()) {
      if (header.key().isEmpty() || header.key().startsWith(RESERVED_HEADER_PREFIX)) {
        throw new InvalidInputException(field + ".headers", header.key(),
            "header names must be non-empty and must not start with \"" + RESERVED_HEADER_PREFIX + "\"");
      }
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
}
