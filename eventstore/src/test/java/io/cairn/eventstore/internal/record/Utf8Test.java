package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UTF-8 without temporary arrays must give exactly what String.getBytes(UTF_8) gives, and the
 * well-formedness check must accept exactly what the JDK's strict decoder accepts.
 */
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

  @ParameterizedTest
  @ValueSource(strings = {"", "61", "c3a9", "e282ac", "f09f9880", "f48fbfbf", "efbfbf", "7f"})
  void wellFormedSequencesAreAccepted(String hex) {
    assertThat(Utf8.isWellFormed(ByteBuffer.wrap(bytes(hex)), 0, hex.length() / 2)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"80", "c0af", "c1bf", "e080af", "eda080", "f08fbfbf", "f4908080", "f5808080", "c3", "e282",
      "f09f98", "ff", "61e2"})
  void overlongSurrogateTruncatedAndOutOfRangeSequencesAreRejected(String hex) {
    assertThat(Utf8.isWellFormed(ByteBuffer.wrap(bytes(hex)), 0, hex.length() / 2)).isFalse();
  }

  @Property(tries = 3000)
  void wellFormedExactlyWhenTheStrictJdkDecoderAccepts(@ForAll @Size(max = 12) byte[] raw) {
    // given: some bytes inside a larger buffer
    ByteBuffer buffer = ByteBuffer.allocate(raw.length + 2);
    buffer.position(1);
    buffer.put(raw);

    // when / then
    assertThat(Utf8.isWellFormed(buffer, 1, raw.length)).isEqualTo(jdkAccepts(raw));
  }

  @Property(tries = 1000)
  void encodedStringsAreWellFormed(@ForAll String s) {
    byte[] encoded = s.getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.isWellFormed(ByteBuffer.wrap(encoded), 0, encoded.length)).isTrue();
  }

  private static boolean jdkAccepts(byte[] raw) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] bytes(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}
