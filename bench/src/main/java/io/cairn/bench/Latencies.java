package io.cairn.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency recorder for one benchmark run, backed by an HdrHistogram with
 * {@value #SIGNIFICANT_DIGITS} significant digits over nanoseconds, up to {@link #HIGHEST_TRACKABLE_NANOS}
 * (longer values are clamped to it and counted in {@link #clampedCount()}).
 *
 * <p>Thread-safe: recording is wait-free ({@link ConcurrentHistogram}); read the percentiles after
 * the writers have stopped.
 */
public final class Latencies {

  /** Decimal digits of precision kept for every value. */
  public static final int SIGNIFICANT_DIGITS = 3;
  /** Largest latency tracked exactly: one minute. */
  public static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final double NANOS_PER_MILLI = 1_000_000.0;

  private final Histogram histogram = new ConcurrentHistogram(HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);
  private final LongAdder clamped = new LongAdder();

  /** Records one latency in nanoseconds; negative values count as 0. */
  public void recordNanos(long nanos) {
    long value = Math.max(0, nanos);
    if (value > HIGHEST_TRACKABLE_NANOS) {
      clamped.increment();
      value = HIGHEST_TRACKABLE_NANOS;
    }
    histogram.recordValue(value);
  }

  /** Adds every value recorded in {@code other} to this recorder. */
  public void add(Latencies other) {
    histogram.add(other.histogram);
    clamped.add(other.clamped.sum());
  }

  /** Number of values recorded. */
  public long count() {
    return histogram.getTotalCount();
  }

  /** Values that were longer than {@link #HIGHEST_TRACKABLE_NANOS} and recorded as that. */
  public long clampedCount() {
    return clamped.sum();
  }

  /** The value at {@code percentile} (0 to 100) in milliseconds; 0 if nothing was recorded. */
  public double percentileMs(double percentile) {
    if (count() == 0) {
      return 0;
    }
    return histogram.getValueAtPercentile(percentile) / NANOS_PER_MILLI;
  }

  /** The median in milliseconds. */
  public double p50Ms() {
    return percentileMs(50);
  }

  /** The 99th percentile in milliseconds. */
  public double p99Ms() {
    return percentileMs(99);
  }

  /** The 99.9th percentile in milliseconds. */
  public double p999Ms() {
    return percentileMs(99.9);
  }

  /** The largest value in milliseconds; 0 if nothing was recorded. */
  public double maxMs() {
    return count() == 0 ? 0 : histogram.getMaxValue() / NANOS_PER_MILLI;
  }

  /** The mean in milliseconds; 0 if nothing was recorded. */
  public double meanMs() {
    return count() == 0 ? 0 : histogram.getMean() / NANOS_PER_MILLI;
  }
}
