package io.cairn.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.aggregates.AggregateType;
import io.cairn.bench.AggregateLoadTimes;
import io.cairn.bench.Awaits;
import io.cairn.bench.CairnClients;
import io.cairn.bench.CairnStore;
import io.cairn.bench.CommandThroughput;
import io.cairn.bench.NodeProcess;
import io.cairn.bench.ProcessSupervisor;
import io.cairn.bench.TestNodeMain;
import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.serde.EventMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code bench commands} tiny against the real local store and a real node, then checks what was stored. */
class BenchCommandsIT {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int AGGREGATES = 12;
  private static final int COMMANDS = 600;
  private static final int WARMUP = 5;
  private static final int LOAD_EVENTS = 250;
  private static final int SNAPSHOT_EVERY = 100;
  private static final int LOAD_REPEATS = 3;
  private static final int LOAD_WARMUPS = 1;

  @TempDir
  Path dir;

  @Test
  void localRunPrintsOneJsonLineAndStoresEveryCommandAndAppend() throws Exception {
    // given
    Path data = dir.resolve("store");

    // when
    BenchRun run = BenchRun.of("commands", "--data-dir", data.toString(), "--mode", "page-cache",
        "--aggregates", "" + AGGREGATES, "--commands", "" + COMMANDS, "--warmup-commands", "" + WARMUP,
        "--concurrency", "4", "--rounds", "2",
        "--payload-bytes", "80", "--load-events", "" + LOAD_EVENTS, "--snapshot-every", "" + SNAPSHOT_EVERY,
        "--load-repeats", "" + LOAD_REPEATS, "--load-warmup-repeats", "" + LOAD_WARMUPS, "--seed", "7");

    // then: one line with both sides' figures, the load times and the parameters
    JsonNode result = onlyLine(run);
    assertFigures(result);
    assertThat(result.get("store").asText()).isEqualTo("local");
    assertThat(result.get("mode").asText()).isEqualTo("page-cache");
    assertThat(result.get("command_payload_bytes").asInt()).isEqualTo(80);
    assertThat(result.get("rounds_detail").size()).isEqualTo(2);

    // and: the store holds every raw append and every command's event, and the long counter's events
    String prefix = result.get("topic_prefix").asText();
    try (CairnStore cairn = CairnStore.open(data)) {
      assertStored(cairn.store(), prefix);
    }
  }

  @Test
  void runAgainstANodeStoresTheSameAndDeletesItsTopics() throws Exception {
    try (ProcessSupervisor supervisor = new ProcessSupervisor();
         NodeProcess node = TestNodeMain.start(supervisor)) {
      // when
      BenchRun run = BenchRun.of("commands", "--bootstrap", node.bootstrap(), "--aggregates", "" + AGGREGATES,
          "--commands", "" + COMMANDS, "--warmup-commands", "" + WARMUP, "--concurrency", "4", "--rounds", "2",
          "--load-events", "" + LOAD_EVENTS, "--snapshot-every", "" + SNAPSHOT_EVERY,
          "--load-repeats", "" + LOAD_REPEATS, "--load-warmup-repeats", "" + LOAD_WARMUPS);

      // then
      JsonNode result = onlyLine(run);
      assertFigures(result);
      assertThat(result.get("store").asText()).isEqualTo("node");
      assertThat(result.get("mode").asText()).isEqualTo(FlushMode.DURABLE.configName());
      CairnClient client = CairnClients.connect(new ClientOptions().setBootstrapServers(node.bootstrap()));
      try {
        List<String> topics = Awaits.await(client.listTopics(), TIMEOUT, "listing topics");
        assertThat(topics).noneMatch(topic -> topic.startsWith(result.get("topic_prefix").asText()));
      } finally {
        CairnClients.close(client);
      }
      assertThat(node.alive()).isTrue();
    }
  }

  private static void assertFigures(JsonNode result) {
    assertThat(result.get("benchmark").asText()).isEqualTo("commands");
    // fewer warm-up commands than counters: one per counter is run anyway, so every counter is cached
    assertThat(result.get("warmup_commands_run").asLong()).isEqualTo(AGGREGATES);
    assertThat(result.get("appends").asLong()).isEqualTo(COMMANDS);
    assertThat(result.get("commands").asLong()).isEqualTo(COMMANDS);
    assertThat(result.get("command_to_encoding_append_ratio").asDouble()).isPositive();
    assertThat(result.get("encoding_appends_per_sec").asDouble()).isPositive();
    for (String figure : List.of("appends_per_sec", "commands_per_sec", "command_to_append_ratio", "append_p50_ms",
        "command_p50_ms", "load_no_snapshot_median_ms", "load_snapshot_median_ms", "heap_used_mb")) {
      assertThat(result.get(figure).asDouble()).as(figure).isPositive();
    }
    assertThat(result.get("command_p99_ms").asDouble()).isGreaterThanOrEqualTo(result.get("command_p50_ms").asDouble());
    assertThat(result.get("append_p999_ms").asDouble()).isGreaterThanOrEqualTo(result.get("append_p99_ms").asDouble());
    // the snapshot is written by the command that reaches the largest multiple of --snapshot-every
    assertThat(result.get("snapshot_version").asLong()).isEqualTo(LOAD_EVENTS / SNAPSHOT_EVERY * SNAPSHOT_EVERY);
    assertThat(result.get("load_final_version").asLong())
        .isEqualTo(LOAD_EVENTS + 2L * (LOAD_REPEATS + LOAD_WARMUPS));
  }

  private static void assertStored(EventStore store, String prefix) {
    long perCounter = Math.max(WARMUP, AGGREGATES) / AGGREGATES + COMMANDS / AGGREGATES;
    for (int i = 0; i < AGGREGATES; i++) {
      String counter = CommandThroughput.COUNTER_PREFIX + i;
      // both raw sides (pre-encoded and encoding per append) append to the raw topic
      assertThat(streamVersion(store, prefix + "raw", counter)).as("raw " + counter).isEqualTo(2 * perCounter);
      assertThat(streamVersion(store, prefix + "cmd", counter)).as("command " + counter).isEqualTo(perCounter);
    }
    String load = prefix + "load";
    assertThat(streamVersion(store, load, AggregateLoadTimes.COUNTER_ID))
        .isEqualTo(LOAD_EVENTS + 2L * (LOAD_REPEATS + LOAD_WARMUPS));
    assertThat(streamVersion(store, load + AggregateType.SNAPSHOT_TOPIC_SUFFIX, AggregateLoadTimes.COUNTER_ID))
        .isPositive();
    // the directly written events look like the gateway's: same type, a causation id per event
    StoredEvent first = Awaits.await(store.readStream(load, AggregateLoadTimes.COUNTER_ID, 1, 1), TIMEOUT, "read")
        .events().get(0);
    StoredEvent byCommand = Awaits.await(store.readStream(load, AggregateLoadTimes.COUNTER_ID, LOAD_EVENTS + 1, 1),
        TIMEOUT, "read").events().get(0);
    assertThat(first.type()).isEqualTo(byCommand.type()).isEqualTo("CounterIncremented");
    assertThat(EventMetadata.of(first).causationId()).isEqualTo("load-1");
    assertThat(EventMetadata.of(byCommand).causationId()).isEqualTo("load-" + (LOAD_EVENTS + 1));
    assertThat(EventMetadata.of(first).contentType()).isEqualTo(EventMetadata.of(byCommand).contentType());
  }

  private static long streamVersion(EventStore store, String topic, String aggregateId) {
    return Awaits.await(store.streamVersion(topic, aggregateId), TIMEOUT, "stream version of " + aggregateId);
  }

  private static JsonNode onlyLine(BenchRun run) throws Exception {
    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).hasSize(1);
    return MAPPER.readTree(lines.get(0));
  }
}
