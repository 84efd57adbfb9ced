package io.cairn.eventstore.internal.stream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Caps the share of one CPU that a background job takes (ADR 0013). The job calls {@link #pace()} between
 * small units of work; once a slice of {@value #SLICE_MICROS} µs has passed since the slice began, {@code pace}
 * sleeps so that work / (work + sleep) stays at the job's share: its {@link JobCpuBudget}'s share divided among
 * the jobs of that budget running at the time. Time is wall-clock time, so a job that was itself kept off the
 * CPU sleeps a little more than needed: it never takes more than its share.
 *
 * <p>A job that must finish soon (the owner froze another memtable behind it, or the partition is closing)
 * is {@link #hurry() hurried}: from then on {@code pace} returns at once.
 *
 * <p>Protocol: {@link #start()} when the job's work starts and {@link #finish()} when it ends, on the job's thread,
 * so that the budget counts the job meanwhile.
 *
 * <p>Thread-safety: {@code start}, {@code pace} and {@code finish} on the job's thread only; {@code hurry} from any
 * thread.
 */
final class WorkPacer {

  /**
   * Length of one slice of work between two sleeps. Short, because the scheduler lets a running job finish its
   * slice before the partition owner it woke up gets the CPU back, on a machine with few cores: with 5 ms
   * slices the owner's appends waited behind them (ADR 0013, "Slices of 250 µs").
   */
  static final long SLICE_MICROS = 250;
  private static final long SLICE_NANOS = TimeUnit.MICROSECONDS.toNanos(SLICE_MICROS);
  /** Units of work between two looks at the clock: a few microseconds of work, a small part of a slice. */
  private static final int UNITS_PER_CLOCK_READ = 64;

  /** {@link #unitsPerClockRead} of a hurried pacer: {@code pace} never gets as far as the clock. */
  private static final int NEVER = Integer.MAX_VALUE;

  /** Null for a pacer that never sleeps. */
  private final JobCpuBudget budget;
  private final LongSupplier nanoClock;
  private final LongConsumer sleeper;
  /**
   * {@value #UNITS_PER_CLOCK_READ}, or {@link #NEVER} once hurried. One field read by every {@code pace}, so that
   * {@code pace} branches on nothing that differs between jobs: {@code pace} is compiled into the jobs' loops,
   * and a branch the compiled code had never seen taken (the first call of a job, a hurried job after paced
   * ones) threw those loops back to the interpreter and had them compiled again, several times a minute.
   */
  private volatile int unitsPerClockRead;
  private long sliceStart;
  private int units;
  /** Whether {@link #start()} counted the job in the budget and {@link #finish()} has not yet. */
  private boolean counted;

  private WorkPacer(JobCpuBudget budget, LongSupplier nanoClock, LongConsumer sleeper) {
    this.budget = budget == null || budget.share() >= 1 ? null : budget;
    this.nanoClock = nanoClock;
    this.sleeper = sleeper;
    this.unitsPerClockRead = this.budget == null ? NEVER : UNITS_PER_CLOCK_READ;
    this.sliceStart = nanoClock.getAsLong();
  }

  /** A pacer that never sleeps. */
  static WorkPacer unpaced() {
    return new WorkPacer(null, System::nanoTime, LockSupport::parkNanos);
  }

  /** A pacer that keeps its job to its part of {@code budget}; one of a budget of share 1 never sleeps. */
  static WorkPacer inBudget(JobCpuBudget budget) {
    return new WorkPacer(budget, System::nanoTime, LockSupport::parkNanos);
  }

  /** {@link #inBudget} with the given clock (nanoseconds) and sleep (nanoseconds), for tests. */
  static WorkPacer inBudget(JobCpuBudget budget, LongSupplier nanoClock, LongConsumer sleeper) {
    return new WorkPacer(budget, nanoClock, sleeper);
  }

  /** The share of one CPU of this pacer's budget, shared with the budget's other running jobs (1: never sleeps). */
  double share() {
    return budget == null ? 1 : budget.share();
  }

  /** Whether {@link #pace()} no longer sleeps. */
  boolean isHurried() {
    return unitsPerClockRead == NEVER;
  }

  /** Stops every later {@link #pace()} from sleeping, for good. */
  void hurry() {
    unitsPerClockRead = NEVER;
  }

  /**
   * Counts the job in its budget and begins the first slice now. The job calls it when its work starts (a pacer
   * is made when the job is handed out, which may be a while before it runs); without it the first slice counts
   * from the pacer's creation and the job takes a share as if alone.
   */
  void start() {
    if (budget != null && !counted) {
      budget.join();
      counted = true;
    }
    units = 0;
    sliceStart = nanoClock.getAsLong();
  }

  /** Stops counting the job in its budget; the job calls it when its work ends, however it ends. */
  void finish() {
    if (counted) {
      budget.leave();
      counted = false;
    }
  }

  /**
   * Called by the job between units of work (well under a microsecond to a few microseconds each); sleeps
   * when the current slice is used up. Cheap: reads the clock once every {@value #UNITS_PER_CLOCK_READ} calls.
   */
  void pace() {
    pace(1);
  }

  /** {@link #pace()} after {@code done} units of work at once. */
  void pace(int done) {
    units += done;
    if (units < unitsPerClockRead) {
      return;
    }
    units = 0;
    if (isHurried()) {
      // a hurried pacer whose count reached NEVER exactly, after wrapping round
      return;
    }
    long now = nanoClock.getAsLong();
    long worked = now - sliceStart;
    if (worked < SLICE_NANOS) {
      return;
    }
    // sleep in proportion to the slice actually used, so a long unit of work is paid for in full
    double share = budget.shareOfOneJob();
    sleeper.accept(Math.round(worked * (1 - share) / share));
    sliceStart = nanoClock.getAsLong();
  }
}
