package io.cairn.bench.cli;

import picocli.CommandLine;

/**
 * Runs {@link BenchCommand} as a program: {@code java -cp ... io.cairn.bench.cli.BenchMain append ...}.
 * Also the main class of the child JVMs the benchmarks start. Exit code 0 on success, 2 for bad
 * arguments, 1 when a benchmark fails.
 */
public final class BenchMain {

  private BenchMain() {
  }

  /** Parses {@code args}, runs the subcommand and exits with its code. */
  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The command line of {@link BenchCommand}, as {@link #main} runs it. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new BenchCommand());
  }
}
