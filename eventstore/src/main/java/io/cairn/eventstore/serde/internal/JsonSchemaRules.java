package io.cairn.eventstore.serde.internal;

import java.util.Map;
import java.util.Optional;

/**
 * The JSON codec's compatibility rule (documented in {@code docs/guide/schemas.md}): a reader schema
 * reads data of a writer schema when every property the reader requires is required by the writer too,
 * and every property both have has the same JSON type (an {@code integer} may be read as a
 * {@code number}). Properties only the writer has are ignored on read. Stateless.
 */
public final class JsonSchemaRules {

  private JsonSchemaRules() {
  }

  /** The first reason (by property name) why {@code reader} cannot read data of {@code writer}, if any. */
  public static Optional<Incompatibility> firstIncompatibility(JsonSchema reader, JsonSchema writer) {
    for (Map.Entry<String, JsonSchema.Property> entry : reader.properties().entrySet()) {
      String name = entry.getKey();
      JsonSchema.Property read = entry.getValue();
      JsonSchema.Property written = writer.properties().get(name);
      if (written == null) {
        if (read.required()) {
          return Optional.of(new Incompatibility(name, read.describe(),
              "the reader requires it but the writer's schema does not have it"));
        }
      } else if (!readable(read.type(), written.type())) {
        return Optional.of(new Incompatibility(name, written.type() + " -> " + read.type(),
            "changing a property's type is refused (only an integer may be read as a number)"));
      } else if (read.required() && !written.required()) {
        return Optional.of(new Incompatibility(name, written.describe() + " -> " + read.describe(),
            "the reader requires it but the writer may leave it out"));
      }
    }
    return Optional.empty();
  }

  private static boolean readable(String readType, String writtenType) {
    return readType.equals(writtenType) || (readType.equals("number") && writtenType.equals("integer"));
  }
}
