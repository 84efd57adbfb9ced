package io.cairn.bench.cli;

import io.cairn.bench.AckLog;
import io.cairn.bench.AppendWorkload;
import io.cairn.bench.Awaits;
import io.cairn.bench.BenchFiles;
import io.cairn.bench.CairnStore;
import io.cairn.bench.JsonLine;
import io.cairn.bench.KeyDistribution;
import io.cairn.bench.RunFigures;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench append}: the closed-loop append workload ({@link AppendWorkload}) against a local store;
 * prints one JSON line with the figures and every parameter.
 */
@Command(name = "append", mixinStandardHelpOptions = true,
    description = {"Appends with expected versions from concurrent closed loops to a local store and prints one "
        + "JSON line: events_per_sec, mb_per_sec, p50_ms, p99_ms, p999_ms (per append), heap_used_mb and every "
        + "parameter."})
public final class AppendCommand implements Callable<Integer> {

  static final String TOPIC = "bench-append";
  static final long DEFAULT_DURATION_S = 10;
  /** Slack on top of the planned run time before the run is declared stuck. */
  static final Duration RUN_TIMEOUT_SLACK = Duration.ofMinutes(10);

  @Spec
  CommandSpec spec;

  @Option(names = "--mode", defaultValue = "durable", converter = Converters.FlushModeConverter.class,
      description = "durable (ack after fsync) or page-cache (ack after write). Default: ${DEFAULT-VALUE}.")
  FlushMode mode;

  @Option(names = "--event-bytes", defaultValue = "200", description = "Payload bytes per event. Default: ${DEFAULT-VALUE}.")
  int eventBytes;

  @Option(names = "--events-per-append", defaultValue = "1",
      description = "Events per append (one batch, one aggregate). Default: ${DEFAULT-VALUE}.")
  int eventsPerAppend;

  @Option(names = "--streams", defaultValue = "64",
      description = "Concurrent closed loops, each with one append in flight. Default: ${DEFAULT-VALUE}.")
  int streams;

  @Option(names = "--aggregates", defaultValue = "64000",
      description = "Distinct aggregate ids, split evenly over the streams. Default: ${DEFAULT-VALUE}.")
  int aggregates;

  @Option(names = "--keys", defaultValue = "uniform", converter = Converters.KeysConverter.class,
      description = "How each stream picks among its own aggregates: uniform, zipf (its first aggregate hottest) or "
          + "sequential (round robin: touches every aggregate). Default: ${DEFAULT-VALUE}.")
  KeyDistribution keys;

  @Option(names = "--zipf-exponent", defaultValue = "0.99", description = "Exponent of --keys zipf. Default: ${DEFAULT-VALUE}.")
  double zipfExponent;

  @Option(names = "--events", description = "Events in the measured phase (instead of --duration-s).")
  Long events;

  @Option(names = "--duration-s", description = "Length of the measured phase in seconds (default "
      + DEFAULT_DURATION_S + " unless --events is given).")
  Long durationS;

  @Option(names = "--warmup-s", defaultValue = "2", description = "Uncounted warm-up in seconds. Default: ${DEFAULT-VALUE}.")
  long warmupS;

  @Option(names = "--partitions", defaultValue = "1", description = "Partitions of the topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--data-dir", description = "Store folder, kept afterwards (default: a temporary folder, deleted).")
  Path dataDir;

  @Option(names = "--ack-log", description = "Write one line per acknowledged event (topic, aggregate id, version, "
      + "partition, offset, sha-256 of the payload) to this file, handed to the OS after every append.")
  Path ackLog;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    AppendWorkload.Params params = params();
    try (DataDir dir = DataDir.of(dataDir, "cairn-bench-append-");
         AckLog acks = ackLog == null ? AckLog.disabled() : AckLog.open(ackLog);
         CairnStore cairn = CairnStore.open(dir.path())) {
      cairn.ensureTopic(TOPIC, AppendWorkload.topicConfig(mode, partitions, eventBytes, eventsPerAppend));
      AppendWorkload.Outcome outcome = Awaits.await(AppendWorkload.run(cairn.vertx(), cairn.store(), params, acks),
          plannedTime(params), "bench append");
      double heapUsedMb = RunFigures.heapUsedMbAfterGc();
      JsonLine line = BenchEnvironment.start("append");
      putParams(line, dir);
      outcome.figures(heapUsedMb).putInto(line)
          .put("appends", outcome.appends())
          .put("conflicts", outcome.conflicts())
          .put("aggregates_touched", outcome.aggregatesTouched())
          .put("harness_version_state_mb", AppendWorkload.versionStateBytes(aggregates) / RunFigures.BYTES_PER_MB)
          .put("heap_max_mb", RunFigures.heapMaxMb())
          .put("data_bytes", BenchFiles.sizeBytes(dir.path()));
      spec.commandLine().getOut().println(line.toLine());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  AppendWorkload.Params params() {
    if (events != null && durationS != null) {
      throw new ParameterException(spec.commandLine(), "give either --events or --duration-s, not both");
    }
    long durationMs = events == null ? TimeUnit.SECONDS.toMillis(durationS == null ? DEFAULT_DURATION_S : durationS) : 0;
    if (partitions < 1) {
      throw new ParameterException(spec.commandLine(), "--partitions = " + partitions + ": must be at least 1");
    }
    try {
      return new AppendWorkload.Params(TOPIC, "agg-", streams, aggregates, keys, zipfExponent, eventBytes,
          eventsPerAppend, events == null ? 0 : events, durationMs, TimeUnit.SECONDS.toMillis(warmupS), seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  private void putParams(JsonLine line, DataDir dir) {
    line.put("mode", mode.configName())
        .put("event_bytes", eventBytes)
        .put("events_per_append", eventsPerAppend)
        .put("streams", streams)
        .put("aggregates", aggregates)
        .put("keys", keys.optionName())
        .put("zipf_exponent", zipfExponent)
        .put("events_param", events == null ? 0 : events)
        .put("duration_s_param", events == null ? (durationS == null ? DEFAULT_DURATION_S : durationS) : 0)
        .put("warmup_s", warmupS)
        .put("partitions", partitions)
        .put("data_dir", dir.temporary() ? "(temporary)" : dir.path().toString())
        .put("ack_log", ackLog == null ? "" : ackLog.toString())
        .put("seed", seed);
  }

  static Duration plannedTime(AppendWorkload.Params params) {
    return Duration.ofMillis(params.warmupMs() + params.durationMs()).plus(RUN_TIMEOUT_SLACK)
        .plus(params.events() > 0 ? Duration.ofHours(1) : Duration.ZERO);
  }
}
