package io.cairn.bench.jmh;

import io.cairn.bench.AppendWorkload;
import io.cairn.bench.Payloads;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FlushMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
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
 * One append of {@code events} events of {@code eventBytes} bytes (expected version: any) to a
 * page-cache topic of a local store in a temporary folder, waited for by the benchmark thread: the
 * latency of the whole append path, thread hand-off included. The folder is deleted at the end;
 * runs are short so that the log stays a few hundred MB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PageCacheAppendBenchmark {

  private static final String TOPIC = "jmh-page-cache";
  private static final int AGGREGATES = 1024;
  private static final int PAYLOAD_POOL = 256;

  @Param({"1", "100"})
  int events;

  @Param({"100"})
  int eventBytes;

  private TemporaryStore cairn;
  private byte[][] payloads;
  private SplittableRandom random;
  private int next;

  /** Opens a store in a new temporary folder and creates the topic. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    cairn = TemporaryStore.open("cairn-jmh-append-", TOPIC,
        AppendWorkload.topicConfig(FlushMode.PAGE_CACHE, 1, eventBytes, events));
    random = new SplittableRandom(42);
    payloads = new byte[PAYLOAD_POOL][];
    for (int i = 0; i < PAYLOAD_POOL; i++) {
      payloads[i] = Payloads.next(eventBytes, random);
    }
  }

  /** Closes the store and deletes its folder. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cairn.close();
  }

  /** Appends one batch and waits for its acknowledgement. */
  @Benchmark
  public AppendResult append() {
    List<EventData> batch = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      batch.add(new EventData(new UUID(random.nextLong(), random.nextLong()), AppendWorkload.EVENT_TYPE,
          payloads[(next + i) % PAYLOAD_POOL], List.of()));
    }
    String aggregateId = "jmh-" + (next++ % AGGREGATES);
    return cairn.store().append(AppendRequest.of(TOPIC, aggregateId, ExpectedVersion.ANY, batch)).await();
  }
}
