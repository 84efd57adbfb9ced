package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.Header;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * kafka-clients 4.3.1 as an independent oracle, for every codec and both directions: Kafka's
 * decoder reads what our builder writes (and {@code ensureValid()} passes), our reader reads
 * what Kafka's {@code MemoryRecordsBuilder} writes; both give the same fields. Where both sides
 * use the same codec settings the bytes are compared too.
 */
class KafkaOracleTest {

  private static RecordBatchBuilder builder;
  private static RecordBatchReader reader;

  @BeforeContainer
  static void open() {
    builder = new RecordBatchBuilder();
    reader = new RecordBatchReader();
  }

  @AfterContainer
  static void close() {
    builder.close();
    reader.close();
  }

  @Provide
  Arbitrary<List<TestRecord>> batches() {
    return RecordArbitraries.records(30);
  }

  /** Producer fields and offsets of one batch. */
  record BatchFields(long baseOffset, int leaderEpoch, long producerId, short producerEpoch, int baseSequence) {
  }

  @Provide
  Arbitrary<BatchFields> fields() {
    // Kafka's builder insists on all three producer fields or none.
    Arbitrary<BatchFields> idempotent = Combinators.combine(
            Arbitraries.longs().between(0, 1L << 40),
            Arbitraries.integers().between(-1, 1000),
            Arbitraries.longs().between(0, 1L << 40),
            Arbitraries.shorts().between((short) 0, Short.MAX_VALUE),
            Arbitraries.integers().between(0, Integer.MAX_VALUE - 100))
        .as(BatchFields::new);
    Arbitrary<BatchFields> plain = Combinators.combine(
            Arbitraries.longs().between(0, 1L << 40), Arbitraries.integers().between(-1, 1000))
        .as((offset, epoch) -> new BatchFields(offset, epoch, BatchHeader.NO_PRODUCER_ID,
            BatchHeader.NO_PRODUCER_EPOCH, BatchHeader.NO_SEQUENCE));
    return Arbitraries.oneOf(idempotent, plain);
  }

  @Property(tries = 60)
  void kafkaDecodesOurBatchesWithTheSameFields(@ForAll("batches") List<TestRecord> records,
      @ForAll("fields") BatchFields fields, @ForAll CompressionType compression) {
    // given
    ByteBuffer ours = buildOurs(records, fields, compression);

    // when
    List<MutableRecordBatch> batches = new ArrayList<>();
    MemoryRecords.readableRecords(ours.duplicate()).batches().forEach(batches::add);

    // then
    assertThat(batches).hasSize(1);
    MutableRecordBatch batch = batches.get(0);
    batch.ensureValid();
    assertThat(batch.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
    assertThat((int) batch.compressionType().id).isEqualTo(compression.id());
    assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
    assertThat(batch.baseOffset()).isEqualTo(fields.baseOffset());
    assertThat(batch.lastOffset()).isEqualTo(fields.baseOffset() + records.size() - 1);
    assertThat(batch.partitionLeaderEpoch()).isEqualTo(fields.leaderEpoch());
    assertThat(batch.producerId()).isEqualTo(fields.producerId());
    assertThat(batch.producerEpoch()).isEqualTo(fields.producerEpoch());
    assertThat(batch.baseSequence()).isEqualTo(fields.baseSequence());
    assertThat(batch.maxTimestamp()).isEqualTo(records.stream().mapToLong(TestRecord::timestamp).max().orElseThrow());
    assertThat(batch.countOrNull()).isEqualTo(records.size());
    assertThat(batch.sizeInBytes()).isEqualTo(ours.remaining());
    assertThat(kafkaRecords(batch)).isEqualTo(TestRecord.withOffsets(records, fields.baseOffset()));
  }

  @Property(tries = 60)
  void ourReaderDecodesKafkaBatchesWithTheSameFields(@ForAll("batches") List<TestRecord> records,
      @ForAll("fields") BatchFields fields, @ForAll CompressionType compression) {
    // given
    ByteBuffer kafka = buildWithKafka(records, fields, compression);

    // when
    reader.reset(kafka, 0);
    List<TestRecord> decoded = TestRecord.readAll(reader);

    // then
    assertThat(reader.compression()).isEqualTo(compression);
    assertThat(reader.baseOffset()).isEqualTo(fields.baseOffset());
    assertThat(reader.lastOffset()).isEqualTo(fields.baseOffset() + records.size() - 1);
    assertThat(reader.partitionLeaderEpoch()).isEqualTo(fields.leaderEpoch());
    assertThat(reader.producerId()).isEqualTo(fields.producerId());
    assertThat(reader.producerEpoch()).isEqualTo(fields.producerEpoch());
    assertThat(reader.baseSequence()).isEqualTo(fields.baseSequence());
    assertThat(reader.recordsCount()).isEqualTo(records.size());
    assertThat(decoded).isEqualTo(TestRecord.withOffsets(records, fields.baseOffset()));
    reader.reset(kafka, 0);
    reader.ensureValidForAppend();
  }

  @Property(tries = 60)
  void ourBytesEqualKafkasForEveryCodecButZstd(@ForAll("batches") List<TestRecord> records,
      @ForAll("fields") BatchFields fields, @ForAll CompressionType compression) {
    // given: zstd differs on purpose (our one-shot frame records the content size)
    Assume.that(compression != CompressionType.ZSTD);
    ByteBuffer kafka = buildWithKafka(records, fields, compression);

    // when
    ByteBuffer ours = buildOurs(records, fields, compression);

    // then
    assertThat(bytes(ours)).isEqualTo(bytes(kafka));
  }

  @Property(tries = 8)
  void largeBatchesSpanningManyCompressionBlocksRoundTripWithKafka(@ForAll CompressionType compression) {
    // given: ~400 KiB, several LZ4 blocks (64 KiB) and snappy chunks (32 KiB), mixed compressibility
    List<TestRecord> records = new ArrayList<>();
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] value = new byte[2048];
      if (i % 2 == 0) {
        random.nextBytes(value);
      } else {
        Arrays.fill(value, (byte) ('a' + i % 26));
      }
      records.add(TestRecord.of(1_700_000_000_000L + i, ("key-" + i).getBytes(), value,
          List.of(Header.of("n", Integer.toString(i)))));
    }
    BatchFields fields = new BatchFields(5, 1, 77, (short) 2, 10);

    // when
    ByteBuffer ours = buildOurs(records, fields, compression);
    ByteBuffer kafka = buildWithKafka(records, fields, compression);

    // then
    MutableRecordBatch kafkaView = MemoryRecords.readableRecords(ours.duplicate()).batches().iterator().next();
    kafkaView.ensureValid();
    assertThat(kafkaRecords(kafkaView)).isEqualTo(TestRecord.withOffsets(records, 5));
    reader.reset(kafka, 0);
    assertThat(TestRecord.readAll(reader)).isEqualTo(TestRecord.withOffsets(records, 5));
    if (compression != CompressionType.ZSTD) {
      assertThat(bytes(ours)).isEqualTo(bytes(kafka));
    }
  }

  static ByteBuffer buildOurs(List<TestRecord> records, BatchFields fields, CompressionType compression) {
    builder.reset(fields.baseOffset(), fields.leaderEpoch(), compression, fields.producerId(),
        fields.producerEpoch(), fields.baseSequence(), records.get(0).timestamp());
    TestRecord.addAll(builder, records);
    return builder.build();
  }

  static ByteBuffer buildWithKafka(List<TestRecord> records, BatchFields fields, CompressionType compression) {
    MemoryRecordsBuilder kafka = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2,
        Compression.of(org.apache.kafka.common.record.internal.CompressionType.forId(compression.id())).build(),
        TimestampType.CREATE_TIME, fields.baseOffset(), RecordBatch.NO_TIMESTAMP, fields.producerId(),
        fields.producerEpoch(), fields.baseSequence(), false, fields.leaderEpoch());
    long offset = fields.baseOffset();
    for (TestRecord r : records) {
      org.apache.kafka.common.header.Header[] headers = r.headers().stream()
          .map(h -> new RecordHeader(h.key(), h.value())).toArray(org.apache.kafka.common.header.Header[]::new);
      kafka.appendWithOffset(offset++, r.timestamp(), r.key(), r.value(), headers);
    }
    return kafka.build().buffer();
  }

  static List<TestRecord> kafkaRecords(RecordBatch batch) {
    List<TestRecord> records = new ArrayList<>();
    for (Record r : batch) {
      List<Header> headers = new ArrayList<>();
      for (org.apache.kafka.common.header.Header h : r.headers()) {
        headers.add(new Header(h.key(), h.value()));
      }
      records.add(new TestRecord(r.offset(), r.timestamp(), r.hasKey() ? bytes(r.key()) : null,
          r.hasValue() ? bytes(r.value()) : null, headers));
    }
    return records;
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }
}
