package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** UTF-8 without temporary arrays must give exactly what String.getBytes(UTF_8) gives. */
class Utf8Test {

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "order-42", "ключ", "日本", "😀", "a\uD800b", "\uDC00", "x\uD83D", "é😀\uDBFF\uDFFF"})
  void encodesLikeStringGetBytes(String s) {
    assertSameAsJdk(s);
  }

  @Property(tries = 3000)
  void encodesAnyStringLikeStringGetBytes(@ForAll String s) {
    assertSameAsJdk(s);
  }

  private static void assertSameAsJdk(String s) {
    // given
    byte[] expected = s.getBytes(StandardCharsets.UTF_8);
    byte[] dst = new byte[expected.length + 2];

    // when
    int length = Utf8.encodedLength(s);
    int end = Utf8.encode(s, dst, 1);

    // then
    assertThat(length).isEqualTo(expected.length);
    assertThat(end).isEqualTo(1 + expected.length);
    assertThat(Arrays.copyOfRange(dst, 1, end)).isEqualTo(expected);
  }
}
