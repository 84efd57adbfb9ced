package io.cairn.bench.cli;

import io.cairn.bench.AckLog;
import io.cairn.bench.AppendWorkload;
import io.cairn.bench.CairnStore;
import io.cairn.bench.KeyDistribution;
import io.vertx.core.Future;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench recovery-child} (hidden): the child JVM of {@code bench recovery}. Opens the store,
 * appends to an existing topic without end (until killed, or {@link #MAX_RUN_MS}), writes every
 * acknowledged event to the ack log, and prints {@code acked N} lines to stdout so the parent knows
 * when to kill it.
 */
@Command(name = "recovery-child", hidden = true,
    description = "Child process of bench recovery: appends until killed and reports acknowledged events.")
public final class RecoveryChildCommand implements Callable<Integer> {

  /** Prefix of the lines that report progress. */
  static final String ACKED_PREFIX = "acked ";
  /** The line printed once the store is open and appends start. */
  static final String READY_LINE = "ready";
  /** The child stops by itself after this long if nobody kills it. */
  static final long MAX_RUN_MS = TimeUnit.HOURS.toMillis(1);

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", required = true)
  Path dataDir;

  @Option(names = "--topic", required = true)
  String topic;

  @Option(names = "--ack-log", required = true)
  Path ackLog;

  @Option(names = "--event-bytes", defaultValue = "100")
  int eventBytes;

  @Option(names = "--events-per-append", defaultValue = "100")
  int eventsPerAppend;

  @Option(names = "--streams", defaultValue = "8")
  int streams;

  @Option(names = "--aggregates", defaultValue = "10000")
  int aggregates;

  @Option(names = "--report-every-ms", defaultValue = "50")
  long reportEveryMs;

  @Option(names = "--seed", defaultValue = "43")
  long seed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (AckLog acks = AckLog.open(ackLog); CairnStore cairn = CairnStore.open(dataDir)) {
      AppendWorkload.Params params = new AppendWorkload.Params(topic, "crash-", streams, aggregates,
          KeyDistribution.UNIFORM, 1, eventBytes, eventsPerAppend, 0, MAX_RUN_MS, 0, seed);
      LongAdder acknowledged = new LongAdder();
      out.println(READY_LINE);
      out.flush();
      Future<AppendWorkload.Outcome> run = AppendWorkload.run(cairn.vertx(), cairn.store(), params, acks,
          new int[aggregates], acknowledged);
      while (true) {
        try {
          run.await(reportEveryMs, TimeUnit.MILLISECONDS);
          break;
        } catch (TimeoutException stillRunning) {
          out.println(ACKED_PREFIX + acknowledged.sum());
          out.flush();
        }
      }
      out.println(ACKED_PREFIX + acknowledged.sum());
      out.flush();
      return 0;
    }
  }
}
