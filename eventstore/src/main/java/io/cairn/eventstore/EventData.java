package io.cairn.eventstore;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to append: its unique id (the key of event-id idempotence), its type name, its payload
 * and extra headers (correlation id, causation id, content type, schema id, ...). The store adds
 * the stream version when it appends. Arrays are not copied: callers MUST NOT change them after
 * handing them over.
 *
 * @param eventId unique id of this event; a retry MUST reuse it
 * @param type    stable event type name such as {@code AccountOpened}; 1 to {@value #MAX_TYPE_BYTES} UTF-8 bytes
 * @param payload the serialized event, or {@code null} for a tombstone on a compacted topic
 * @param headers extra headers; names starting with {@code cairn.} are reserved
 */
public record EventData(UUID eventId, String type, byte[] payload, List<Header> headers) {

  /** Longest event type name in UTF-8 bytes. */
  public static final int MAX_TYPE_BYTES = 255;

  public EventData {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    headers = List.copyOf(headers);
  }

  /** An event with a fresh random id and no extra headers. */
  public static EventData of(String type, byte[] payload) {
    return new EventData(UUID.randomUUID(), type, payload, List.of());
  }

  /** An event with the given id and no extra headers. */
  public static EventData of(UUID eventId, String type, byte[] payload) {
    return new EventData(eventId, type, payload, List.of());
  }
}
