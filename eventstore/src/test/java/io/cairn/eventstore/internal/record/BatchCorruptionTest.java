package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damaged batches are detected: by the CRC when bytes change on disk, by structural checks when
 * a writer produced a well-checksummed but malformed batch. The error is always a
 * {@link StorageException} naming the batch and the rule, never garbage and never another
 * exception type.
 */
class BatchCorruptionTest {

  // jqwik properties and Jupiter examples have separate lifecycles: each kind gets its own instances.
  private static RecordBatchBuilder propertyBuilder;
  private static RecordBatchReader propertyReader;
  private RecordBatchBuilder builder;
  private RecordBatchReader reader;

  @BeforeContainer
  static void openForProperties() {
    propertyBuilder = new RecordBatchBuilder();
    propertyReader = new RecordBatchReader();
  }

  @AfterContainer
  static void closeForProperties() {
    propertyBuilder.close();
    propertyReader.close();
  }

  @BeforeEach
  void openForExamples() {
    builder = new RecordBatchBuilder();
    reader = new RecordBatchReader();
  }

  @AfterEach
  void closeForExamples() {
    builder.close();
    reader.close();
  }

  @Provide
  Arbitrary<List<TestRecord>> batches() {
    return RecordArbitraries.records(10);
  }

  private static byte[] build(RecordBatchBuilder builder, List<TestRecord> records, CompressionType compression) {
    builder.reset(0L, 0, compression, -1L, (short) -1, -1, records.get(0).timestamp());
    TestRecord.addAll(builder, records);
    return KafkaOracleTest.bytes(builder.build());
  }

  @Property(tries = 300)
  void anyBitFlipInsideTheCrcRangeIsDetected(@ForAll("batches") List<TestRecord> records,
      @ForAll CompressionType compression, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
      @ForAll @IntRange(min = 0, max = 7) int bit) {
    // given: a flip in the magic, the CRC itself, or anything it covers
    byte[] batch = build(propertyBuilder, records, compression);
    int position = BatchHeader.MAGIC_OFFSET + where % (batch.length - BatchHeader.MAGIC_OFFSET);
    batch[position] ^= (byte) (1 << bit);

    // when
    Throwable thrown = catchThrowable(() -> propertyReader.reset(ByteBuffer.wrap(batch), 0, true, "00000000000000000042.log", 4096));

    // then
    assertThat(thrown).as("flip of bit %d at byte %d", bit, position).isInstanceOf(StorageException.class);
    assertThat(thrown.getMessage()).startsWith("batch at position 4096 of 00000000000000000042.log");
  }

  @Property(tries = 200)
  void aTruncatedBatchIsDetected(@ForAll("batches") List<TestRecord> records, @ForAll CompressionType compression,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
    // given
    byte[] batch = build(propertyBuilder, records, compression);
    int length = cut % batch.length;

    // when
    Throwable thrown = catchThrowable(() -> propertyReader.reset(ByteBuffer.wrap(batch, 0, length), 0));

    // then
    assertThat(thrown).as("cut to %d of %d bytes", length, batch.length).isInstanceOf(StorageException.class)
        .hasMessageMatching(".*(runs past the end|a batch header needs 61).*");
  }

  @Property(tries = 400)
  void damageBehindAValidCrcGivesAStorageExceptionOrTheSameShape(@ForAll("batches") List<TestRecord> records,
      @ForAll CompressionType compression, @ForAll long seed) {
    // given: a writer bug simulated by changing 1-4 bytes of the records section and fixing the CRC
    byte[] batch = build(propertyBuilder, records, compression);
    Random random = new Random(seed);
    int recordsBytes = batch.length - BatchHeader.RECORDS_OFFSET;
    for (int i = 1 + random.nextInt(4); i > 0; i--) {
      batch[BatchHeader.RECORDS_OFFSET + random.nextInt(recordsBytes)] = (byte) random.nextInt(256);
    }
    ByteBuffer damaged = fixCrc(batch);

    // when
    Throwable thrown = catchThrowable(() -> {
      propertyReader.reset(damaged, 0);
      int count = 0;
      while (propertyReader.next()) {
        propertyReader.key();
        propertyReader.value();
        propertyReader.headers();
        count++;
      }
      propertyReader.ensureValid();
      // Undetectable without the CRC (a changed value byte), but never a different shape:
      assertThat(count).isEqualTo(records.size());
    });

    // then
    if (thrown != null) {
      assertThat(thrown).as("seed %d", seed).isInstanceOf(StorageException.class);
      assertThat(thrown.getMessage()).startsWith("batch at position 0 (baseOffset 0)");
    }
  }

  @Test
  void fewerRecordsThanTheCountAreReported() {
    // given
    ByteBuffer batch = rawBatch(3, 2, 0, section -> {
      writeRecord(section, 0, "a");
      writeRecord(section, 1, "b");
    });

    // when / then
    assertMalformed(batch, "the records section ends after 2 of 3 records");
  }

  @Test
  void bytesAfterTheLastCountedRecordAreReported() {
    // given
    ByteBuffer batch = rawBatch(1, 0, 0, section -> {
      writeRecord(section, 0, "a");
      writeRecord(section, 1, "b");
    });

    // when / then
    assertMalformed(batch, "bytes follow the last of the 1 records");
  }

  @Test
  void aRecordLengthRunningPastTheSectionIsReported() {
    // given
    ByteBuffer batch = rawBatch(1, 0, 0, section -> {
      Varint.writeVarint(100, section);
      section.put(new byte[] {0, 0, 0, 1, 0, 0});
    });

    // when / then
    assertMalformed(batch, "record 0 of 1 (offset 0): length 100 runs past the records section (6 bytes left)");
  }

  @Test
  void fieldsRunningPastTheRecordLengthAreReported() {
    // given: the value claims 10 bytes inside a 6-byte record
    ByteBuffer batch = rawBatch(1, 0, 0, section -> {
      Varint.writeVarint(6, section);
      section.put((byte) 0);
      Varint.writeVarlong(0, section);
      Varint.writeVarint(0, section);
      Varint.writeVarint(-1, section);
      Varint.writeVarint(10, section);
      section.put((byte) 0);
    });

    // when / then
    assertMalformed(batch, "value length 10 runs past the record (1 bytes left)");
  }

  @Test
  void aRecordLongerThanItsFieldsIsReported() {
    // given: length 8, fields take 6
    ByteBuffer batch = rawBatch(1, 0, 0, section -> {
      Varint.writeVarint(8, section);
      section.put(new byte[] {0, 0, 0, 1, 1, 0, 0, 0});
    });

    // when / then
    assertMalformed(batch, "length is 8 but its fields take 6 bytes");
  }

  @Test
  void aNegativeKeyLengthBelowNullIsReported() {
    // given
    ByteBuffer batch = rawBatch(1, 0, 0, section -> {
      Varint.writeVarint(6, section);
      section.put((byte) 0);
      Varint.writeVarlong(0, section);
      Varint.writeVarint(0, section);
      Varint.writeVarint(-5, section);
      Varint.writeVarint(-1, section);
      Varint.writeVarint(0, section);
    });

    // when / then
    assertMalformed(batch, "key length -5 is below -1");
  }

  @Test
  void aNullHeaderKeyIsReported() {
    // given
    ByteBuffer batch = rawBatch(1, 0, 0, section -> {
      Varint.writeVarint(8, section);
      section.put(new byte[] {0, 0, 0, 1, 1});
      Varint.writeVarint(1, section);
      Varint.writeVarint(-1, section);
      Varint.writeVarint(-1, section);
    });

    // when / then
    assertMalformed(batch, "header 0 has key length -1 (a header key cannot be null)");
  }

  @Test
  void anAbsurdHeaderCountIsReported() {
    // given
    ByteBuffer batch = rawBatch(1, 0, 0, section -> {
      Varint.writeVarint(10, section);
      section.put(new byte[] {0, 0, 0, 1, 1});
      Varint.writeVarint(Integer.MAX_VALUE, section);
    });

    // when / then
    assertMalformed(batch, "headersCount 2147483647 does not fit the 0 bytes left in the record");
  }

  @Test
  void anOverlongVarintInsideARecordIsReportedWithTheRecord() {
    // given
    ByteBuffer batch = rawBatch(1, 0, 0, section -> {
      Varint.writeVarint(12, section);
      section.put((byte) 0);
      section.put(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
          (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1});
    });

    // when / then
    assertMalformed(batch, "record 0 of 1 (offset 0): varlong");
  }

  @Test
  void offsetDeltasThatDoNotIncreaseAreReported() {
    // given
    ByteBuffer batch = rawBatch(2, 1, 0, section -> {
      writeRecord(section, 1, "a");
      writeRecord(section, 1, "b");
    });

    // when / then
    assertMalformed(batch, "offsetDelta 1 must be above the previous record's 1 and at most lastOffsetDelta 1");
  }

  @Test
  void anUnknownCompressionIdIsReported() {
    // given
    ByteBuffer batch = rawBatch(1, 0, 5, section -> writeRecord(section, 0, "a"));

    // when / then
    assertThatThrownBy(() -> reader.reset(batch, 0)).isInstanceOf(StorageException.class)
        .hasMessage("batch at position 0: compression id 5 is unknown (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)");
  }

  @Test
  void offsetGapsAreKafkaValidButNotAppendable() {
    // given: what compaction leaves behind, deltas 0 and 2
    ByteBuffer batch = rawBatch(2, 2, 0, section -> {
      writeRecord(section, 0, "a");
      writeRecord(section, 2, "c");
    });

    // when
    reader.reset(batch, 0);
    reader.ensureValid();

    // then
    reader.reset(batch, 0);
    assertThatThrownBy(reader::ensureValidForAppend).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("lastOffsetDelta = 2: offset deltas of an appended batch must be 0..1 without gaps");
  }

  @Test
  void aWrongMaxTimestampIsNotAppendable() {
    // given
    ByteBuffer batch = rawBatch(1, 0, 0, section -> writeRecord(section, 0, "a"));
    batch.putLong(BatchHeader.MAX_TIMESTAMP_OFFSET, 5L);
    fixCrc(batch.array());

    // when
    reader.reset(fixCrc(batch.array()), 0);

    // then
    assertThatThrownBy(reader::ensureValidForAppend).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("maxTimestamp = 5: must equal the largest record timestamp 0");
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
  void corruptCompressedDataBehindAValidCrcIsReportedAsCorrupt(CompressionType compression) {
    // given: the compressed section truncated by 3 bytes, header and CRC fixed up
    byte[] whole = build(builder, List.of(TestRecord.of(1L, "k".getBytes(StandardCharsets.UTF_8),
        "some value that compresses, some value that compresses".getBytes(StandardCharsets.UTF_8),
        List.of(Header.of("h", "v")))), compression);
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 3);
    ByteBuffer batch = ByteBuffer.wrap(cut);
    batch.putInt(BatchHeader.LENGTH_OFFSET, cut.length - BatchHeader.LOG_OVERHEAD);

    // when
    Throwable thrown = catchThrowable(() -> {
      reader.reset(fixCrc(cut), 0);
      reader.ensureValid();
    });

    // then
    assertThat(thrown).isInstanceOf(StorageException.class)
        .hasMessageContaining("batch at position 0 (baseOffset 0)")
        .hasMessageContaining(compression.configName() + " records section is corrupt");
  }

  @Test
  void aDecompressedSizeAboveTheCapIsReported() {
    try (RecordBatchReader capped = new RecordBatchReader().maxDecompressedBytes(1000)) {
      // given: 5000 bytes of zeros compress to almost nothing
      byte[] batch = build(builder, List.of(TestRecord.of(1L, null, new byte[5000], List.of())), CompressionType.GZIP);

      // when
      Throwable thrown = catchThrowable(() -> {
        capped.reset(ByteBuffer.wrap(batch), 0);
        capped.next();
      });

      // then
      assertThat(thrown).isInstanceOf(StorageException.class).hasMessageContaining("more than 1000 bytes");
    }
  }

  private void assertMalformed(ByteBuffer batch, String expected) {
    Throwable thrown = catchThrowable(() -> {
      reader.reset(batch, 0, true, "00000000000000000000.log", 128);
      reader.ensureValid();
    });
    assertThat(thrown).isInstanceOf(StorageException.class)
        .hasMessageStartingWith("batch at position 128 of 00000000000000000000.log (baseOffset 0): ")
        .hasMessageContaining(expected);
  }

  /** One record: null key, a 1-byte value, no headers, timestamp delta 0. */
  private static void writeRecord(ByteBuffer section, int offsetDelta, String value) {
    byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
    int bodyLength = 1 + Varint.sizeOfVarlong(0) + Varint.sizeOfVarint(offsetDelta) + Varint.sizeOfVarint(-1)
        + Varint.sizeOfVarint(valueBytes.length) + valueBytes.length + Varint.sizeOfVarint(0);
    Varint.writeVarint(bodyLength, section);
    section.put((byte) 0);
    Varint.writeVarlong(0, section);
    Varint.writeVarint(offsetDelta, section);
    Varint.writeVarint(-1, section);
    Varint.writeVarint(valueBytes.length, section);
    section.put(valueBytes);
    Varint.writeVarint(0, section);
  }

  /** A batch with a hand-written records section and a correct CRC. */
  private static ByteBuffer rawBatch(int recordsCount, int lastOffsetDelta, int compressionId, Consumer<ByteBuffer> records) {
    ByteBuffer section = ByteBuffer.allocate(1024);
    records.accept(section);
    section.flip();
    ByteBuffer batch = ByteBuffer.allocate(BatchHeader.HEADER_SIZE + section.remaining());
    batch.putLong(BatchHeader.BASE_OFFSET_OFFSET, 0L);
    batch.putInt(BatchHeader.LENGTH_OFFSET, batch.capacity() - BatchHeader.LOG_OVERHEAD);
    batch.putInt(BatchHeader.PARTITION_LEADER_EPOCH_OFFSET, 0);
    batch.put(BatchHeader.MAGIC_OFFSET, BatchHeader.MAGIC_V2);
    batch.putShort(BatchHeader.ATTRIBUTES_OFFSET, (short) compressionId);
    batch.putInt(BatchHeader.LAST_OFFSET_DELTA_OFFSET, lastOffsetDelta);
    batch.putLong(BatchHeader.BASE_TIMESTAMP_OFFSET, 0L);
    batch.putLong(BatchHeader.MAX_TIMESTAMP_OFFSET, 0L);
    batch.putLong(BatchHeader.PRODUCER_ID_OFFSET, -1L);
    batch.putShort(BatchHeader.PRODUCER_EPOCH_OFFSET, (short) -1);
    batch.putInt(BatchHeader.BASE_SEQUENCE_OFFSET, -1);
    batch.putInt(BatchHeader.RECORDS_COUNT_OFFSET, recordsCount);
    batch.put(BatchHeader.RECORDS_OFFSET, section, 0, section.remaining());
    return fixCrc(batch.array());
  }

  private static ByteBuffer fixCrc(byte[] batch) {
    ByteBuffer buffer = ByteBuffer.wrap(batch);
    buffer.putInt(BatchHeader.CRC_OFFSET, (int) BatchHeader.computeCrc(buffer, 0, batch.length));
    return buffer;
  }
}
