package io.cairn.eventstore.faults;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.LogInspector;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.VerifyReport;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 while a child JVM ({@link ProduceCrashWriterMain}) produces idempotent multi-aggregate
 * batches and reserves producer-id blocks, several times over one data directory. After each kill
 * the store is opened here and must hold: every acknowledged event at its offset with its aggregate;
 * versions 1, 2, 3, ... per aggregate in offset order, and {@code readStream} agreeing with the log;
 * no producer id handed out twice, across all runs and by this process afterwards;
 * {@link LogInspector#verify} passing. {@code -Dcairn.crash.seed=N} replays a run.
 */
class ProduceCrashIT {

  private static final int ROUNDS = 3;
  private static final int MIN_ACKS_BEFORE_KILL = 150;
  /** More than one block of ids per round, so some kills land after a block reservation. */
  private static final int MIN_IDS_BEFORE_KILL = 1_200;
  private static final int MAX_EXTRA_DELAY_MS = 150;
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(90);

  @TempDir
  Path workDir;

  /** What the child printed, line by line ({@link CompleteLines}: a line cut by the kill is dropped). */
  private static final class ChildOutput {
    final List<String[]> acks = new CopyOnWriteArrayList<>();
    final List<Long> producerIds = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicBoolean ready = new AtomicBoolean();

    void accept(String line) {
      if (line.equals(ProduceCrashWriterMain.READY)) {
        ready.set(true);
      } else if (line.startsWith(ProduceCrashWriterMain.ACK + " ")) {
        acks.add(line.split(" "));
      } else if (line.startsWith(ProduceCrashWriterMain.PID + " ")) {
        producerIds.add(Long.parseLong(line.substring(ProduceCrashWriterMain.PID.length() + 1)));
      } else if (line.startsWith(CrashWriterOutput.ERROR)) {
        errors.add(line);
      }
    }
  }

  @Test
  void acknowledgedProducedBatchesAndHandedOutProducerIdsSurviveKillNine() throws Exception {
    long seed = Long.getLong("cairn.crash.seed", new Random().nextLong());
    Random random = new Random(seed);
    Path dataDir = workDir.resolve("data");
    Map<Long, String[]> acked = new HashMap<>();
    Set<Long> producerIds = new HashSet<>();
    for (int round = 0; round < ROUNDS; round++) {
      String context = "seed " + seed + " (-Dcairn.crash.seed), round " + round;
      ChildOutput output = runAndKill(dataDir, random.nextLong(), random.nextInt(MAX_EXTRA_DELAY_MS), context);
      for (String[] ack : output.acks) {
        acked.put(Long.parseLong(ack[1]), ack);
      }
      for (long id : output.producerIds) {
        assertThat(producerIds.add(id)).as("%s: producer id %d handed out twice", context, id).isTrue();
      }
      checkStore(dataDir, acked, producerIds, context);
    }
  }

  private ChildOutput runAndKill(Path dataDir, long childSeed, int extraDelayMs, String context) throws Exception {
    Path stderr = workDir.resolve("child-stderr.txt");
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), ProduceCrashWriterMain.class.getName(),
        dataDir.toString(), Long.toString(childSeed));
    builder.redirectError(stderr.toFile());
    Process child = builder.start();
    ChildOutput output = new ChildOutput();
    Thread reader = new Thread(new CompleteLines(child.getInputStream(), output::accept), "child-output");
    reader.start();
    try {
      long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
      while (!output.ready.get() || output.acks.size() < MIN_ACKS_BEFORE_KILL
          || output.producerIds.size() < MIN_IDS_BEFORE_KILL) {
        if (!output.errors.isEmpty() || !child.isAlive() || System.nanoTime() > deadline) {
          fail(context + ": child did not get going (errors " + output.errors + ", alive " + child.isAlive()
              + ", acks " + output.acks.size() + ", ids " + output.producerIds.size() + ")\n" + tail(stderr));
        }
        Thread.sleep(5); // waiting on another process's output, not on a condition of this one
      }
      Thread.sleep(extraDelayMs);
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("%s: child died", context).isTrue();
      reader.join(CHILD_TIMEOUT.toMillis());
    }
    assertThat(output.errors).as("%s: child reported\n%s", context, tail(stderr)).isEmpty();
    return output;
  }

  private static void checkStore(Path dataDir, Map<Long, String[]> acked, Set<Long> producerIds, String context)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      EventStore store = await(EventStores.openLocal(vertx, ProduceCrashWriterMain.storeOptions(dataDir)));
      List<StoredEvent> all = readAll(store, ProduceCrashWriterMain.TOPIC, 0);
      for (String[] ack : acked.values()) {
        long offset = Long.parseLong(ack[1]);
        assertThat(offset).as("%s: acknowledged offset %d is stored", context, offset).isLessThan(all.size());
        StoredEvent event = all.get((int) offset);
        assertThat(event.eventId()).as("%s: event id at %d", context, offset).hasToString(ack[2]);
        assertThat(event.aggregateId()).as("%s: aggregate at %d", context, offset).isEqualTo(ack[3]);
      }
      Map<String, Long> model = new HashMap<>();
      for (StoredEvent event : all) {
        assertThat(event.version()).as("%s: version at %d of %s", context, event.offset(), event.aggregateId())
            .isEqualTo(model.merge(event.aggregateId(), 1L, Long::sum));
      }
      for (int a = 0; a < ProduceCrashWriterMain.AGGREGATES; a++) {
        String id = ProduceCrashWriterMain.aggregateId(a);
        List<StoredEvent> stream = new ArrayList<>();
        long from = 1;
        while (true) {
          List<StoredEvent> page = await(store.readStream(ProduceCrashWriterMain.TOPIC, id, from, 500)).events();
          if (page.isEmpty()) {
            break;
          }
          stream.addAll(page);
          from = page.get(page.size() - 1).version() + 1;
        }
        assertThat(stream).extracting(StoredEvent::offset).as("%s: stream %s", context, id)
            .isEqualTo(all.stream().filter(e -> e.aggregateId().equals(id)).map(StoredEvent::offset)
                .collect(Collectors.toList()));
      }
      for (int i = 0; i < 3; i++) {
        long id = await(store.initProducerId()).id();
        assertThat(producerIds.add(id)).as("%s: producer id %d handed out again after the crash", context, id)
            .isTrue();
      }
      await(store.close());
      VerifyReport report = LogInspector.verify(dataDir);
      assertThat(report.ok()).as("%s: %s", context, report).isTrue();
    } finally {
      await(vertx.close());
    }
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    String text = Files.readString(file);
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }
}
