package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.Header;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class HeaderConverterTest {

  private final HeaderConverter converter = new HeaderConverter();

  @Test
  void splitsAtTheFirstEqualsSign() {
    assertThat(converter.convert("correlation-id=c-1")).isEqualTo(Header.of("correlation-id", "c-1"));
    assertThat(converter.convert("query=a=b")).isEqualTo(Header.of("query", "a=b"));
  }

  @Test
  void anEmptyValueIsKeptAndAMissingOneIsNull() {
    assertThat(converter.convert("empty=")).isEqualTo(Header.of("empty", ""));
    assertThat(converter.convert("flag")).isEqualTo(new Header("flag", null));
  }

  @Test
  void valuesAreUtf8() {
    assertThat(converter.convert("note=größe ✓").valueAsString()).isEqualTo("größe ✓");
  }

  @Test
  void anEmptyKeyIsRejected() {
    assertThatThrownBy(() -> converter.convert("=value"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("non-empty key");
  }
}
