package io.cairn.bench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One in-process run of {@code bin/cairn bench ...} through {@link BenchMain}'s command line: its exit code
 * and what it printed on stdout (the JSON line) and stderr (progress).
 */
record BenchRun(int exitCode, String out, String err) {

  /** Runs {@code args} (the words after {@code bench}) and waits for the command to finish. */
  static BenchRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = BenchMain.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new BenchRun(exitCode, out.toString(), err.toString());
  }
}
