package io.cairn.eventstore.serde;

import java.util.Objects;

/**
 * One schema version of an event type, as the registry holds it.
 *
 * @param id      the global schema id written in each event's {@value EventMetadata#SCHEMA_ID_HEADER}
 *                header; positive, never reused, stable forever
 * @param type    the event type name
 * @param version the type's version, from 1, one more for each new schema of the type
 * @param schema  the schema
 */
public record RegisteredSchema(int id, String type, int version, EventSchema schema) {

  public RegisteredSchema {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(schema, "schema");
  }

  /** {@code type v<version> (schema id <id>)}, for messages. */
  public String describe() {
    return type + " v" + version + " (schema id " + id + ")";
  }
}
