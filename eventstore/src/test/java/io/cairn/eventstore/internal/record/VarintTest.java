package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.StorageException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Zigzag varints: the vectors of kafka-format-facts.md, Kafka's ByteUtils as oracle, bad input. */
class VarintTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"0, 00", "-1, 01", "1, 02", "-2, 03", "63, 7e", "-64, 7f", "64, 8001", "300, d804",
      "2147483647, feffffff0f", "-2147483648, ffffffff0f"})
  void writesTheDocumentedVarintVectors(int value, String hex) {
    // given
    byte[] expected = HexFormat.of().parseHex(hex);
    byte[] array = new byte[Varint.MAX_VARINT_BYTES];
    ByteBuffer buffer = ByteBuffer.allocate(Varint.MAX_VARINT_BYTES);

    // when
    int end = Varint.writeVarint(value, array, 0);
    Varint.writeVarint(value, buffer);

    // then
    assertThat(Arrays.copyOf(array, end)).isEqualTo(expected);
    assertThat(Arrays.copyOf(buffer.array(), buffer.position())).isEqualTo(expected);
    assertThat(Varint.sizeOfVarint(value)).isEqualTo(expected.length);
    assertThat(Varint.readVarint(ByteBuffer.wrap(expected))).isEqualTo(value);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"0, 00", "-1, 01", "1, 02", "63, 7e", "-64, 7f", "64, 8001", "300, d804",
      "9223372036854775807, feffffffffffffffff01", "-9223372036854775808, ffffffffffffffffff01"})
  void writesTheDocumentedVarlongVectors(long value, String hex) {
    // given
    byte[] expected = HexFormat.of().parseHex(hex);
    byte[] array = new byte[Varint.MAX_VARLONG_BYTES];

    // when
    int end = Varint.writeVarlong(value, array, 0);

    // then
    assertThat(Arrays.copyOf(array, end)).isEqualTo(expected);
    assertThat(Varint.sizeOfVarlong(value)).isEqualTo(expected.length);
    assertThat(Varint.readVarlong(ByteBuffer.wrap(expected))).isEqualTo(value);
  }

  @Property(tries = 2000)
  void varintMatchesKafkaByteUtils(@ForAll int value) {
    // given
    ByteBuffer kafka = ByteBuffer.allocate(Varint.MAX_VARINT_BYTES);
    ByteUtils.writeVarint(value, kafka);
    byte[] ours = new byte[Varint.MAX_VARINT_BYTES];

    // when
    int end = Varint.writeVarint(value, ours, 0);

    // then
    assertThat(Arrays.copyOf(ours, end)).isEqualTo(Arrays.copyOf(kafka.array(), kafka.position()));
    assertThat(Varint.sizeOfVarint(value)).isEqualTo(ByteUtils.sizeOfVarint(value));
    assertThat(Varint.readVarint(ByteBuffer.wrap(ours, 0, end))).isEqualTo(value);
  }

  @Property(tries = 2000)
  void varlongMatchesKafkaByteUtils(@ForAll long value) {
    // given
    ByteBuffer kafka = ByteBuffer.allocate(Varint.MAX_VARLONG_BYTES);
    ByteUtils.writeVarlong(value, kafka);
    ByteBuffer ours = ByteBuffer.allocate(Varint.MAX_VARLONG_BYTES);

    // when
    Varint.writeVarlong(value, ours);

    // then
    assertThat(Arrays.copyOf(ours.array(), ours.position())).isEqualTo(Arrays.copyOf(kafka.array(), kafka.position()));
    assertThat(Varint.sizeOfVarlong(value)).isEqualTo(ByteUtils.sizeOfVarlong(value));
    assertThat(Varint.readVarlong(ours.flip())).isEqualTo(value);
  }

  @Test
  void rejectsAVarintLongerThanFiveBytes() {
    // given
    ByteBuffer sixBytes = ByteBuffer.wrap(HexFormat.of().parseHex("808080808001"));

    // when / then
    assertThatThrownBy(() -> Varint.readVarint(sixBytes))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("longer than 5 bytes");
  }

  @Test
  void rejectsAVarlongLongerThanTenBytes() {
    // given
    ByteBuffer elevenBytes = ByteBuffer.wrap(HexFormat.of().parseHex("8080808080808080808001"));

    // when / then
    assertThatThrownBy(() -> Varint.readVarlong(elevenBytes))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("longer than 10 bytes");
  }

  @Test
  void truncatedVarintUnderflows() {
    // given
    ByteBuffer truncated = ByteBuffer.wrap(HexFormat.of().parseHex("8080"));

    // when / then
    assertThatThrownBy(() -> Varint.readVarint(truncated)).isInstanceOf(BufferUnderflowException.class);
  }
}
