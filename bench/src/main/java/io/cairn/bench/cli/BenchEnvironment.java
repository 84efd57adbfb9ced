package io.cairn.bench.cli;

import io.cairn.bench.JsonLine;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The conditions of a run, added to every result line: date, cores, JVM, system load. Stateless. */
final class BenchEnvironment {

  private BenchEnvironment() {
  }

  /** Puts {@code benchmark}, {@code date} (UTC), {@code cores}, {@code java} and {@code load_avg_1m}. */
  static JsonLine start(String benchmark) {
    return new JsonLine()
        .put("benchmark", benchmark)
        .put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
        .put("load_avg_1m", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
