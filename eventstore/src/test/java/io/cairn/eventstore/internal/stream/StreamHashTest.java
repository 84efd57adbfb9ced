package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * XXH64 against the reference vectors of xxHash's own self-test ({@code cli/xsum_sanity_check.c}:
 * a buffer filled from PRIME32 multiplied by PRIME64, hashed at several lengths and seeds) and,
 * as an independent oracle, lz4-java's pure-Java XXHash64.
 */
class StreamHashTest {

  private static final long PRIME32 = 2654435761L;
  /** xxhsum's PRIME64 = 11400714785074694797 (note: not XXH64's PRIME64_1). */
  private static final long PRIME64 = 0x9E3779B185EBCA8DL;
  private static final XXHash64 ORACLE = XXHashFactory.safeInstance().hash64();

  /** xxHash's sanity buffer: {@code byteGen = PRIME32; buffer[i] = byteGen >> 56; byteGen *= PRIME64}. */
  private static byte[] sanityBuffer(int length) {
    byte[] buffer = new byte[length];
    long byteGen = PRIME32;
    for (int i = 0; i < length; i++) {
      buffer[i] = (byte) (byteGen >>> 56);
      byteGen *= PRIME64;
    }
    return buffer;
  }

  @ParameterizedTest(name = "XXH64(sanity buffer, {0} bytes, seed {1}) = {2}")
  @CsvSource({
      "0, 0, EF46DB3751D8E999",
      "0, 2654435761, AC75FDA2929B17EF",
      "1, 0, E934A84ADB052768",
      "1, 2654435761, 5014607643A9B4C3",
      "4, 0, 9136A0DCA57457EE",
      "14, 0, 8282DCC4994E35C8",
      "14, 2654435761, C3BD6BF63DEB6DF0",
      "222, 0, B641AE8CB691C174",
      "222, 2654435761, 20CB8AB7AE10C14A"})
  void matchesTheXxHashReferenceVectors(int length, long seed, String expectedHex) {
    // given
    byte[] data = sanityBuffer(length);

    // when
    long hash = StreamHash.hash64(data, 0, length, seed);

    // then
    assertThat(hash).isEqualTo(Long.parseUnsignedLong(expectedHex, 16));
  }

  @Test
  void hashesTheUtf8BytesOfAnAggregateIdWithSeedZero() {
    // given
    String id = "account-\u00e9\u4e16-42";
    byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);

    // when
    long fromString = StreamHash.hash64(id);

    // then
    assertThat(fromString).isEqualTo(StreamHash.hash64(utf8)).isEqualTo(ORACLE.hash(utf8, 0, utf8.length, 0));
    assertThat(StreamHash.hash64("")).isEqualTo(0xEF46DB3751D8E999L);
  }

  @Test
  void rejectsARangeOutsideTheArray() {
    assertThatThrownBy(() -> StreamHash.hash64(new byte[4], 2, 3, 0)).isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("[2, 5)");
  }

  @Property(tries = 500)
  void agreesWithLz4JavasXxHash64(@ForAll @Size(max = 300) byte[] data, @ForAll @IntRange(max = 7) int offset,
      @ForAll long seed) {
    // given
    byte[] shifted = new byte[data.length + offset];
    System.arraycopy(data, 0, shifted, offset, data.length);

    // when
    long hash = StreamHash.hash64(shifted, offset, data.length, seed);

    // then
    assertThat(hash).isEqualTo(ORACLE.hash(shifted, offset, data.length, seed));
  }
}
