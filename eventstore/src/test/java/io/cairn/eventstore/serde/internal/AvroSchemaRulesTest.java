package io.cairn.eventstore.serde.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Avro findings translated to the field they concern, including nested records. */
class AvroSchemaRulesTest {

  static Schema schema(String text) {
    return new Schema.Parser().parse(text);
  }

  static final Schema WRITER = schema("""
      {"type":"record","name":"Opened","fields":[
        {"name":"id","type":"string"},
        {"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}},
        {"name":"count","type":"int"}]}""");

  @Test
  void aSchemaReadsItsOwnData() {
    assertThat(AvroSchemaRules.firstIncompatibility(WRITER, WRITER)).isEmpty();
  }

  @Test
  void promotionsAreCompatible() {
    Schema reader = schema(WRITER.toString().replace("{\"name\":\"count\",\"type\":\"int\"}",
        "{\"name\":\"count\",\"type\":\"long\"}"));

    assertThat(AvroSchemaRules.firstIncompatibility(reader, WRITER)).isEmpty();
    assertThat(AvroSchemaRules.firstIncompatibility(WRITER, reader)).map(Incompatibility::field)
        .contains("count");
  }

  @Test
  void aNestedFieldIsNamedByItsPath() {
    Schema reader = schema("""
        {"type":"record","name":"Opened","fields":[
          {"name":"id","type":"string"},
          {"name":"address","type":{"type":"record","name":"Address","fields":[
            {"name":"city","type":"string"},{"name":"zip","type":"string"}]}},
          {"name":"count","type":"int"}]}""");

    Optional<Incompatibility> found = AvroSchemaRules.firstIncompatibility(reader, WRITER);

    assertThat(found).isPresent();
    assertThat(found.get().field()).isEqualTo("address.zip");
    assertThat(found.get().value()).isEqualTo("READER_FIELD_MISSING_DEFAULT_VALUE");
  }

  @Test
  void aRenamedRecordConcernsTheWholeSchema() {
    Schema reader = schema(WRITER.toString().replace("\"name\":\"Opened\"", "\"name\":\"Closed\""));

    Optional<Incompatibility> found = AvroSchemaRules.firstIncompatibility(reader, WRITER);

    assertThat(found).map(Incompatibility::field).contains(Incompatibility.WHOLE_SCHEMA);
    assertThat(found).map(Incompatibility::value).contains("NAME_MISMATCH");
  }
}
