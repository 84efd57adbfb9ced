package io.cairn.bench.jmh;

import io.cairn.bench.Payloads;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of encoding one record batch v2 of {@code events} events for one aggregate, uncompressed, with
 * Cairn's reserved headers (version, event id, type): Cairn's reused {@link RecordBatchBuilder} next
 * to Kafka's {@code MemoryRecordsBuilder} writing the same records (same key, value and headers) as
 * the reference. Uses eventstore internals on purpose: this is the append hot path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BatchEncodeBenchmark {

  private static final String TYPE = "BenchEvent";
  private static final long TIMESTAMP_MS = 1_700_000_000_000L;
  /** Room for Kafka's batch header and each record's framing and headers. */
  private static final int KAFKA_BUFFER_SLACK_BYTES = 64 * 1024;
  private static final int KAFKA_RECORD_OVERHEAD_BYTES = 128;

  @Param({"1", "100"})
  int events;

  @Param({"100"})
  int eventBytes;

  private final byte[] aggregateId = "account-000000042".getBytes(StandardCharsets.UTF_8);
  private byte[][] payloads;
  private UUID[] eventIds;
  private RecordBatchBuilder builder;
  private ByteBuffer kafkaBuffer;

  /** Builds the payloads, ids and builders. */
  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    payloads = new byte[events][];
    eventIds = new UUID[events];
    for (int i = 0; i < events; i++) {
      payloads[i] = Payloads.next(eventBytes, random);
      eventIds[i] = new UUID(random.nextLong(), random.nextLong());
    }
    builder = new RecordBatchBuilder();
    kafkaBuffer = ByteBuffer.allocate(KAFKA_BUFFER_SLACK_BYTES + events * (eventBytes + KAFKA_RECORD_OVERHEAD_BYTES));
  }

  /** Releases the builder's compression contexts. */
  @TearDown
  public void tearDown() {
    builder.close();
  }

  /** Cairn: reset, one record per event with the reserved headers, build (CRC included). */
  @Benchmark
  public ByteBuffer cairn() {
    builder.reset(0, BatchHeader.NO_PARTITION_LEADER_EPOCH, CompressionType.NONE, BatchHeader.NO_PRODUCER_ID,
        BatchHeader.NO_PRODUCER_EPOCH, BatchHeader.NO_SEQUENCE, TIMESTAMP_MS);
    for (int i = 0; i < events; i++) {
      EventHeaders.addEvent(builder, TIMESTAMP_MS, aggregateId, i + 1L, eventIds[i], TYPE, payloads[i], List.of());
    }
    return builder.build();
  }

  /** Kafka: MemoryRecordsBuilder with the same key, value and reserved header per record. */
  @Benchmark
  public MemoryRecords kafka() {
    kafkaBuffer.clear();
    MemoryRecordsBuilder records = MemoryRecords.builder(kafkaBuffer, Compression.NONE, TimestampType.CREATE_TIME, 0);
    byte[] type = TYPE.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < events; i++) {
      ByteBuffer event = ByteBuffer.allocate(EventHeaders.EVENT_VALUE_TYPE_OFFSET + type.length).putLong(i + 1L)
          .putLong(eventIds[i].getMostSignificantBits()).putLong(eventIds[i].getLeastSignificantBits()).put(type);
      Header[] headers = {new RecordHeader(EventHeaders.EVENT_KEY, event.array())};
      records.append(TIMESTAMP_MS, aggregateId, payloads[i], headers);
    }
    return records.build();
  }
}
