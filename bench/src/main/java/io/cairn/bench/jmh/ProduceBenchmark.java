package io.cairn.bench.jmh;

import io.cairn.bench.AppendWorkload;
import io.cairn.bench.Payloads;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * One produced batch, as the network benchmark's producer sends it (100-byte payloads, keys uniform over 10 000
 * aggregates, about 64 KB), stored in a page-cache topic of a local store and waited for by the benchmark thread: the
 * partition owner's checks, version stamping (ADR 0007) and append. {@code eventHeader} places the {@code cairn.e}
 * header first (as Cairn's client writes it: each record stored in one copy) or after a user header (each record
 * re-encoded field by field); both store the same bytes. The store's folder is deleted at the end.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProduceBenchmark {

  private static final String TOPIC = "jmh-produce";
  private static final int AGGREGATES = 10_000;
  private static final int RECORDS = 400;
  private static final int PAYLOAD_BYTES = 100;
  private static final int BATCHES = 64;
  private static final byte[] TRACE = "trace".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EVENT_KEY = EventHeaders.EVENT_KEY.getBytes(StandardCharsets.UTF_8);

  @Param({"first", "second"})
  String eventHeader;

  private TemporaryStore cairn;
  private final ByteBuffer[] batches = new ByteBuffer[BATCHES];
  private int next;

  /** Opens a store in a new temporary folder, creates the topic and builds the batches. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    cairn = TemporaryStore.open("cairn-jmh-produce-", TOPIC,
        AppendWorkload.topicConfig(FlushMode.PAGE_CACHE, 1, PAYLOAD_BYTES, RECORDS));
    boolean eventHeaderFirst = eventHeader.equals("first");
    SplittableRandom random = new SplittableRandom(42);
    try (RecordBatchBuilder builder = new RecordBatchBuilder()) {
      for (int b = 0; b < BATCHES; b++) {
        builder.reset(0L, -1, CompressionType.NONE, -1L, (short) -1, -1, System.currentTimeMillis());
        for (int r = 0; r < RECORDS; r++) {
          byte[] key = ("agg-" + random.nextInt(AGGREGATES)).getBytes(StandardCharsets.UTF_8);
          builder.startRecord(System.currentTimeMillis(), key, Payloads.next(PAYLOAD_BYTES, random), 2);
          if (!eventHeaderFirst) {
            builder.addHeader(TRACE, new byte[] {(byte) r});
          }
          builder.addLongUuidStringHeader(EVENT_KEY, EventHeaders.UNASSIGNED_VERSION,
              random.nextLong(), random.nextLong(), AppendWorkload.EVENT_TYPE);
          if (eventHeaderFirst) {
            builder.addHeader(TRACE, new byte[] {(byte) r});
          }
          builder.endRecord();
        }
        ByteBuffer built = builder.build();
        batches[b] = ByteBuffer.allocate(built.remaining()).put(built).flip();
      }
    }
  }

  /** Closes the store and deletes its folder. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cairn.close();
  }

  /** Produces one batch and waits for its acknowledgement. */
  @Benchmark
  public ProduceResult produce() {
    return cairn.store().produce(TOPIC, 0, batches[next++ % BATCHES].duplicate()).await();
  }
}
