package io.cairn.eventstore.serde.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Avro's compatibility rule: {@link SchemaCompatibility}'s reader/writer check, its first finding
 * translated to the field it concerns (walking the finding's JSON-pointer location in the reader
 * schema). Stateless.
 */
public final class AvroSchemaRules {

  private AvroSchemaRules() {
  }

  /** The first reason why {@code reader} cannot read data of {@code writer}, if any. */
  public static Optional<Incompatibility> firstIncompatibility(Schema reader, Schema writer) {
    SchemaCompatibility.SchemaCompatibilityResult result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
    if (result.getCompatibility() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE
        || result.getIncompatibilities().isEmpty()) {
      return Optional.empty();
    }
    SchemaCompatibility.Incompatibility first = result.getIncompatibilities().get(0);
    String field = fieldAt(reader, first.getLocation());
    return Optional.of(new Incompatibility(field, first.getType().name(), "Avro schema resolution: "
        + first.getMessage() + " (at " + first.getLocation() + ")"));
  }

  /** The dotted field path named by a location such as {@code /fields/1/type/fields/0}. */
  static String fieldAt(Schema schema, String location) {
    List<String> names = new ArrayList<>();
    String[] tokens = location.split("/");
    Schema current = schema;
    for (int i = 0; i < tokens.length && current != null; i++) {
      String token = tokens[i];
      if (token.equals("fields") && i + 1 < tokens.length && current.getType() == Schema.Type.RECORD) {
        int index = Integer.parseInt(tokens[++i]);
        if (index >= current.getFields().size()) {
          break;
        }
        Schema.Field field = current.getFields().get(index);
        names.add(field.name());
        current = field.schema();
      } else if (token.equals("items") && current.getType() == Schema.Type.ARRAY) {
        current = current.getElementType();
      } else if (token.equals("values") && current.getType() == Schema.Type.MAP) {
        current = current.getValueType();
      } else if (current.getType() == Schema.Type.UNION && token.chars().allMatch(Character::isDigit)
          && !token.isEmpty()) {
        int index = Integer.parseInt(token);
        current = index < current.getTypes().size() ? current.getTypes().get(index) : null;
      }
    }
    return names.isEmpty() ? Incompatibility.WHOLE_SCHEMA : String.join(".", names);
  }
}
