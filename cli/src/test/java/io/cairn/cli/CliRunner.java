package io.cairn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;

/** Runs {@code cairn} in-process with captured stdout/stderr and a given environment. */
final class CliRunner {

  private final Map<String, String> environment;

  private CliRunner(Map<String, String> environment) {
    this.environment = environment;
  }

  /** A runner whose commands see no environment variables. */
  static CliRunner withoutEnvironment() {
    return new CliRunner(Map.of());
  }

  /** A runner whose commands see exactly these environment variables. */
  static CliRunner withEnvironment(Map<String, String> environment) {
    return new CliRunner(environment);
  }

  /** Runs {@code cairn args...}. */
  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = CairnCli.newCommandLine(environment)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /**
   * Starts {@code cairn args...} on a thread of its own; its output can be read while it runs (for
   * commands that run until stopped, such as {@code tail}).
   */
  Running start(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = CairnCli.newCommandLine(environment)
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
    FutureTask<Integer> run = new FutureTask<>(() -> commandLine.execute(args));
    Thread thread = new Thread(run, "cairn " + String.join(" ", args));
    thread.setDaemon(true);
    thread.start();
    return new Running(run, out, err);
  }

  /** Runs {@code cairn args... --data-dir dataDir}. */
  Result runIn(Path dataDir, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--data-dir");
    all.add(dataDir.toString());
    return run(all.toArray(String[]::new));
  }

  /** A command running on its own thread. */
  static final class Running {
    private final FutureTask<Integer> run;
    private final StringWriter out;
    private final StringWriter err;

    private Running(FutureTask<Integer> run, StringWriter out, StringWriter err) {
      this.run = run;
      this.out = out;
      this.err = err;
    }

    /** What the command has printed on stdout so far (StringWriter is synchronized). */
    String outSoFar() {
      return out.toString();
    }

    /** Whether the command has ended. */
    boolean done() {
      return run.isDone();
    }

    /** Waits up to {@code timeoutMs} for the command to end and returns what it printed and returned. */
    Result await(long timeoutMs) throws Exception {
      try {
        int exitCode = run.get(timeoutMs, TimeUnit.MILLISECONDS);
        return new Result(exitCode, out.toString(), err.toString());
      } catch (TimeoutException e) {
        throw new AssertionError("the command did not end within " + timeoutMs + " ms; stdout so far:\n" + out
            + "--- stderr so far:\n" + err, e);
      }
    }
  }

  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err) {

    /** Non-empty stdout lines. */
    List<String> outLines() {
      return out.lines().filter(line -> !line.isEmpty()).toList();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
