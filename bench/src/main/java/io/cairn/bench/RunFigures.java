package io.cairn.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The standard figures of one measured run. Throughput counts payload bytes only (events x event
 * size), in MiB (2^20 bytes) per second as Kafka's ProducerPerformance does.
 *
 * @param events       events acknowledged in the measured phase
 * @param payloadBytes payload bytes of those events
 * @param elapsedNanos length of the measured phase
 * @param latencies    one latency per request (an append of one or more events, a read, a send)
 * @param heapUsedMb   JVM heap in use at the end, after a full GC, in MiB
 */
public record RunFigures(long events, long payloadBytes, long elapsedNanos, Latencies latencies, double heapUsedMb) {

  /** Bytes in a MiB. */
  public static final double BYTES_PER_MB = 1024.0 * 1024.0;
  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  /** Events per second over the measured phase; 0 if it lasted no time. */
  public double eventsPerSec() {
    return elapsedNanos <= 0 ? 0 : events * NANOS_PER_SECOND / elapsedNanos;
  }

  /** Payload MiB per second over the measured phase; 0 if it lasted no time. */
  public double mbPerSec() {
    return elapsedNanos <= 0 ? 0 : payloadBytes / BYTES_PER_MB * NANOS_PER_SECOND / elapsedNanos;
  }

  /**
   * Puts events, elapsed_s, events_per_sec, mb_per_sec, p50_ms, p99_ms, p999_ms, max_ms, mean_ms,
   * requests (latency samples) and heap_used_mb into {@code line}.
   */
  public JsonLine putInto(JsonLine line) {
    return line.put("events", events)
        .put("elapsed_s", elapsedNanos / NANOS_PER_SECOND)
        .put("events_per_sec", eventsPerSec())
        .put("mb_per_sec", mbPerSec())
        .put("p50_ms", latencies.p50Ms())
        .put("p99_ms", latencies.p99Ms())
        .put("p999_ms", latencies.p999Ms())
        .put("max_ms", latencies.maxMs())
        .put("mean_ms", latencies.meanMs())
        .put("requests", latencies.count())
        .put("heap_used_mb", heapUsedMb);
  }

  /**
   * JVM heap in use, in MiB, measured after {@code System.gc()} (twice, so that objects freed by
   * finalisation in the first go too). Call it while what should be measured is still reachable.
   */
  public static double heapUsedMbAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed() / BYTES_PER_MB;
  }

  /** The JVM's maximum heap (-Xmx) in MiB, or -1 if it has none. */
  public static double heapMaxMb() {
    long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    return max < 0 ? -1 : max / BYTES_PER_MB;
  }
}
