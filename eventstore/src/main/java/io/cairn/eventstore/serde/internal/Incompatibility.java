package io.cairn.eventstore.serde.internal;

/**
 * Why a reader schema cannot read data of a writer schema, found by a format's rules.
 *
 * @param field  the field concerned, as a dotted path ({@code address.city}), or {@code (schema)} when the
 *               schemas differ as a whole
 * @param value  what the field is on each side, for the message
 * @param reason the rule broken, in words
 */
public record Incompatibility(String field, String value, String reason) {

  /** The field name used when no single field is at fault. */
  public static final String WHOLE_SCHEMA = "(schema)";
}
