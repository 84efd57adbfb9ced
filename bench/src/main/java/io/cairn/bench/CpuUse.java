package io.cairn.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The CPU time used so far by a server process (a Cairn node or a Kafka broker, when its pid is known) and by this
 * harness JVM, read at one moment: user plus system time of every thread, as the operating system counts it
 * ({@link ProcessHandle.Info#totalCpuDuration()}; Linux counts in clock ticks of 10 ms). Two readings bracket a
 * phase; {@link #putSince} turns them into CPU per second and per record. On a machine whose few CPUs both sides
 * share, the CPU a side needs decides how soon the machine saturates and latencies grow, and it is far steadier
 * from run to run than a p99.
 *
 * @param wallNanos {@link System#nanoTime()} of the reading
 * @param server    the server's CPU time, if its pid is known and the system tells it
 * @param harness   this JVM's CPU time, if the system tells it
 */
public record CpuUse(long wallNanos, Optional<Duration> server, Optional<Duration> harness) {

  private static final double NANOS_PER_SECOND = 1e9;
  private static final double NANOS_PER_MILLI = 1e6;
  private static final double NANOS_PER_MICRO = 1e3;

  /** A reading now, of the server process {@code serverPid} (if any) and of this JVM. */
  public static CpuUse now(OptionalLong serverPid) {
    Optional<Duration> server = serverPid.isPresent()
        ? ProcessHandle.of(serverPid.getAsLong()).flatMap(process -> process.info().totalCpuDuration())
        : Optional.empty();
    return new CpuUse(System.nanoTime(), server, ProcessHandle.current().info().totalCpuDuration());
  }

  /**
   * Puts the CPU used between {@code earlier} and this reading into {@code line}: {@code server_cpu_ms_per_s} and
   * {@code server_cpu_us_per_record} if both readings have the server's, {@code harness_cpu_ms_per_s} and
   * {@code harness_cpu_us_per_record} if both have this JVM's. {@code records} are those of the phase (at least 1).
   */
  public JsonLine putSince(CpuUse earlier, long records, JsonLine line) {
    if (records < 1) {
      throw new IllegalArgumentException("records must be at least 1, is " + records);
    }
    long elapsedNanos = wallNanos - earlier.wallNanos;
    if (elapsedNanos <= 0) {
      throw new IllegalArgumentException("the earlier reading must be earlier: " + elapsedNanos + " ns apart");
    }
    put(line, "server", earlier.server, server, elapsedNanos, records);
    put(line, "harness", earlier.harness, harness, elapsedNanos, records);
    return line;
  }

  private static void put(JsonLine line, String who, Optional<Duration> before, Optional<Duration> after,
                          long elapsedNanos, long records) {
    if (before.isEmpty() || after.isEmpty()) {
      return;
    }
    long usedNanos = after.get().minus(before.get()).toNanos();
    line.put(who + "_cpu_ms_per_s", usedNanos / NANOS_PER_MILLI / (elapsedNanos / NANOS_PER_SECOND))
        .put(who + "_cpu_us_per_record", usedNanos / NANOS_PER_MICRO / records);
  }
}
