package io.cairn.eventstore.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cairn.eventstore.InvalidInputException;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The JSON schema derived from a record, and the declared form. */
class JsonSchemaTest {

  @Retention(RetentionPolicy.RUNTIME)
  @interface Nullable {
  }

  record Money(long cents, String currency) {
  }

  enum Kind { SAVINGS, CHECKING }

  record Everything(int count, long total, boolean flag, double ratio, Integer boxed, String name,
                    @Nullable String note, Optional<Instant> closedAt, Instant openedAt, UUID id, Kind kind,
                    BigDecimal amount, List<String> tags, Map<String, Integer> limits, Money balance,
                    @JsonProperty(value = "renamed", required = true) Long forced) {
  }

  @Test
  void aRecordGivesOnePropertyPerComponentWithItsJsonTypeAndWhetherItIsRequired() {
    // when
    EventSchema schema = EventSchema.jsonOf(Everything.class);

    // then
    assertThat(schema.format()).isEqualTo(SchemaFormat.JSON);
    assertThat(schema.definition()).isEqualTo("{\"type\":\"object\",\"properties\":{"
        + "\"amount\":{\"type\":\"number\"},"
        + "\"balance\":{\"type\":\"object\"},"
        + "\"boxed\":{\"type\":\"integer\"},"
        + "\"closedAt\":{\"type\":\"string\"},"
        + "\"count\":{\"type\":\"integer\"},"
        + "\"flag\":{\"type\":\"boolean\"},"
        + "\"id\":{\"type\":\"string\"},"
        + "\"kind\":{\"type\":\"string\"},"
        + "\"limits\":{\"type\":\"object\"},"
        + "\"name\":{\"type\":\"string\"},"
        + "\"note\":{\"type\":\"string\"},"
        + "\"openedAt\":{\"type\":\"string\"},"
        + "\"ratio\":{\"type\":\"number\"},"
        + "\"renamed\":{\"type\":\"integer\"},"
        + "\"tags\":{\"type\":\"array\"},"
        + "\"total\":{\"type\":\"integer\"}},"
        + "\"required\":[\"amount\",\"balance\",\"count\",\"flag\",\"id\",\"kind\",\"limits\",\"name\",\"openedAt\","
        + "\"ratio\",\"renamed\",\"tags\",\"total\"]}");
  }

  @Test
  void aDeclaredSchemaIsCanonicalized() {
    EventSchema declared = EventSchema.json(
        "{\"required\":[\"b\"],\"properties\":{\"b\":{\"type\":\"string\"},\"a\":{\"type\":\"integer\"}}}");

    assertThat(declared.definition()).isEqualTo("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},"
        + "\"b\":{\"type\":\"string\"}},\"required\":[\"b\"]}");
  }

  @Test
  void aClassThatIsNotARecordIsRefused() {
    assertThatThrownBy(() -> EventSchema.jsonOf(String.class)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("java.lang.String").hasMessageContaining("record");
  }

  @Test
  void aRequiredNameThatIsNoPropertyIsRefused() {
    assertThatThrownBy(() -> EventSchema.json("{\"properties\":{},\"required\":[\"ghost\"]}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("ghost");
  }
}
