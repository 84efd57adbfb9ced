package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces a sender to a target rate, as Kafka's {@code ThroughputThrottler} does for
 * {@code producer-perf-test --throughput}: record {@code i} (from 0) is due at
 * {@code start + i / ratePerSec}; a sender that is ahead of that schedule by at least
 * {@link #MIN_PARK_NANOS} parks until the record is due, so it never runs more than that far ahead,
 * while a sender that fell behind catches up at full speed (the schedule does not slide). A rate of
 * {@link #UNTHROTTLED} never parks.
 *
 * <p>Not thread-safe: one sending thread.
 */
public final class ThroughputThrottler {

  /** Rate that means "as fast as the sender can go". */
  public static final double UNTHROTTLED = -1;
  /** Smallest lead over the schedule worth parking for (shorter parks cost more than they pace). */
  public static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  private final double nanosPerRecord;
  private final Clock clock;
  private final long startNanos;

  /**
   * A throttler whose schedule starts now.
   *
   * @param ratePerSec records per second, greater than 0, or {@link #UNTHROTTLED}
   * @param clock      time source and parking
   */
  public ThroughputThrottler(double ratePerSec, Clock clock) {
    if (ratePerSec != UNTHROTTLED && !(ratePerSec > 0 && Double.isFinite(ratePerSec))) {
      throw new InvalidInputException("throughput", ratePerSec, "must be greater than 0 records/s, or -1 for unthrottled");
    }
    this.nanosPerRecord = ratePerSec == UNTHROTTLED ? 0 : NANOS_PER_SECOND / ratePerSec;
    this.clock = clock;
    this.startNanos = clock.nanoTime();
  }

  /** A throttler on the system clock whose schedule starts now. */
  public static ThroughputThrottler start(double ratePerSec) {
    return new ThroughputThrottler(ratePerSec, Clock.SYSTEM);
  }

  /** Whether this throttler never parks. */
  public boolean unthrottled() {
    return nanosPerRecord == 0;
  }

  /** When record {@code index} is due, on the clock's nanosecond scale. */
  public long dueNanos(long index) {
    return startNanos + (long) (index * nanosPerRecord);
  }

  /** Parks the calling thread until record {@code index} is due, if it is at least {@link #MIN_PARK_NANOS} early. */
  public void awaitTurn(long index) {
    if (nanosPerRecord == 0) {
      return;
    }
    long due = dueNanos(index);
    long lead = due - clock.nanoTime();
    if (lead < MIN_PARK_NANOS) {
      return;
    }
    while (lead > 0) {
      clock.park(lead);
      lead = due - clock.nanoTime();
    }
  }

  /** Time and parking, replaceable in tests. */
  public interface Clock {

    /** {@link System#nanoTime()} and {@link LockSupport#parkNanos(long)}. */
    Clock SYSTEM = new Clock() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void park(long nanos) {
        LockSupport.parkNanos(nanos);
      }
    };

    /** The current time in nanoseconds, on an arbitrary but fixed origin. */
    long nanoTime();

    /** Parks the calling thread for about {@code nanos} (it may return earlier). */
    void park(long nanos);
  }
}
