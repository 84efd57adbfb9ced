package io.cairn.eventstore.serde.internal;

import io.cairn.eventstore.InvalidInputException;
import org.apache.avro.Schema;
import org.apache.avro.AvroRuntimeException;

/** Parsing Avro schema text with errors in the module's style. Stateless. */
public final class AvroSchemas {

  private AvroSchemas() {
  }

  /**
   * The Avro schema written as {@code definition}.
   *
   * @throws InvalidInputException naming {@code schema} if it does not parse
   */
  public static Schema parse(String definition) {
    try {
      return new Schema.Parser().parse(definition);
    } catch (AvroRuntimeException e) {
      throw new InvalidInputException("schema", definition, "is not a valid Avro schema: " + e.getMessage());
    }
  }
}
