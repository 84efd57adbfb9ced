package io.cairn.bench.cli;

import io.cairn.bench.AckLog;
import io.cairn.bench.AckVerifier;
import io.cairn.bench.Awaits;
import io.cairn.bench.CairnStore;
import io.cairn.bench.JsonLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench verify-acks}: the outside check of an ack log written by {@code bench append --ack-log}:
 * opens the store (recovering it, e.g. after a crash) and checks that every acknowledged event is
 * stored at its partition and offset with the same payload. Prints one JSON line; exit code 1 if an
 * event is missing or different.
 */
@Command(name = "verify-acks", mixinStandardHelpOptions = true,
    description = {"Checks that every event in an ack log (bench append --ack-log) is stored with the same partition, "
        + "offset and payload sha-256. Prints one JSON line; exits 1 if one is missing or different."})
public final class VerifyAcksCommand implements Callable<Integer> {

  private static final Duration VERIFY_TIMEOUT = Duration.ofHours(1);
  private static final double NANOS_PER_MILLI = 1e6;

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", required = true, description = "The store folder.")
  Path dataDir;

  @Option(names = "--ack-log", required = true, description = "The ack log to check.")
  Path ackLog;

  @Option(names = "--last", defaultValue = "0", description = "Check only the last N entries (0 = all). Default: ${DEFAULT-VALUE}.")
  int last;

  @Option(names = "--concurrency", defaultValue = "16", description = "Reads in flight. Default: ${DEFAULT-VALUE}.")
  int concurrency;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dataDir) || !Files.isRegularFile(ackLog) || last < 0 || concurrency < 1) {
      throw new ParameterException(spec.commandLine(), "--data-dir " + dataDir + " must be a folder, --ack-log "
          + ackLog + " a file, --last (" + last + ") 0 or more and --concurrency (" + concurrency + ") at least 1");
    }
    ArrayDeque<AckLog.Entry> entries = new ArrayDeque<>();
    long lines = AckLog.read(ackLog, entry -> {
      entries.addLast(entry);
      if (last > 0 && entries.size() > last) {
        entries.removeFirst();
      }
    });
    try (CairnStore cairn = CairnStore.open(dataDir)) {
      AckVerifier.Result result = Awaits.await(AckVerifier.verify(cairn.store(), new ArrayList<>(entries),
          concurrency), VERIFY_TIMEOUT, "checking " + entries.size() + " acknowledged events");
      JsonLine line = BenchEnvironment.start("verify-acks")
          .put("data_dir", dataDir.toString())
          .put("ack_log", ackLog.toString())
          .put("last", last)
          .put("concurrency", concurrency)
          .put("open_ms", cairn.openNanos() / NANOS_PER_MILLI)
          .put("ack_lines", lines)
          .put("checked", result.checked())
          .put("missing", result.missing())
          .put("mismatched", result.mismatched())
          .put("first_problem", result.firstProblem())
          .put("ok", result.ok());
      spec.commandLine().getOut().println(line.toLine());
      spec.commandLine().getOut().flush();
      return result.ok() ? 0 : 1;
    }
  }
}
