package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.StartPosition;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class StartPositionConverterTest {

  private final StartPositionConverter converter = new StartPositionConverter();

  @Test
  void namedPositionsMapToTheApiConstants() {
    assertThat(converter.convert("earliest")).isEqualTo(StartPosition.EARLIEST);
    assertThat(converter.convert(" latest ")).isEqualTo(StartPosition.LATEST);
  }

  @Test
  void offsetsAreZeroOrMore() {
    assertThat(converter.convert("offset:0")).isEqualTo(StartPosition.offset(0));
    assertThat(converter.convert("offset:9223372036854775807")).isEqualTo(StartPosition.offset(Long.MAX_VALUE));
  }

  @Test
  void timesAreIsoInstantsWithAZone() {
    long expected = Instant.parse("2026-11-21T07:57:54.953Z").toEpochMilli();

    assertThat(converter.convert("time:2026-11-21T07:57:54.953Z")).isEqualTo(StartPosition.timestamp(expected));
    assertThat(converter.convert("time:2026-11-21T08:57:54.953+01:00")).isEqualTo(StartPosition.timestamp(expected));
    assertThat(converter.convert("time:1970-01-01T00:00:00Z")).isEqualTo(StartPosition.timestamp(0));
  }

  @Test
  void anythingElseIsRejectedNamingTheForms() {
    for (String bad : new String[] {"", "first", "offset:", "offset:-1", "offset:x", "42", "time:2026-11-21",
        "time:2026-11-21T07:57:54", "time:yesterday", "Earliest"}) {
      assertThatThrownBy(() -> converter.convert(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("earliest, latest, offset:N or time:ISO-INSTANT");
    }
  }
}
