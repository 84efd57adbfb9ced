package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.Header;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The golden batch of design/kafka-format-facts.md, byte for byte and field for field. */
class GoldenBatchTest {

  static final String GOLDEN_HEX = String.join("",
      "0000000000000000 00000050 00000003 02 ca82318d 0000 00000001",
      "0000018bcfe56800 0000018bcfe56801 00000000000004d2 0005 00000007 00000002",
      "14 00 00 00 04 6b31 04 7631 00",
      "26 00 02 02 01 0e 76616c75652d32 02 04 6831 04 7631").replace(" ", "");
  static final long FIRST_TIMESTAMP = 1_700_000_000_000L;

  static byte[] goldenBytes() {
    return HexFormat.of().parseHex(GOLDEN_HEX);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void builderWritesTheGoldenBatchByteForByte() {
    try (RecordBatchBuilder builder = new RecordBatchBuilder()) {
      // given
      builder.reset(0L, 3, CompressionType.NONE, 1234L, (short) 5, 7, FIRST_TIMESTAMP);
      builder.addRecord(FIRST_TIMESTAMP, utf8("k1"), utf8("v1"), List.of());
      builder.addRecord(FIRST_TIMESTAMP + 1, null, utf8("value-2"), List.of(Header.of("h1", "v1")));

      // when
      ByteBuffer batch = builder.build();

      // then
      byte[] bytes = new byte[batch.remaining()];
      batch.get(bytes);
      assertThat(bytes).hasSize(92);
      assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(GOLDEN_HEX);
    }
  }

  @Test
  void builderWritesTheGoldenBatchThroughTheIncrementalHeaderCalls() {
    try (RecordBatchBuilder builder = new RecordBatchBuilder()) {
      // given
      builder.reset(0L, 3, CompressionType.NONE, 1234L, (short) 5, 7, FIRST_TIMESTAMP);
      builder.startRecord(FIRST_TIMESTAMP, utf8("xk1x"), 1, 2, utf8("v1"), 0, 2, 0).endRecord();
      builder.startRecord(FIRST_TIMESTAMP + 1, null, utf8("value-2"), 1).addHeader(utf8("h1"), utf8("v1")).endRecord();

      // when
      ByteBuffer batch = builder.build();

      // then
      assertThat(HexFormat.of().formatHex(batch.array(), 0, batch.limit())).isEqualTo(GOLDEN_HEX);
    }
  }

  @Test
  void readerDecodesTheGoldenBatchFieldForField() {
    try (RecordBatchReader reader = new RecordBatchReader()) {
      // given
      ByteBuffer golden = ByteBuffer.wrap(goldenBytes());

      // when
      reader.reset(golden, 0);

      // then
      assertThat(reader.baseOffset()).isZero();
      assertThat(reader.lastOffset()).isEqualTo(1);
      assertThat(reader.partitionLeaderEpoch()).isEqualTo(3);
      assertThat(reader.compression()).isEqualTo(CompressionType.NONE);
      assertThat(reader.isLogAppendTime()).isFalse();
      assertThat(reader.isTransactional()).isFalse();
      assertThat(reader.isControlBatch()).isFalse();
      assertThat(reader.baseTimestamp()).isEqualTo(FIRST_TIMESTAMP);
      assertThat(reader.maxTimestamp()).isEqualTo(FIRST_TIMESTAMP + 1);
      assertThat(reader.producerId()).isEqualTo(1234L);
      assertThat(reader.producerEpoch()).isEqualTo((short) 5);
      assertThat(reader.baseSequence()).isEqualTo(7);
      assertThat(reader.recordsCount()).isEqualTo(2);
      assertThat(reader.sizeInBytes()).isEqualTo(92);

      assertThat(reader.next()).isTrue();
      assertThat(reader.offset()).isZero();
      assertThat(reader.timestampMs()).isEqualTo(FIRST_TIMESTAMP);
      assertThat(reader.sequence()).isEqualTo(7);
      assertThat(reader.keyAsString()).contains("k1");
      assertThat(reader.value()).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("v1")));
      assertThat(reader.headerCount()).isZero();

      assertThat(reader.next()).isTrue();
      assertThat(reader.offset()).isEqualTo(1);
      assertThat(reader.timestampMs()).isEqualTo(FIRST_TIMESTAMP + 1);
      assertThat(reader.sequence()).as("lastSequence").isEqualTo(8);
      assertThat(reader.keyLength()).isEqualTo(-1);
      assertThat(reader.key()).isEmpty();
      assertThat(reader.value()).hasValueSatisfying(v -> assertThat(v).isEqualTo(utf8("value-2")));
      assertThat(reader.headers()).containsExactly(Header.of("h1", "v1"));
      assertThat(reader.findHeader(utf8("h1"))).isZero();
      assertThat(reader.findHeader(utf8("h2"))).isEqualTo(-1);

      assertThat(reader.next()).isFalse();
      reader.ensureValid();
      reader.ensureValidForAppend();
    }
  }

  @Test
  void goldenCrcIsTheCrc32cOfAttributesToEnd() {
    // given
    ByteBuffer golden = ByteBuffer.wrap(goldenBytes());

    // when
    long crc = BatchHeader.computeCrc(golden, 0, golden.limit());

    // then
    assertThat(crc).isEqualTo(0xca82318dL);
    assertThat(BatchHeader.invalidReason(golden, 0, golden.limit())).isNull();
  }

  @Test
  void stampingBaseOffsetAndLeaderEpochKeepsTheCrcValid() {
    try (RecordBatchReader reader = new RecordBatchReader()) {
      // given
      ByteBuffer golden = ByteBuffer.wrap(goldenBytes());

      // when
      BatchHeader.setBaseOffset(golden, 0, 1000L);
      BatchHeader.setPartitionLeaderEpoch(golden, 0, 9);

      // then
      reader.reset(golden, 0);
      assertThat(reader.baseOffset()).isEqualTo(1000L);
      assertThat(reader.partitionLeaderEpoch()).isEqualTo(9);
      assertThat(reader.next()).isTrue();
      assertThat(reader.offset()).isEqualTo(1000L);
    }
  }
}
