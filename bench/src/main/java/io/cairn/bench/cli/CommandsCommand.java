package io.cairn.bench.cli;

import io.cairn.aggregates.AggregateType;
import io.cairn.bench.AggregateLoadTimes;
import io.cairn.bench.Awaits;
import io.cairn.bench.CairnClients;
import io.cairn.bench.CairnStore;
import io.cairn.bench.CommandThroughput;
import io.cairn.bench.JsonLine;
import io.cairn.bench.Latencies;
import io.cairn.bench.RunFigures;
import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench commands}: commands through the aggregate layer's command gateway against raw appends of the
 * same events ({@link CommandThroughput}), and the load time of a long aggregate with and without snapshots
 * ({@link AggregateLoadTimes}), against a local store or a running node ({@code --bootstrap}). Every run
 * uses topics of its own ({@code bench-commands-<run>-raw|-cmd|-load}). Prints one JSON line.
 */
@Command(name = "commands", mixinStandardHelpOptions = true,
    description = {"Runs one-event commands through a command gateway (every aggregate cached) and appends the same "
        + "events raw (ExpectedVersion.ANY; once pre-encoded, once encoding each event per append), in rotating "
        + "rounds with the same aggregates and concurrency, then times loading a long aggregate with a fresh "
        + "gateway with and without snapshots. Prints one JSON line: appends_per_sec, encoding_appends_per_sec, "
        + "commands_per_sec, command_to_append_ratio, command_to_encoding_append_ratio, latencies, load times "
        + "and every parameter."})
public final class CommandsCommand implements Callable<Integer> {

  static final String TOPIC_PREFIX = "bench-commands-";
  private static final double NANOS_PER_SECOND = 1e9;

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", description = "Store folder, kept afterwards (default: a temporary folder, deleted).")
  Path dataDir;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Run against the node at this address (through CairnClient) instead of a local store; the run's "
          + "topics are deleted afterwards.")
  String bootstrap;

  @Option(names = "--mode", defaultValue = "durable", converter = Converters.FlushModeConverter.class,
      description = "flush.mode of the topics: durable (ack after fsync) or page-cache. Default: ${DEFAULT-VALUE}.")
  FlushMode mode;

  @Option(names = "--partitions", defaultValue = "1", description = "Partitions of every topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--aggregates", defaultValue = "1000",
      description = "Counters (aggregates), split evenly over the loops. Default: ${DEFAULT-VALUE}.")
  int aggregates;

  @Option(names = "--commands", defaultValue = "600000",
      description = "Measured commands, and as many measured raw appends, split over --rounds. Default: ${DEFAULT-VALUE}.")
  long commands;

  @Option(names = "--warmup-commands", defaultValue = "100000",
      description = "Uncounted commands, and raw appends, first (at least one per counter is run). Default: ${DEFAULT-VALUE}.")
  long warmupCommands;

  @Option(names = "--concurrency", defaultValue = "64",
      description = "Closed loops, each with one command (or append) in flight; same for both sides. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Option(names = "--payload-bytes", defaultValue = "100",
      description = "JSON payload bytes per event (with a one-digit count). Default: ${DEFAULT-VALUE}.")
  int payloadBytes;

  @Option(names = "--rounds", defaultValue = "5",
      description = "Measured rounds; each runs both sides back to back, alternating which goes first. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--load-events", defaultValue = "10000", description = "Events of the long aggregate. Default: ${DEFAULT-VALUE}.")
  int loadEvents;

  @Option(names = "--snapshot-every", defaultValue = "100",
      description = "Snapshot interval of the snapshotting registration. Default: ${DEFAULT-VALUE}.")
  int snapshotEvery;

  @Option(names = "--load-repeats", defaultValue = "10",
      description = "Measured loads with each registration, each by a fresh gateway. Default: ${DEFAULT-VALUE}.")
  int loadRepeats;

  @Option(names = "--load-warmup-repeats", defaultValue = "2",
      description = "Uncounted loads with each registration first. Default: ${DEFAULT-VALUE}.")
  int loadWarmupRepeats;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of notes and event ids. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    CommandThroughput.Params throughputParams = throughputParams();
    AggregateLoadTimes.Params loadParams = loadParams();
    if (bootstrap != null && dataDir != null) {
      throw new ParameterException(spec.commandLine(), "give either --bootstrap or --data-dir, not both");
    }
    TopicConfig topicConfig = new TopicConfig().setFlushMode(mode).setPartitions(partitions);
    String prefix = TOPIC_PREFIX + Long.toString(System.currentTimeMillis(), Character.MAX_RADIX) + "-";
    List<String> topics = List.of(prefix + "raw", prefix + "cmd", prefix + "load");
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> progress = message -> {
      err.println(message);
      err.flush();
    };
    JsonLine line = BenchEnvironment.start("commands");
    CommandThroughput.Outcome throughput;
    AggregateLoadTimes.Outcome loads;
    double heapUsedMb;
    if (bootstrap == null) {
      try (DataDir dir = DataDir.of(dataDir, "cairn-bench-commands-");
           CairnStore cairn = CairnStore.open(dir.path())) {
        line.put("store", "local").put("data_dir", dir.temporary() ? "(temporary)" : dir.path().toString());
        throughput = CommandThroughput.run(cairn.vertx(), cairn.store(), topics.get(0), topics.get(1), topicConfig,
            throughputParams, progress);
        loads = AggregateLoadTimes.run(cairn.vertx(), cairn.store(), topics.get(2), topicConfig, loadParams, progress);
        heapUsedMb = RunFigures.heapUsedMbAfterGc();
      }
    } else {
      Vertx vertx = Vertx.vertx();
      try {
        CairnClient client = Awaits.await(CairnClient.connect(vertx, new ClientOptions().setBootstrapServers(bootstrap)
            .setClientId("cairn-bench-commands")), CairnClients.ADMIN_TIMEOUT, "connecting to " + bootstrap);
        try {
          line.put("store", "node").put("bootstrap", bootstrap);
          throughput = CommandThroughput.run(vertx, client, topics.get(0), topics.get(1), topicConfig, throughputParams,
              progress);
          loads = AggregateLoadTimes.run(vertx, client, topics.get(2), topicConfig, loadParams, progress);
          heapUsedMb = RunFigures.heapUsedMbAfterGc();
          deleteTopics(client, topics, progress);
        } finally {
          CairnClients.close(client);
        }
      } finally {
        Awaits.await(vertx.close(), CairnClients.ADMIN_TIMEOUT, "closing Vert.x");
      }
    }
    putParams(line, prefix, throughputParams);
    putThroughput(line, throughput);
    putLoads(line, loads);
    line.put("heap_used_mb", heapUsedMb);
    spec.commandLine().getOut().println(line.toLine());
    spec.commandLine().getOut().flush();
    return 0;
  }

  CommandThroughput.Params throughputParams() {
    try {
      return new CommandThroughput.Params(aggregates, commands, warmupCommands, concurrency, payloadBytes, rounds, seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  AggregateLoadTimes.Params loadParams() {
    if (partitions < 1) {
      throw new ParameterException(spec.commandLine(), "--partitions = " + partitions + ": must be at least 1");
    }
    try {
      return new AggregateLoadTimes.Params(loadEvents, snapshotEvery, loadRepeats, loadWarmupRepeats, payloadBytes, seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  /** Deletes the run's topics (and the load topic's snapshot topic) from the node; a failure is only reported. */
  private static void deleteTopics(EventStore store, List<String> topics, Consumer<String> progress) {
    List<String> all = new ArrayList<>(topics);
    all.add(topics.get(2) + AggregateType.SNAPSHOT_TOPIC_SUFFIX);
    for (String topic : all) {
      try {
        Awaits.await(store.deleteTopic(topic), CairnClients.ADMIN_TIMEOUT, "deleting topic " + topic);
      } catch (RuntimeException e) {
        progress.accept("[commands] could not delete topic " + topic + ": " + e);
      }
    }
  }

  private void putParams(JsonLine line, String topicPrefix, CommandThroughput.Params params) {
    line.put("topic_prefix", topicPrefix)
        .put("mode", mode.configName())
        .put("partitions", partitions)
        .put("aggregates", aggregates)
        .put("commands_param", commands)
        .put("warmup_commands", warmupCommands)
        .put("warmup_commands_run", params.effectiveWarmupCommands())
        .put("concurrency", concurrency)
        .put("payload_bytes", payloadBytes)
        .put("rounds", rounds)
        .put("load_events", loadEvents)
        .put("snapshot_every", snapshotEvery)
        .put("load_repeats", loadRepeats)
        .put("load_warmup_repeats", loadWarmupRepeats)
        .put("seed", seed);
  }

  private static void putThroughput(JsonLine line, CommandThroughput.Outcome outcome) {
    Latencies raw = outcome.rawLatencies();
    Latencies commands = outcome.commandLatencies();
    Latencies encoding = outcome.encodingRawLatencies();
    double[] ratios = outcome.roundRatios();
    double[] encodingRatios = outcome.encodingRoundRatios();
    JsonLine rounds = new JsonLine();
    for (int i = 0; i < ratios.length; i++) {
      rounds.put("round_" + (i + 1), new JsonLine()
          .put("appends_per_sec", outcome.rawRounds().get(i).perSec())
          .put("encoding_appends_per_sec", outcome.encodingRawRounds().get(i).perSec())
          .put("commands_per_sec", outcome.commandRounds().get(i).perSec())
          .put("ratio", ratios[i])
          .put("encoding_ratio", encodingRatios[i]));
    }
    line.put("raw_payload_bytes", outcome.rawPayloadBytes())
        .put("command_payload_bytes", outcome.commandPayloadBytes())
        .put("cache_entries", outcome.cacheEntries())
        .put("appends", raw.count())
        .put("appends_per_sec", outcome.appendsPerSecMedian())
        .put("append_p50_ms", raw.p50Ms())
        .put("append_p99_ms", raw.p99Ms())
        .put("append_p999_ms", raw.p999Ms())
        .put("append_max_ms", raw.maxMs())
        .put("encoding_appends_per_sec", outcome.encodingAppendsPerSecMedian())
        .put("encoding_append_p50_ms", encoding.p50Ms())
        .put("encoding_append_p99_ms", encoding.p99Ms())
        .put("commands", commands.count())
        .put("commands_per_sec", outcome.commandsPerSecMedian())
        .put("command_p50_ms", commands.p50Ms())
        .put("command_p99_ms", commands.p99Ms())
        .put("command_p999_ms", commands.p999Ms())
        .put("command_max_ms", commands.maxMs())
        .put("command_to_append_ratio", outcome.ratioMedian())
        .put("command_to_encoding_append_ratio", outcome.encodingRatioMedian())
        .put("rounds_detail", rounds);
  }

  private static void putLoads(JsonLine line, AggregateLoadTimes.Outcome outcome) {
    line.put("load_setup_s", outcome.setupNanos() / NANOS_PER_SECOND)
        .put("snapshot_version", outcome.snapshotVersion())
        .put("load_final_version", outcome.finalVersion())
        .put("load_no_snapshot_median_ms", outcome.withoutSnapshots().p50Ms())
        .put("load_no_snapshot_max_ms", outcome.withoutSnapshots().maxMs())
        .put("load_snapshot_median_ms", outcome.withSnapshots().p50Ms())
        .put("load_snapshot_max_ms", outcome.withSnapshots().maxMs());
  }
}
