package io.cairn.bench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code bench jmh [JMH options] [regex]}: runs the JMH micro-benchmarks of {@code io.cairn.bench.jmh}
 * with JMH's own command line (e.g. {@code -f 1 -wi 3 -i 5 -rf json -rff out.json PartitionerBenchmark}).
 * Without a regex, all of them. JMH forks JVMs with this JVM's classpath and prints its own report.
 */
@Command(name = "jmh", description = {"Runs the JMH micro-benchmarks (io.cairn.bench.jmh) with JMH's own options, "
    + "e.g. bench jmh -f 1 -wi 3 -i 5 PartitionerBenchmark. Use -h for JMH's help."})
public final class JmhCommand implements Callable<Integer> {

  /** Pattern that selects all of Cairn's JMH benchmarks when no regex is given. */
  static final String ALL_BENCHMARKS = "io\\.cairn\\.bench\\.jmh\\..*";

  /** Every argument, in order: picocli matches none of them, JMH parses them all. */
  @Unmatched
  List<String> jmhArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>(jmhArgs);
    CommandLineOptions options = new CommandLineOptions(args.toArray(String[]::new));
    if (options.shouldHelp()) {
      options.showHelp();
      return 0;
    }
    if (options.shouldList()) {
      new Runner(options).list();
      return 0;
    }
    if (options.getIncludes().isEmpty()) {
      args.add(ALL_BENCHMARKS);
      options = new CommandLineOptions(args.toArray(String[]::new));
    }
    new Runner(options).run();
    return 0;
  }
}
