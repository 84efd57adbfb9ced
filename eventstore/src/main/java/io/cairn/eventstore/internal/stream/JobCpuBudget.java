package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.InvalidInputException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The share of one CPU that the paced stream-index jobs sharing this budget take together (ADR 0013, "One budget
 * per store"). A store gives one budget to the stream indexes of all its partitions: while {@code n} paced jobs
 * run, each one's {@link WorkPacer} keeps it to {@code share / n}, so that the flushes and merges of several
 * partitions together take no more of the machine than one job alone would. A job counts from the start of its
 * work to its end, hurried or not: a hurried job runs flat out, and the others keep to their part meanwhile.
 *
 * <p>Thread-safe.
 */
public final class JobCpuBudget {

  private final double share;
  private final AtomicInteger running = new AtomicInteger();

  /**
   * A budget of {@code share} of one CPU, greater than 0 and at most 1 (1: jobs are not paced at all).
   *
   * @throws InvalidInputException naming {@link StreamIndexOptions#JOB_CPU_SHARE} if out of range
   */
  public JobCpuBudget(double share) {
    if (!(share > 0 && share <= 1)) {
      throw new InvalidInputException(StreamIndexOptions.JOB_CPU_SHARE, share, "must be greater than 0 and at most 1");
    }
    this.share = share;
  }

  /** The share of one CPU that the jobs of this budget take together. */
  public double share() {
    return share;
  }

  /** Paced jobs counted now: started, not yet ended. */
  public int running() {
    return running.get();
  }

  /** The share of one CPU each counted job may take now: {@link #share()} divided among the running jobs. */
  double shareOfOneJob() {
    return share / Math.max(1, running.get());
  }

  /** Counts a job whose work starts. */
  void join() {
    running.incrementAndGet();
  }

  /** Stops counting a job counted by {@link #join()}. */
  void leave() {
    running.decrementAndGet();
  }
}
