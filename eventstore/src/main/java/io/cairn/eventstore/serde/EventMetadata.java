package io.cairn.eventstore.serde;

import io.cairn.eventstore.Header;
import io.cairn.eventstore.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What is known about a stored event beside its payload, as handlers see it. The event id and
 * timestamp are the record's own; the rest travels in plain record headers named by the constants
 * here (user header space: the store reserves only {@code cairn.*}).
 *
 * @param eventId       the event's unique id (in the record's {@code cairn.e} header)
 * @param correlationId the id of the conversation the event belongs to, or null
 * @param causationId   the id of what caused the event (a command id), or null
 * @param timestamp     when the record was written (the record timestamp)
 * @param schemaId      the registry id of the payload's schema, or {@link SerializedEvent#NO_SCHEMA}
 * @param contentType   the payload's content type, or null when the writer did not say
 */
public record EventMetadata(UUID eventId, String correlationId, String causationId, Instant timestamp,
                            int schemaId, String contentType) {

  /** Header carrying {@link #correlationId}. */
  public static final String CORRELATION_ID_HEADER = "correlation-id";
  /** Header carrying {@link #causationId}. */
  public static final String CAUSATION_ID_HEADER = "causation-id";
  /** Header carrying {@link #schemaId}, as decimal text. */
  public static final String SCHEMA_ID_HEADER = "schema-id";
  /** Header carrying {@link #contentType}. */
  public static final String CONTENT_TYPE_HEADER = "content-type";

  public EventMetadata {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(timestamp, "timestamp");
  }

  /**
   * The metadata of {@code event}, read from its headers; a header that is absent gives null (or
   * {@link SerializedEvent#NO_SCHEMA}).
   *
   * @throws SerializationException if the {@value #SCHEMA_ID_HEADER} header is not a decimal int
   */
  public static EventMetadata of(StoredEvent event) {
    String correlation = null;
    String causation = null;
    String schema = null;
    String contentType = null;
    for (Header header : event.headers()) {
      switch (header.key()) {
        case CORRELATION_ID_HEADER -> correlation = header.valueAsString();
        case CAUSATION_ID_HEADER -> causation = header.valueAsString();
        case SCHEMA_ID_HEADER -> schema = header.valueAsString();
        case CONTENT_TYPE_HEADER -> contentType = header.valueAsString();
        default -> {
          // a user header
        }
      }
    }
    return new EventMetadata(event.eventId(), correlation, causation, Instant.ofEpochMilli(event.timestamp()),
        parseSchemaId(schema, event), contentType);
  }

  /** The payload of {@code event} with its type, content type and schema id, ready for {@link EventCodec#decode}. */
  public static SerializedEvent serialized(StoredEvent event) {
    EventMetadata metadata = of(event);
    return new SerializedEvent(event.type(), event.payload() == null ? new byte[0] : event.payload(),
        metadata.contentType() == null ? ContentTypes.JSON : metadata.contentType(), metadata.schemaId());
  }

  /**
   * The headers to write for an event serialized as {@code serialized}, caused by {@code causationId}
   * in the conversation {@code correlationId} (either may be null: that header is left out).
   */
  public static List<Header> headers(SerializedEvent serialized, String correlationId, String causationId) {
    List<Header> headers = new ArrayList<>(4);
    if (correlationId != null) {
      headers.add(Header.of(CORRELATION_ID_HEADER, correlationId));
    }
    if (causationId != null) {
      headers.add(Header.of(CAUSATION_ID_HEADER, causationId));
    }
    if (serialized.schemaId() != SerializedEvent.NO_SCHEMA) {
      headers.add(Header.of(SCHEMA_ID_HEADER, Integer.toString(serialized.schemaId())));
    }
    headers.add(Header.of(CONTENT_TYPE_HEADER, serialized.contentType()));
    return headers;
  }

  private static int parseSchemaId(String text, StoredEvent event) {
    if (text == null) {
      return SerializedEvent.NO_SCHEMA;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new SerializationException("event " + event.eventId() + " of type " + event.type() + " at offset "
          + event.offset() + ": header " + SCHEMA_ID_HEADER + " = '" + text + "' must be a decimal schema id");
    }
  }
}
