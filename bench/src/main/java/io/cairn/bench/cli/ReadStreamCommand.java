package io.cairn.bench.cli;

import io.cairn.bench.Awaits;
import io.cairn.bench.BenchFiles;
import io.cairn.bench.CairnStore;
import io.cairn.bench.JsonLine;
import io.cairn.bench.ReadStreamDataset;
import io.cairn.bench.RunFigures;
import io.cairn.eventstore.InvalidInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench read-stream}: builds (or reuses) a partition with a target aggregate spread through it
 * and loads that aggregate many times; prints one JSON line with the read latencies.
 */
@Command(name = "read-stream", mixinStandardHelpOptions = true,
    description = {"Builds (or reuses, with --data-dir) one partition of --events events with a target aggregate of "
        + "--target-events events spread through it between other aggregates, then loads the target with "
        + "readStream(topic, id, 1, target-events) many times, one at a time (warm page cache), and prints one JSON "
        + "line: p50_ms, p99_ms, p999_ms per load, events_per_sec, mb_per_sec, heap_used_mb and every parameter."})
public final class ReadStreamCommand implements Callable<Integer> {

  static final String TOPIC = "bench-read-stream";
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(30);
  private static final double NANOS_PER_SECOND = 1e9;

  @Spec
  CommandSpec spec;

  @Option(names = "--events", defaultValue = "10000000", description = "Events in the partition. Default: ${DEFAULT-VALUE}.")
  long events;

  @Option(names = "--target-events", defaultValue = "100", description = "Events of the aggregate that is read. Default: ${DEFAULT-VALUE}.")
  int targetEvents;

  @Option(names = "--filler-aggregates", defaultValue = "10000", description = "Other aggregates. Default: ${DEFAULT-VALUE}.")
  int fillerAggregates;

  @Option(names = "--filler-events-per-append", defaultValue = "100", description = "Events per filler append. Default: ${DEFAULT-VALUE}.")
  int fillerEventsPerAppend;

  @Option(names = "--build-streams", defaultValue = "4", description = "Concurrent filler appends while building. Default: ${DEFAULT-VALUE}.")
  int buildStreams;

  @Option(names = "--event-bytes", defaultValue = "100", description = "Payload bytes per event. Default: ${DEFAULT-VALUE}.")
  int eventBytes;

  @Option(names = "--reads", defaultValue = "10000", description = "Measured loads of the target. Default: ${DEFAULT-VALUE}.")
  int reads;

  @Option(names = "--warmup-reads", defaultValue = "2000", description = "Uncounted loads first. Default: ${DEFAULT-VALUE}.")
  int warmupReads;

  @Option(names = "--reopen", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Close and reopen the store after building, so reads use the stream index as stored. Default: ${DEFAULT-VALUE}.")
  boolean reopen;

  @Option(names = "--data-dir", description = "Store folder; an existing data set there is reused (default: a temporary folder, deleted).")
  Path dataDir;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    ReadStreamDataset.Params params = params();
    try (DataDir dir = DataDir.of(dataDir, "cairn-bench-read-stream-")) {
      boolean reused;
      long buildNanos = 0;
      long stored;
      CairnStore cairn = CairnStore.open(dir.path());
      try {
        reused = ReadStreamDataset.isBuilt(cairn, params);
        if (!reused) {
          if (Awaits.await(cairn.store().listTopics(), CairnStore.ADMIN_TIMEOUT, "listing topics").contains(TOPIC)) {
            throw new ParameterException(spec.commandLine(), "--data-dir " + dir.path() + " holds topic " + TOPIC
                + " but not this data set (target version or event count differ); use another folder or delete it");
          }
          long start = System.nanoTime();
          ReadStreamDataset.build(cairn, params);
          buildNanos = System.nanoTime() - start;
        }
        if (reopen) {
          cairn.close();
          cairn = CairnStore.open(dir.path());
        }
        stored = cairn.highWatermarkSum(TOPIC);
        ReadStreamDataset.Reads measured = Awaits.await(ReadStreamDataset.measure(cairn.store(), TOPIC,
            ReadStreamDataset.TARGET_ID, targetEvents, warmupReads, reads), READ_TIMEOUT, "reading the target");
        double heapUsedMb = RunFigures.heapUsedMbAfterGc();
        JsonLine line = BenchEnvironment.start("read-stream");
        line.put("events_param", events)
            .put("target_events", targetEvents)
            .put("filler_aggregates", fillerAggregates)
            .put("filler_events_per_append", fillerEventsPerAppend)
            .put("build_streams", buildStreams)
            .put("event_bytes", eventBytes)
            .put("reads", reads)
            .put("warmup_reads", warmupReads)
            .put("reopen", reopen)
            .put("data_dir", dir.temporary() ? "(temporary)" : dir.path().toString())
            .put("seed", seed)
            .put("reused", reused)
            .put("stored_events", stored)
            .put("build_s", buildNanos / NANOS_PER_SECOND)
            .put("build_events_per_sec", buildNanos == 0 ? 0 : stored * NANOS_PER_SECOND / buildNanos);
        // throughput here = events loaded per second, one load at a time
        new RunFigures((long) reads * targetEvents, (long) reads * targetEvents * eventBytes, measured.elapsedNanos(),
            measured.latencies(), heapUsedMb).putInto(line)
            .put("heap_max_mb", RunFigures.heapMaxMb())
            .put("data_bytes", BenchFiles.sizeBytes(dir.path()));
        spec.commandLine().getOut().println(line.toLine());
        spec.commandLine().getOut().flush();
        return 0;
      } finally {
        cairn.close();
      }
    }
  }

  ReadStreamDataset.Params params() {
    if (reads < 1 || warmupReads < 0) {
      throw new ParameterException(spec.commandLine(), "--reads = " + reads + ", --warmup-reads = " + warmupReads
          + ": need at least 1 read and 0 or more warm-up reads");
    }
    try {
      return new ReadStreamDataset.Params(TOPIC, events, targetEvents, fillerAggregates, fillerEventsPerAppend,
          eventBytes, buildStreams, seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }
}
