package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cairn tail} as a real process (the build found as {@link CairnBuild} says): it follows
 * until SIGTERM, then ends cleanly: exit code 0, every event printed and flushed, the local store closed
 * with its clean-shutdown markers.
 */
class TailProcessIT {

  private static final long PROCESS_TIMEOUT_MS = 120_000;
  private static final long POLL_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final String TOPIC = "bank.account";
  private static final int PARTITIONS = 2;
  private static final int EVENTS = 10;

  private static CairnBuild build;

  @TempDir
  Path tmp;

  private Process process;

  @BeforeAll
  static void locateBuild() {
    build = CairnBuild.of(TailProcessIT.class);
  }

  @AfterEach
  void killLeftovers() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermEndsATailCleanlyWithExitCodeZero() throws Exception {
    // given: stored events, and a tail printing them and waiting for more
    Path dataDir = tmp.resolve("data");
    seed(dataDir);
    Path out = tmp.resolve("stdout.txt");
    Path err = tmp.resolve("stderr.txt");
    process = launcher(out, err, "tail", TOPIC, "--from", "earliest", "--data-dir", dataDir.toString()).start();
    awaitLines(out, EVENTS, err);

    // when
    process.destroy();

    // then
    assertThat(process.waitFor(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS)).as("ended after SIGTERM").isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(stderr).isZero();
    assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).hasSize(EVENTS)
        .allSatisfy(line -> assertThat(line).startsWith("partition="));
    assertThat(stderr).contains(EVENTS + " event(s) printed.").doesNotContain("error");
    for (int partition = 0; partition < PARTITIONS; partition++) {
      assertThat(dataDir.resolve(TOPIC + "-" + partition).resolve("clean-shutdown"))
          .as("the store was closed before the process ended").exists();
    }
  }

  private static void seed(Path dataDir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      EventStore store = EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir))
          .await(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      try {
        store.createTopic(TOPIC, new TopicConfig().setPartitions(PARTITIONS)).await(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        for (int i = 0; i < EVENTS; i++) {
          store.append(AppendRequest.of(TOPIC, "acc-" + i, ExpectedVersion.NO_STREAM,
                  List.of(EventData.of("AccountOpened", "{}".getBytes(StandardCharsets.UTF_8)))))
              .await(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
      } finally {
        store.close().await(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    } finally {
      vertx.close().await(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  private void awaitLines(Path out, int lines, Path err) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROCESS_TIMEOUT_MS);
    while (Files.readAllLines(out, StandardCharsets.UTF_8).size() < lines) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError("tail did not print " + lines + " lines (alive: " + process.isAlive() + "): "
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      LockSupport.parkNanos(POLL_INTERVAL_NANOS);
    }
  }

  private ProcessBuilder launcher(Path out, Path err, String... args) {
    return build.smallLauncher(tmp, List.of(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
  }

}
