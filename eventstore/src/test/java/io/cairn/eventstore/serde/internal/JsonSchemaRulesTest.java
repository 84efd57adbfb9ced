package io.cairn.eventstore.serde.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The JSON codec's compatibility rule, case by case and as laws over random schemas. */
class JsonSchemaRulesTest {

  static JsonSchema schema(Map<String, JsonSchema.Property> properties) {
    return new JsonSchema(new TreeMap<>(properties));
  }

  static JsonSchema.Property required(String type) {
    return new JsonSchema.Property(type, true);
  }

  static JsonSchema.Property optional(String type) {
    return new JsonSchema.Property(type, false);
  }

  @Test
  void aReaderRequiringAPropertyTheWriterLacksCannotRead() {
    JsonSchema writer = schema(Map.of("id", required("string")));
    JsonSchema reader = schema(Map.of("id", required("string"), "owner", required("string")));

    assertThat(JsonSchemaRules.firstIncompatibility(reader, writer)).map(Incompatibility::field).contains("owner");
    assertThat(JsonSchemaRules.firstIncompatibility(writer, reader)).isEmpty();
  }

  @Test
  void aReaderRequiringWhatTheWriterMayLeaveOutCannotRead() {
    JsonSchema writer = schema(Map.of("id", optional("string")));
    JsonSchema reader = schema(Map.of("id", required("string")));

    assertThat(JsonSchemaRules.firstIncompatibility(reader, writer)).map(Incompatibility::value)
        .contains("optional string -> required string");
  }

  @Test
  void anIntegerMayBeReadAsANumberButNotTheOtherWayRound() {
    JsonSchema integer = schema(Map.of("amount", required("integer")));
    JsonSchema number = schema(Map.of("amount", required("number")));

    assertThat(JsonSchemaRules.firstIncompatibility(number, integer)).isEmpty();
    assertThat(JsonSchemaRules.firstIncompatibility(integer, number)).map(Incompatibility::field).contains("amount");
  }

  @Property(tries = 300)
  void everySchemaReadsItsOwnData(@ForAll("schemas") JsonSchema schema) {
    assertThat(JsonSchemaRules.firstIncompatibility(schema, schema)).isEmpty();
  }

  @Property(tries = 300)
  void addingAnOptionalPropertyIsBackwardAndForwardCompatible(@ForAll("schemas") JsonSchema schema,
                                                              @ForAll("types") String type) {
    SortedMap<String, JsonSchema.Property> more = new TreeMap<>(schema.properties());
    more.put("added_property", optional(type));
    JsonSchema evolved = new JsonSchema(more);

    assertThat(JsonSchemaRules.firstIncompatibility(evolved, schema)).isEmpty();
    assertThat(JsonSchemaRules.firstIncompatibility(schema, evolved)).isEmpty();
  }

  @Property(tries = 300)
  void theTextFormParsesBackToTheSameSchema(@ForAll("schemas") JsonSchema schema) {
    assertThat(JsonSchema.parse(schema.toText())).isEqualTo(schema);
  }

  @Provide
  Arbitrary<String> types() {
    return Arbitraries.of("string", "integer", "number", "boolean", "array", "object");
  }

  @Provide
  Arbitrary<JsonSchema> schemas() {
    Arbitrary<JsonSchema.Property> property = Combinators.combine(types(), Arbitraries.of(true, false))
        .as(JsonSchema.Property::new);
    return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), property).ofMaxSize(8)
        .map(map -> new JsonSchema(new TreeMap<>(map)));
  }
}
