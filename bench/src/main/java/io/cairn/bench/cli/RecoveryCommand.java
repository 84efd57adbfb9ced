package io.cairn.bench.cli;

import io.cairn.bench.AckLog;
import io.cairn.bench.AckVerifier;
import io.cairn.bench.AppendWorkload;
import io.cairn.bench.Awaits;
import io.cairn.bench.BenchException;
import io.cairn.bench.BenchFiles;
import io.cairn.bench.CairnStore;
import io.cairn.bench.JsonLine;
import io.cairn.bench.KeyDistribution;
import io.cairn.bench.ProcessSupervisor;
import io.cairn.bench.RunFigures;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench recovery}: how long a store with {@code --events} events takes to reopen after a clean
 * shutdown, and after a child JVM that was appending to it is killed with SIGKILL. Checks after the
 * crash that the acknowledged events the child reported last are all stored.
 */
@Command(name = "recovery", mixinStandardHelpOptions = true,
    description = {"Writes --events events, closes the store and measures the reopen (clean shutdown); then a child "
        + "JVM appends more and is killed with SIGKILL, and the reopen after the crash is measured and the child's "
        + "acknowledged events are checked. Prints one JSON line with both reopen times and every parameter."})
public final class RecoveryCommand implements Callable<Integer> {

  static final String TOPIC = "bench-recovery";
  private static final Duration WRITE_TIMEOUT = Duration.ofHours(2);
  private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(30);
  private static final int VERIFY_CONCURRENCY = 16;
  private static final double NANOS_PER_MILLI = 1e6;

  @Spec
  CommandSpec spec;

  @Option(names = "--events", defaultValue = "10000000", description = "Events written before the clean shutdown. Default: ${DEFAULT-VALUE}.")
  long events;

  @Option(names = "--mode", defaultValue = "page-cache", converter = Converters.FlushModeConverter.class,
      description = "Flush mode of the topic, which the child appends in: durable or page-cache. Default: ${DEFAULT-VALUE}.")
  FlushMode mode;

  @Option(names = "--event-bytes", defaultValue = "100", description = "Payload bytes per event. Default: ${DEFAULT-VALUE}.")
  int eventBytes;

  @Option(names = "--events-per-append", defaultValue = "100", description = "Events per append. Default: ${DEFAULT-VALUE}.")
  int eventsPerAppend;

  @Option(names = "--streams", defaultValue = "8", description = "Concurrent appends. Default: ${DEFAULT-VALUE}.")
  int streams;

  @Option(names = "--aggregates", defaultValue = "100000", description = "Distinct aggregates written first. Default: ${DEFAULT-VALUE}.")
  int aggregates;

  @Option(names = "--partitions", defaultValue = "1", description = "Partitions of the topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--crash-after-events", defaultValue = "500000",
      description = "Kill the child once it reported this many acknowledged events. Default: ${DEFAULT-VALUE}.")
  long crashAfterEvents;

  @Option(names = "--child-aggregates", defaultValue = "10000", description = "Aggregates the child appends to. Default: ${DEFAULT-VALUE}.")
  int childAggregates;

  @Option(names = "--child-heap", defaultValue = "1g", description = "-Xmx of the child JVM. Default: ${DEFAULT-VALUE}.")
  String childHeap;

  @Option(names = "--verify-last", defaultValue = "100000",
      description = "Check this many of the child's last acknowledged events after the crash (0 = all). Default: ${DEFAULT-VALUE}.")
  int verifyLast;

  @Option(names = "--data-dir", description = "Store folder, kept afterwards (default: a temporary folder, deleted).")
  Path dataDir;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    AppendWorkload.Params writeParams = params();
    try (DataDir dir = DataDir.of(dataDir, "cairn-bench-recovery-");
         ProcessSupervisor supervisor = new ProcessSupervisor()) {
      Path store = Files.createDirectories(dir.path().resolve("store"));
      AppendWorkload.Outcome written;
      try (CairnStore cairn = CairnStore.open(store)) {
        cairn.ensureTopic(TOPIC, AppendWorkload.topicConfig(mode, partitions, eventBytes, eventsPerAppend));
        written = Awaits.await(AppendWorkload.run(cairn.vertx(), cairn.store(), writeParams, AckLog.disabled()), WRITE_TIMEOUT,
            "writing " + events + " events");
      }
      long storedBeforeCrash;
      long reopenCleanNanos;
      try (CairnStore cairn = CairnStore.open(store)) {
        reopenCleanNanos = cairn.openNanos();
        storedBeforeCrash = cairn.highWatermarkSum(TOPIC);
      }
      Path ackLog = dir.path().resolve("child-acks.tsv");
      long childReported = runChildUntilKilled(supervisor, store, ackLog, dir.path().resolve("child-stderr.log"));
      long reopenCrashNanos;
      long storedAfterCrash;
      AckVerifier.Result verified;
      double heapUsedMb;
      long ackLines;
      try (CairnStore cairn = CairnStore.open(store)) {
        reopenCrashNanos = cairn.openNanos();
        storedAfterCrash = cairn.highWatermarkSum(TOPIC);
        ArrayDeque<AckLog.Entry> last = new ArrayDeque<>();
        ackLines = AckLog.read(ackLog, entry -> {
          last.addLast(entry);
          if (verifyLast > 0 && last.size() > verifyLast) {
            last.removeFirst();
          }
        });
        verified = Awaits.await(AckVerifier.verify(cairn.store(), new ArrayList<>(last), VERIFY_CONCURRENCY),
            VERIFY_TIMEOUT, "checking the child's acknowledged events");
        heapUsedMb = RunFigures.heapUsedMbAfterGc();
      }
      JsonLine line = BenchEnvironment.start("recovery")
          .put("events_param", events)
          .put("mode", mode.configName())
          .put("event_bytes", eventBytes)
          .put("events_per_append", eventsPerAppend)
          .put("streams", streams)
          .put("aggregates", aggregates)
          .put("partitions", partitions)
          .put("crash_after_events", crashAfterEvents)
          .put("child_aggregates", childAggregates)
          .put("child_heap", childHeap)
          .put("verify_last", verifyLast)
          .put("data_dir", dir.temporary() ? "(temporary)" : dir.path().toString())
          .put("seed", seed);
      written.figures(heapUsedMb).putInto(line)
          .put("stored_before_crash", storedBeforeCrash)
          .put("reopen_clean_ms", reopenCleanNanos / NANOS_PER_MILLI)
          .put("child_reported_acked", childReported)
          .put("child_ack_lines", ackLines)
          .put("stored_after_crash", storedAfterCrash)
          .put("reopen_crash_ms", reopenCrashNanos / NANOS_PER_MILLI)
          .put("acks_checked", verified.checked())
          .put("acks_missing", verified.missing())
          .put("acks_mismatched", verified.mismatched())
          .put("first_ack_problem", verified.firstProblem())
          .put("data_bytes", BenchFiles.sizeBytes(store));
      spec.commandLine().getOut().println(line.toLine());
      spec.commandLine().getOut().flush();
      if (!verified.ok()) {
        throw new BenchException("acknowledged events were lost or changed after the crash: " + verified);
      }
      return 0;
    }
  }

  /** Starts the child, waits until it reported {@code crashAfterEvents}, SIGKILLs it; returns its last report. */
  private long runChildUntilKilled(ProcessSupervisor supervisor, Path store, Path ackLog, Path stderr)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + childHeap, "-cp", System.getProperty("java.class.path"), BenchMain.class.getName(),
        "recovery-child", "--data-dir", store.toString(), "--topic", TOPIC, "--ack-log", ackLog.toString(),
        "--event-bytes", Integer.toString(eventBytes), "--events-per-append", Integer.toString(eventsPerAppend),
        "--streams", Integer.toString(streams), "--aggregates", Integer.toString(childAggregates),
        "--seed", Long.toString(seed + 1)));
    Process child = supervisor.start(new ProcessBuilder(command)
        .redirectError(stderr.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(BenchFiles.nullDevice())));
    long reported = 0;
    long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith(RecoveryChildCommand.ACKED_PREFIX)) {
          reported = Long.parseLong(line.substring(RecoveryChildCommand.ACKED_PREFIX.length()).trim());
          if (reported >= crashAfterEvents) {
            supervisor.kill(child);
            return reported;
          }
        }
        if (System.nanoTime() > deadline) {
          break;
        }
      }
    } finally {
      if (child.isAlive()) {
        supervisor.kill(child);
      }
    }
    throw new BenchException("the recovery child (pid " + child.pid() + ") reported " + reported + " of "
        + crashAfterEvents + " events within " + CHILD_TIMEOUT.toSeconds() + " s before it ended; exit code "
        + (child.isAlive() ? "(alive)" : child.exitValue()) + "; stderr: " + stderr);
  }

  AppendWorkload.Params params() {
    if (partitions < 1 || crashAfterEvents < 1 || verifyLast < 0) {
      throw new ParameterException(spec.commandLine(), "--partitions = " + partitions + ", --crash-after-events = "
          + crashAfterEvents + ", --verify-last = " + verifyLast + ": need at least 1, at least 1 and 0 or more");
    }
    if (childAggregates < streams) {
      throw new ParameterException(spec.commandLine(), "--child-aggregates = " + childAggregates
          + ": must be at least --streams (" + streams + ")");
    }
    try {
      return new AppendWorkload.Params(TOPIC, "agg-", streams, aggregates, KeyDistribution.UNIFORM, 1, eventBytes,
          eventsPerAppend, events, 0, 0, seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }
}
