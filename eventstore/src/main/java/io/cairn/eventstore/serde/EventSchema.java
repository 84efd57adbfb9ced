package io.cairn.eventstore.serde;

import io.cairn.eventstore.serde.internal.AvroSchemas;
import io.cairn.eventstore.serde.internal.JsonSchema;
import java.util.Objects;

/**
 * A schema for one event type, in canonical text: two schemas are the same exactly when their
 * definitions are equal strings. The constructor parses and canonicalizes the definition.
 *
 * @param format     how {@code definition} is written
 * @param definition the schema text; for {@link SchemaFormat#JSON} the subset of JSON Schema described in
 *                   {@code docs/guide/schemas.md}, for {@link SchemaFormat#AVRO} an Avro schema
 */
public record EventSchema(SchemaFormat format, String definition) {

  /**
   * @throws io.cairn.eventstore.InvalidInputException naming {@code schema} if the definition does not
   *     parse in its format
   */
  public EventSchema {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(definition, "definition");
    definition = switch (format) {
      case JSON -> JsonSchema.parse(definition).toText();
      case AVRO -> AvroSchemas.parse(definition).toString();
    };
  }

  /** A declared JSON schema (see {@code docs/guide/schemas.md} for the subset of JSON Schema understood). */
  public static EventSchema json(String definition) {
    return new EventSchema(SchemaFormat.JSON, definition);
  }

  /**
   * The JSON schema derived from a record class: one property per record component (named as
   * Jackson writes it), its JSON type, and whether it is required (see {@code docs/guide/schemas.md}).
   *
   * @throws io.cairn.eventstore.InvalidInputException if {@code recordClass} is not a record
   */
  public static EventSchema jsonOf(Class<?> recordClass) {
    return new EventSchema(SchemaFormat.JSON, JsonSchema.derive(recordClass).toText());
  }

  /** An Avro schema. */
  public static EventSchema avro(org.apache.avro.Schema schema) {
    return new EventSchema(SchemaFormat.AVRO, schema.toString());
  }
}
