package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.ExpectedVersion;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ExpectedVersionConverterTest {

  private final ExpectedVersionConverter converter = new ExpectedVersionConverter();

  @Test
  void namedExpectationsMapToTheApiConstants() {
    assertThat(converter.convert("any")).isEqualTo(ExpectedVersion.ANY);
    assertThat(converter.convert("no-stream")).isEqualTo(ExpectedVersion.NO_STREAM);
    assertThat(converter.convert("exists")).isEqualTo(ExpectedVersion.STREAM_EXISTS);
  }

  @Test
  void numbersAreExactVersionsAndZeroMeansNoStream() {
    assertThat(converter.convert("7")).isEqualTo(ExpectedVersion.exactly(7));
    assertThat(converter.convert(" 12 ")).isEqualTo(ExpectedVersion.exactly(12));
    assertThat(converter.convert("0")).isEqualTo(ExpectedVersion.NO_STREAM);
  }

  @Test
  void negativeNumbersAndWordsAreRejectedWithTheRule() {
    for (String bad : new String[] {"-1", "latest", "", "1.5", "NoStream"}) {
      assertThatThrownBy(() -> converter.convert(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageContaining("'" + bad + "'")
          .hasMessageContaining("any, no-stream, exists or a stream version");
    }
  }

  @Test
  void formatIsTheInverseOfConvert() {
    for (String text : new String[] {"any", "no-stream", "exists", "1", "42"}) {
      assertThat(ExpectedVersionConverter.format(converter.convert(text))).isEqualTo(text);
    }
  }
}
