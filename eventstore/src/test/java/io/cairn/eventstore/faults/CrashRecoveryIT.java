package io.cairn.eventstore.faults;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.readAll;
import static io.cairn.eventstore.contract.StoreTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.LogInspector;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicDescription;
import io.cairn.eventstore.VerifyReport;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at seeded random moments, many times over the same data directory. A child JVM
 * ({@link CrashWriterMain}) appends in durable mode and prints every acknowledged event; after each
 * kill this test opens the store and checks: every acknowledged event is there with the same offset,
 * version and payload hash; versions are dense per aggregate and offsets dense per partition; no
 * event is stored twice; the stream index agrees with the log; {@link LogInspector#verify} passes.
 *
 * <p>{@code -Dcairn.crash.seed=N} replays a run, {@code -Dcairn.crash.rounds=N} sets the number of
 * kills (default {@value #DEFAULT_ROUNDS}; the long soak uses more, see docs/testing.md).
 */
class CrashRecoveryIT {

  static final String SEED_PROPERTY = "cairn.crash.seed";
  static final String ROUNDS_PROPERTY = "cairn.crash.rounds";
  static final int DEFAULT_ROUNDS = 20;
  /** Kills per data directory; a long soak starts a fresh directory after this many so it stays small. */
  static final int ROUNDS_PER_DATA_DIR = 50;
  /** Most acknowledged events to wait for in one round before the kill. */
  private static final int MAX_ACKS_BEFORE_KILL = 250;
  /** One round in this many kills at a random time after start, READY or not (during recovery). */
  private static final int EARLY_KILL_ONE_IN = 6;
  private static final int MAX_EARLY_KILL_MS = 1500;
  private static final int MAX_EXTRA_DELAY_MICROS = 5000;
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);
  private static final int STDERR_TAIL_BYTES = 4000;

  @TempDir
  Path workDir;
  private Vertx vertx;
  private long seed;
  private Path dataDir;

  /** One acknowledged event as the child printed it. */
  record Ack(String topic, String aggregate, long version, int partition, long offset, String sha256) {

    static Ack parse(String line) {
      String[] f = line.split(" ");
      if (f.length != 7 || !f[0].equals(CrashWriterMain.ACK)) {
        throw new AssertionError("malformed ACK line from the child: \"" + line + "\"");
      }
      return new Ack(f[1], f[2], Long.parseLong(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]), f[6]);
    }

    String key() {
      return topic + "/" + aggregate + "/" + version;
    }
  }

  /** What the child printed, line by line ({@link CompleteLines}: a line cut by the kill is dropped). */
  private static final class ChildOutput {
    final List<Ack> acks = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicBoolean ready = new AtomicBoolean();
    final long startNanos = System.nanoTime();
    volatile long readyNanos;

    void accept(String text) {
      if (text.equals(CrashWriterMain.READY)) {
        readyNanos = System.nanoTime();
        ready.set(true);
      } else if (text.startsWith(CrashWriterMain.ACK + " ")) {
        acks.add(Ack.parse(text));
      } else if (text.startsWith(CrashWriterOutput.ERROR)) {
        errors.add(text);
      } else {
        errors.add("unexpected output: " + text);
      }
    }
  }

  @BeforeEach
  void setUp() {
    String given = System.getProperty(SEED_PROPERTY);
    seed = given == null || given.isBlank() ? new SecureRandom().nextLong() : Long.parseLong(given.trim());
    System.out.println("CrashRecoveryIT seed: -D" + SEED_PROPERTY + "=" + seed);
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  @Test
  void acknowledgedEventsSurviveRepeatedKillDashNine() throws Exception {
    int rounds = Integer.getInteger(ROUNDS_PROPERTY, DEFAULT_ROUNDS);
    Random random = new Random(seed);
    Map<String, Ack> acknowledged = new HashMap<>();
    int earlyKills = 0;
    long verifiedEvents = 0;
    for (int round = 1; round <= rounds; round++) {
      if ((round - 1) % ROUNDS_PER_DATA_DIR == 0) {
        dataDir = workDir.resolve("data-" + round);
        acknowledged.clear();
      }
      String context = "seed " + seed + ", round " + round + "/" + rounds + " in " + dataDir.getFileName();
      boolean early = random.nextInt(EARLY_KILL_ONE_IN) == 0;
      int earlyKillMs = random.nextInt(MAX_EARLY_KILL_MS);
      int acksBeforeKill = random.nextInt(MAX_ACKS_BEFORE_KILL);
      int extraDelayMicros = random.nextInt(MAX_EXTRA_DELAY_MICROS);
      Path stderr = workDir.resolve("child-" + round + ".err");

      // given a writer running on the data directory
      Process child = startChild(random.nextLong(), stderr);
      ChildOutput output = new ChildOutput();
      Thread reader = new Thread(new CompleteLines(child.getInputStream(), output::accept),
          "child-stdout-" + round);
      reader.start();

      // when it is killed at a random moment
      if (early) {
        earlyKills++;
        spinFor(TimeUnit.MILLISECONDS.toNanos(earlyKillMs));
      } else {
        awaitChild(child, output, stderr, context, () -> output.ready.get() && output.acks.size() >= acksBeforeKill,
            "READY and " + acksBeforeKill + " acknowledged events");
        spinFor(TimeUnit.MICROSECONDS.toNanos(extraDelayMicros));
      }
      child.destroyForcibly();
      assertThat(child.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("%s: child died", context).isTrue();
      reader.join(CHILD_TIMEOUT.toMillis());
      assertThat(output.errors).as("%s: child reported\n%s", context, tail(stderr)).isEmpty();
      for (Ack ack : output.acks) {
        Ack earlier = acknowledged.putIfAbsent(ack.key(), ack);
        if (earlier != null && !earlier.equals(ack)) {
          fail(context + ": " + ack.key() + " was acknowledged twice: " + earlier + " and " + ack);
        }
      }
      System.out.printf("CrashRecoveryIT %s: %s kill, READY after %s, %d acks this round, %d in this directory%n",
          context, early ? "early (" + earlyKillMs + " ms)" : "after " + acksBeforeKill + " acks",
          output.ready.get() ? (output.readyNanos - output.startNanos) / 1_000_000 + " ms" : "never",
          output.acks.size(), acknowledged.size());

      // then the store recovers everything acknowledged, consistently
      verifyRecovered(acknowledged, context);
      verifiedEvents += acknowledged.size();
    }
    assertThat(acknowledged).as("seed %d: the writer acknowledged nothing at all", seed).isNotEmpty();
    System.out.printf("CrashRecoveryIT seed %d: %d rounds (%d early kills), %d acknowledged-event checks passed%n",
        seed, rounds, earlyKills, verifiedEvents);
  }

  private Process startChild(long childSeed, Path stderr) throws IOException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), CrashWriterMain.class.getName(),
        dataDir.toString(), Long.toString(childSeed));
    builder.redirectError(stderr.toFile());
    return builder.start();
  }

  private void awaitChild(Process child, ChildOutput output, Path stderr, String context,
                          java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (!output.errors.isEmpty()) {
        child.destroyForcibly();
        fail(context + ": child reported " + output.errors + "\n" + tail(stderr));
      }
      if (!child.isAlive()) {
        fail(context + ": child exited with " + child.exitValue() + " before " + what + "\n" + tail(stderr));
      }
      if (System.nanoTime() > deadline) {
        child.destroyForcibly();
        fail(context + ": timed out after " + CHILD_TIMEOUT + " waiting for " + what + " (have "
            + output.acks.size() + " acks)\n" + tail(stderr));
      }
      Thread.onSpinWait();
    }
  }

  private static void spinFor(long nanos) {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  private static String tail(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      int from = Math.max(0, bytes.length - STDERR_TAIL_BYTES);
      return "child stderr (tail):\n" + new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no child stderr: " + e + ")";
    }
  }

  private void verifyRecovered(Map<String, Ack> acknowledged, String context) {
    EventStore store = await(EventStores.openLocal(vertx, CrashWriterMain.storeOptions(dataDir)));
    try {
      if (!await(store.listTopics()).contains(CrashWriterMain.TOPIC)) {
        assertThat(acknowledged).as("%s: topic is gone but events were acknowledged", context).isEmpty();
        return;
      }
      TopicDescription topic = await(store.describeTopic(CrashWriterMain.TOPIC));
      Map<String, StoredEvent> byKey = new HashMap<>();
      Map<String, List<StoredEvent>> byAggregate = new HashMap<>();
      Set<UUID> eventIds = new HashSet<>();
      for (PartitionDescription partition : topic.partitions()) {
        int p = partition.partition();
        List<StoredEvent> events = readAll(store, CrashWriterMain.TOPIC, p, partition.logStartOffset());
        assertThat(partition.logStartOffset()).as("%s: log start of partition %d", context, p).isZero();
        for (int i = 0; i < events.size(); i++) {
          StoredEvent e = events.get(i);
          assertThat(e.offset()).as("%s: offsets dense in partition %d", context, p).isEqualTo(i);
          assertThat(Partitioner.partitionFor(e.aggregateId(), CrashWriterMain.PARTITIONS))
              .as("%s: partition of %s", context, e.aggregateId()).isEqualTo(p);
          assertThat(eventIds.add(e.eventId())).as("%s: event id %s stored twice", context, e.eventId()).isTrue();
          String key = CrashWriterMain.TOPIC + "/" + e.aggregateId() + "/" + e.version();
          assertThat(byKey.put(key, e)).as("%s: %s stored twice", context, key).isNull();
          byAggregate.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
        }
        assertThat(partition.highWatermark()).as("%s: high watermark of partition %d", context, p)
            .isEqualTo(events.size());
      }
      byAggregate.forEach((aggregate, events) -> {
        for (int i = 0; i < events.size(); i++) {
          assertThat(events.get(i).version()).as("%s: versions of %s dense from 1", context, aggregate)
              .isEqualTo(i + 1);
        }
      });
      for (Ack ack : acknowledged.values()) {
        StoredEvent stored = byKey.get(ack.key());
        assertThat(stored).as("%s: acknowledged %s is missing", context, ack).isNotNull();
        assertThat(stored.partition()).as("%s: partition of %s", context, ack).isEqualTo(ack.partition());
        assertThat(stored.offset()).as("%s: offset of %s", context, ack).isEqualTo(ack.offset());
        assertThat(sha256(stored.payload())).as("%s: payload of %s", context, ack).isEqualTo(ack.sha256());
      }
      byAggregate.forEach((aggregate, events) -> {
        assertThat(await(store.streamVersion(CrashWriterMain.TOPIC, aggregate)))
            .as("%s: streamVersion of %s", context, aggregate).isEqualTo((long) events.size());
        StreamSlice slice = await(store.readStream(CrashWriterMain.TOPIC, aggregate, 1, events.size() + 10));
        assertThat(slice.events()).extracting(StoredEvent::offset).as("%s: readStream of %s", context, aggregate)
            .containsExactlyElementsOf(events.stream().map(StoredEvent::offset).toList());
        assertThat(slice.endOfStream()).isTrue();
      });
    } finally {
      await(store.close());
    }
    VerifyReport report = LogInspector.verify(dataDir);
    assertThat(report.ok()).as("%s: LogInspector.verify after recovery: %s", context, report).isTrue();
  }
}
