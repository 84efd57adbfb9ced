package io.cairn.eventstore.serde;

import java.util.Objects;

/**
 * An event as bytes, with what a reader needs to decode it.
 *
 * @param type        the stable event type name (in the record's {@code cairn.e} header)
 * @param payload     the encoded event; arrays are not copied, callers MUST NOT change them
 * @param contentType how {@code payload} is encoded, such as {@value ContentTypes#JSON} or
 *                    {@value ContentTypes#AVRO}
 * @param schemaId    the registry id of the schema the payload was written with, or
 *                    {@value #NO_SCHEMA} when it was written without a registered schema
 */
public record SerializedEvent(String type, byte[] payload, String contentType, int schemaId) {

  /** The schema id of a payload written without a registered schema. */
  public static final int NO_SCHEMA = 0;

  public SerializedEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(contentType, "contentType");
  }
}
