package io.cairn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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

  /** Runs {@code cairn args... --data-dir dataDir}. */
  Result runIn(Path dataDir, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--data-dir");
    all.add(dataDir.toString());
    return run(all.toArray(String[]::new));
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
