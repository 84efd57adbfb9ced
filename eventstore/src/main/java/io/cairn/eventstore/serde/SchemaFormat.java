package io.cairn.eventstore.serde;

/** How a registered schema is written, and so which compatibility rules apply to it. */
public enum SchemaFormat {

  /**
   * A subset of JSON Schema derived from a Java record or declared: an object's properties, each with
   * one JSON type, and the list of required ones; rules in {@code docs/guide/schemas.md}.
   */
  JSON,

  /** An Avro schema (JSON text); Avro's own schema-resolution rules decide compatibility. */
  AVRO
}
