package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our builder and our reader agree, for every codec, with the builder and reader reused across batches. */
class RecordBatchRoundTripTest {

  private static RecordBatchBuilder sharedBuilder;
  private static RecordBatchReader sharedReader;

  @BeforeContainer
  static void open() {
    sharedBuilder = new RecordBatchBuilder();
    sharedReader = new RecordBatchReader();
  }

  @AfterContainer
  static void close() {
    sharedBuilder.close();
    sharedReader.close();
  }

  @Provide
  Arbitrary<List<TestRecord>> batches() {
    return RecordArbitraries.records(40);
  }

  @Property(tries = 150)
  void everyRecordComesBackUnchanged(@ForAll("batches") List<TestRecord> records, @ForAll CompressionType compression) {
    // given
    sharedBuilder.reset(1000L, 7, compression, 99L, (short) 1, 5, records.get(0).timestamp());
    TestRecord.addAll(sharedBuilder, records);

    // when
    ByteBuffer batch = sharedBuilder.build();
    sharedReader.reset(batch, 0);

    // then
    assertThat(TestRecord.readAll(sharedReader)).isEqualTo(TestRecord.withOffsets(records, 1000L));
    assertThat(sharedReader.compression()).isEqualTo(compression);
    assertThat(sharedReader.maxTimestamp()).isEqualTo(records.stream().mapToLong(TestRecord::timestamp).max().orElseThrow());
    assertThat(BatchHeader.invalidReason(batch, 0, batch.limit())).isNull();
    sharedReader.reset(batch, 0);
    sharedReader.ensureValidForAppend();
  }

  @Property(tries = 40)
  void batchesReadTheSameFromDirectBuffersAndFromTheMiddleOfABiggerBuffer(@ForAll("batches") List<TestRecord> records,
      @ForAll CompressionType compression) {
    // given: the batch copied into a direct buffer, behind 13 bytes of other data, little-endian order
    sharedBuilder.reset(0L, -1, compression, -1L, (short) -1, -1, records.get(0).timestamp());
    TestRecord.addAll(sharedBuilder, records);
    ByteBuffer batch = sharedBuilder.build();
    int prefix = 13;
    ByteBuffer direct = ByteBuffer.allocateDirect(prefix + batch.remaining() + 5).order(ByteOrder.LITTLE_ENDIAN);
    direct.position(prefix);
    direct.put(batch.duplicate());
    direct.flip();
    ByteBuffer heapSlice = ByteBuffer.allocate(prefix + batch.remaining()).position(prefix).slice();
    heapSlice.put(batch.duplicate()).flip();

    // when
    List<TestRecord> fromDirect = TestRecord.readAll(sharedReader.reset(direct, prefix));
    List<TestRecord> fromSlice = TestRecord.readAll(sharedReader.reset(heapSlice, 0));

    // then
    assertThat(fromDirect).isEqualTo(TestRecord.withOffsets(records, 0L));
    assertThat(fromSlice).isEqualTo(TestRecord.withOffsets(records, 0L));
    assertThat(direct.position()).as("caller's position untouched").isZero();
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void readerWalksSeveralBatchesInOneBuffer(CompressionType compression) {
    try (RecordBatchBuilder builder = new RecordBatchBuilder(); RecordBatchReader reader = new RecordBatchReader()) {
      // given: three batches back to back, as in a segment file
      ByteBuffer log = ByteBuffer.allocate(64 * 1024);
      for (int b = 0; b < 3; b++) {
        builder.reset(b * 2L, 0, compression, -1L, (short) -1, -1, 100L);
        builder.addRecord(100L, ("agg-" + b).getBytes(StandardCharsets.UTF_8), new byte[] {(byte) b}, List.of());
        builder.addRecord(101L, ("agg-" + b).getBytes(StandardCharsets.UTF_8), null, List.of());
        log.put(builder.build());
      }
      log.flip();

      // when
      List<Long> offsets = new ArrayList<>();
      int position = 0;
      while (position < log.limit()) {
        reader.reset(log, position, true, "00000000000000000000.log", position);
        while (reader.next()) {
          offsets.add(reader.offset());
        }
        position += reader.sizeInBytes();
      }

      // then
      assertThat(offsets).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void readingOnlyTheFirstRecordDecompressesLittleOfABigBatch(CompressionType compression) {
    try (RecordBatchBuilder builder = new RecordBatchBuilder(); RecordBatchReader reader = new RecordBatchReader()) {
      // given: 2 MiB of incompressible values
      Random random = new Random(7);
      builder.reset(0L, 0, compression, -1L, (short) -1, -1, 1L);
      for (int i = 0; i < 512; i++) {
        byte[] value = new byte[4096];
        random.nextBytes(value);
        builder.startRecord(1L, "agg-1".getBytes(StandardCharsets.UTF_8), value, 1)
            .addHeader(new byte[] {'v'}, ByteBuffer.allocate(Long.BYTES).putLong(0, i + 1).array()).endRecord();
      }
      ByteBuffer batch = builder.build();

      // when
      reader.reset(batch, 0);
      reader.next();

      // then
      assertThat(reader.keyAsString()).contains("agg-1");
      assertThat(reader.headerValueLong(reader.findHeader(new byte[] {'v'}), 0)).isEqualTo(1L);
      assertThat(reader.decompressedBytes()).as("decompressed for the first record").isLessThan(300 * 1024);
      reader.ensureValid();
      assertThat(reader.decompressedBytes()).isGreaterThan(2 * 1024 * 1024);
    }
  }

  @Test
  void incrementalHeadersWriteTheSameBytesAsAHeaderList() {
    try (RecordBatchBuilder incremental = new RecordBatchBuilder(); RecordBatchBuilder fromList = new RecordBatchBuilder()) {
      // given
      byte[] key = "order-42".getBytes(StandardCharsets.UTF_8);
      byte[] value = "payload".getBytes(StandardCharsets.UTF_8);
      incremental.reset(3L, 1, CompressionType.NONE, -1L, (short) -1, -1, 50L);
      fromList.reset(3L, 1, CompressionType.NONE, -1L, (short) -1, -1, 50L);

      // when
      incremental.startRecord(60L, key, value, 3)
          .addLongUuidStringHeader("e".getBytes(StandardCharsets.UTF_8), 0x0102030405060708L, 1L, 2L, "日本")
          .addHeader("n", null)
          .addHeader("r".getBytes(StandardCharsets.UTF_8), "xxabcxx".getBytes(StandardCharsets.UTF_8), 2, 3)
          .endRecord();
      fromList.addRecord(60L, key, value, List.of(
          new Header("e", ByteBuffer.allocate(30).putLong(0x0102030405060708L).putLong(1L).putLong(2L)
              .put("日本".getBytes(StandardCharsets.UTF_8)).array()),
          new Header("n", null),
          Header.of("r", "abc")));

      // then
      assertThat(KafkaOracleTest.bytes(incremental.build())).isEqualTo(KafkaOracleTest.bytes(fromList.build()));
    }
  }

  @Test
  void aHeaderCopiedWithItsFirstLongReplacedKeepsTheRestOfItsValue() {
    try (RecordBatchBuilder source = new RecordBatchBuilder(); RecordBatchBuilder copy = new RecordBatchBuilder();
         RecordBatchReader reader = new RecordBatchReader()) {
      // given: a record whose header "e" holds a long, a UUID and a string
      byte[] key = "order-42".getBytes(StandardCharsets.UTF_8);
      source.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 50L);
      source.startRecord(60L, key, new byte[] {1}, 2).addHeader("h", null)
          .addLongUuidStringHeader(new byte[] {'e'}, 0L, 3L, 4L, "Opened").endRecord();
      reader.reset(source.build(), 0);
      reader.next();

      // when
      copy.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 50L);
      copy.startRecordFrom(reader, 60L, 1).addHeaderFromReplacingLong(reader, 1, 258L).endRecord();
      reader.reset(copy.build(), 0);
      reader.next();

      // then
      assertThat(reader.headerKey(0)).isEqualTo("e");
      assertThat(reader.headerValueLong(0, 0)).isEqualTo(258L);
      assertThat(reader.headerValueLong(0, 8)).isEqualTo(3L);
      assertThat(reader.headerValueLong(0, 16)).isEqualTo(4L);
      assertThat(reader.headerValueAsString(0, 24)).isEqualTo("Opened");
      assertThat(reader.headerValueIsUtf8(0, 24)).isTrue();
      reader.ensureValid();
    }
  }

  @Test
  void aRecordCopiedWholeWithItsFirstHeaderLongReplacedIsTheRecordBuiltFieldByField() {
    try (RecordBatchBuilder source = new RecordBatchBuilder(); RecordBatchBuilder whole = new RecordBatchBuilder();
         RecordBatchBuilder fieldByField = new RecordBatchBuilder();
         RecordBatchReader reader = new RecordBatchReader()) {
      // given: records whose first header holds a long, a UUID and a string, one with a null key and value
      source.reset(0L, 0, CompressionType.NONE, 7L, (short) 1, 5, 50L);
      source.startRecord(60L, "order-42".getBytes(StandardCharsets.UTF_8), new byte[300], 2)
          .addLongUuidStringHeader(new byte[] {'e'}, 0L, 3L, 4L, "Opened").addHeader("trace", new byte[] {9})
          .endRecord();
      source.startRecord(40L, null, null, 1).addLongUuidStringHeader(new byte[] {'e'}, 0L, 5L, 6L, "Closed")
          .endRecord();
      ByteBuffer produced = source.build();
      whole.reset(100L, 3, CompressionType.NONE, 7L, (short) 1, 5, 50L);
      fieldByField.reset(100L, 3, CompressionType.NONE, 7L, (short) 1, 5, 50L);

      // when
      reader.reset(produced, 0);
      long version = 1;
      while (reader.next()) {
        whole.addRecordFromReplacingLong(reader, 0, version);
        fieldByField.startRecordFrom(reader, reader.timestampMs(), reader.headerCount())
            .addHeaderFromReplacingLong(reader, 0, version);
        for (int h = 1; h < reader.headerCount(); h++) {
          fieldByField.addHeaderFrom(reader, h);
        }
        fieldByField.endRecord();
        version++;
      }

      // then: the same bytes, max timestamp and CRC included, and the versions in place
      ByteBuffer copied = whole.build();
      assertThat(KafkaOracleTest.bytes(copied)).isEqualTo(KafkaOracleTest.bytes(fieldByField.build()));
      reader.reset(copied, 0, true);
      assertThat(reader.maxTimestamp()).isEqualTo(60L);
      reader.next();
      assertThat(reader.headerValueLong(0, 0)).isEqualTo(1L);
      assertThat(reader.headerValueAsString(0, 24)).isEqualTo("Opened");
      reader.next();
      assertThat(reader.headerValueLong(0, 0)).isEqualTo(2L);
      reader.ensureValid();
    }
  }

  @Test
  void aRecordIsNotCopiedWholeIntoAnotherPlaceOrTimeBase() {
    try (RecordBatchBuilder source = new RecordBatchBuilder(); RecordBatchBuilder copy = new RecordBatchBuilder();
         RecordBatchReader reader = new RecordBatchReader()) {
      // given: a batch of two records, base timestamp 50
      source.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 50L);
      for (int i = 0; i < 2; i++) {
        source.startRecord(60L, null, new byte[] {1}, 1).addHeader("e", new byte[8]).endRecord();
      }
      ByteBuffer produced = source.build();
      reader.reset(produced, 0);
      reader.next();

      // then: another base timestamp, and the second record as a batch's first, are refused
      copy.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 51L);
      assertThatThrownBy(() -> copy.addRecordFromReplacingLong(reader, 0, 1L))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("base timestamp 51");
      reader.next();
      copy.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 50L);
      assertThatThrownBy(() -> copy.addRecordFromReplacingLong(reader, 0, 1L))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("offset delta 1");
    }
  }

  @Test
  void copyingAHeaderShorterThanALongWithItsFirstLongReplacedIsRefused() {
    try (RecordBatchBuilder source = new RecordBatchBuilder(); RecordBatchBuilder copy = new RecordBatchBuilder();
         RecordBatchReader reader = new RecordBatchReader()) {
      source.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 50L);
      source.startRecord(60L, null, new byte[] {1}, 1).addHeader("e", new byte[7]).endRecord();
      reader.reset(source.build(), 0);
      reader.next();
      copy.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 50L);

      assertThatThrownBy(() -> copy.addRecordFromReplacingLong(reader, 0, 1L))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 bytes");
      assertThat(copy.recordCount()).as("nothing added by the whole copy").isZero();
      copy.startRecordFrom(reader, 60L, 1);

      assertThatThrownBy(() -> copy.addHeaderFromReplacingLong(reader, 0, 1L))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 bytes");
    }
  }

  @Test
  void longRecordsGetMultiByteLengthsAndStayContiguous() {
    try (RecordBatchBuilder builder = new RecordBatchBuilder(); RecordBatchReader reader = new RecordBatchReader()) {
      // given: record bodies whose length varint takes 1, 2, 3 and 4 bytes
      int[] sizes = {10, 200, 20_000, 3_000_000};
      builder.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 0L);
      for (int size : sizes) {
        builder.addRecord(0L, null, new byte[size], List.of());
      }

      // when
      reader.reset(builder.build(), 0);

      // then
      for (int size : sizes) {
        assertThat(reader.next()).isTrue();
        assertThat(reader.valueLength()).isEqualTo(size);
      }
      reader.ensureValid();
    }
  }

  @Test
  void misuseOfTheBuilderFailsLoudly() {
    try (RecordBatchBuilder builder = new RecordBatchBuilder()) {
      // given / when / then
      assertThatThrownBy(() -> builder.addRecord(0L, null, null, List.of())).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("reset");
      builder.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 0L);
      assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one record");
      builder.startRecord(0L, null, null, 1);
      assertThatThrownBy(builder::endRecord).isInstanceOf(IllegalStateException.class).hasMessageContaining("misses 1");
      builder.addHeader("h", null);
      assertThatThrownBy(() -> builder.addHeader("h2", null)).isInstanceOf(IllegalStateException.class);
      builder.endRecord();
      assertThatThrownBy(() -> builder.startRecord(0L, null, null, -1)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("headerCount");
      assertThat(builder.build().remaining()).isEqualTo(BatchHeader.HEADER_SIZE + 10);
    }
  }
}
