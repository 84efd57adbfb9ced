package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkPacerTest {

  /** Each unit of work takes 10 µs on this clock; sleeping advances it by the time slept. */
  private static final long UNIT_NANOS = TimeUnit.MICROSECONDS.toNanos(1);

  private long now;
  private final List<Long> sleeps = new ArrayList<>();

  private WorkPacer pacer(double share) {
    return pacer(new JobCpuBudget(share));
  }

  private WorkPacer pacer(JobCpuBudget budget) {
    return WorkPacer.inBudget(budget, () -> now, nanos -> {
      sleeps.add(nanos);
      now += nanos;
    });
  }

  private WorkPacer started(JobCpuBudget budget) {
    WorkPacer pacer = pacer(budget);
    pacer.start();
    return pacer;
  }

  private long slept() {
    return sleeps.stream().mapToLong(Long::longValue).sum();
  }

  private long work(WorkPacer pacer, int units) {
    long worked = 0;
    for (int i = 0; i < units; i++) {
      now += UNIT_NANOS;
      worked += UNIT_NANOS;
      pacer.pace();
    }
    return worked;
  }

  @Test
  void aJobAtAQuarterOfACpuSleepsThreeTimesAsLongAsItWorks() {
    // given
    WorkPacer pacer = pacer(0.25);

    // when: 1 s of work in units of 1 µs
    long worked = work(pacer, 1_000_000);

    // then: sleeps of about 3 slices each, 3 s in all (the last slice, not yet used up, is not paid)
    long slept = sleeps.stream().mapToLong(Long::longValue).sum();
    long slice = TimeUnit.MICROSECONDS.toNanos(WorkPacer.SLICE_MICROS);
    assertThat(slept).isBetween(3 * (worked - 2 * slice), 3 * worked);
    assertThat(sleeps).allSatisfy(sleep -> assertThat(sleep).isBetween(3 * slice, 3 * 2 * slice));
  }

  @Test
  void unitsCountedInBulkArePacedLikeSingleOnes() {
    // given
    WorkPacer pacer = pacer(0.25);
    long worked = 0;

    // when: 1 s of work in steps of 300 units of 1 µs
    for (int step = 0; step < 1_000_000 / 300; step++) {
      now += 300 * UNIT_NANOS;
      worked += 300 * UNIT_NANOS;
      pacer.pace(300);
    }

    // then: three times the work slept, as with units counted one by one
    long slept = sleeps.stream().mapToLong(Long::longValue).sum();
    long step = 300 * UNIT_NANOS;
    assertThat(slept).isBetween(3 * (worked - 2 * step), 3 * worked);
  }

  @Test
  void aHurriedJobNoLongerSleeps() {
    WorkPacer pacer = pacer(0.25);
    work(pacer, 10_000);
    int sleptBefore = sleeps.size();

    pacer.hurry();
    work(pacer, 1_000_000);

    assertThat(sleptBefore).isPositive();
    assertThat(sleeps).hasSize(sleptBefore);
    assertThat(pacer.isHurried()).isTrue();
  }

  @Test
  void aHurriedJobWhoseCountWrapsRoundStillDoesNotSleep() {
    // given
    WorkPacer pacer = pacer(0.25);
    pacer.hurry();

    // when the units counted reach Integer.MAX_VALUE exactly, after a long time
    now += TimeUnit.SECONDS.toNanos(10);
    pacer.pace(Integer.MAX_VALUE - 5);
    pacer.pace(5);
    work(pacer, 1_000);

    // then
    assertThat(sleeps).isEmpty();
  }

  @Test
  void theFirstSliceStartsWhenTheJobStartsNotWhenItsPacerWasMade() {
    // given a pacer made 1 s before its job runs
    WorkPacer pacer = pacer(0.25);
    now += TimeUnit.SECONDS.toNanos(1);

    // when
    pacer.start();
    work(pacer, 1_000);

    // then: 1 ms of work is paid with about 3 ms of sleep, not 3 s for the wait
    long slept = sleeps.stream().mapToLong(Long::longValue).sum();
    assertThat(slept).isBetween(TimeUnit.MICROSECONDS.toNanos(1_500), TimeUnit.MICROSECONDS.toNanos(3_000));
  }

  @Test
  void aFullShareNeverSleeps() {
    WorkPacer pacer = pacer(1);
    work(pacer, 1_000_000);
    assertThat(sleeps).isEmpty();
    assertThat(pacer.isHurried()).isTrue();
    assertThat(WorkPacer.unpaced().isHurried()).isTrue();
  }

  @Test
  void twoRunningJobsOfOneBudgetTakeHalfItsShareEach() {
    // given: a budget of a quarter of a CPU, with two jobs started on it
    JobCpuBudget budget = new JobCpuBudget(0.25);
    WorkPacer first = started(budget);
    started(budget);

    // when: the first works 1 s
    long worked = work(first, 1_000_000);

    // then: at an eighth of a CPU it sleeps seven times as long as it works
    assertThat(budget.running()).isEqualTo(2);
    long slice = TimeUnit.MICROSECONDS.toNanos(WorkPacer.SLICE_MICROS);
    assertThat(slept()).isBetween(7 * (worked - 2 * slice), 7 * worked);
  }

  @Test
  void aJobThatFinishedLeavesTheWholeShareToTheOthers() {
    // given: two jobs of one budget, the second one finished (finishing twice counts once)
    JobCpuBudget budget = new JobCpuBudget(0.25);
    WorkPacer first = started(budget);
    WorkPacer second = started(budget);
    second.finish();
    second.finish();

    // when
    long worked = work(first, 1_000_000);

    // then: the first one alone takes the quarter again
    assertThat(budget.running()).isEqualTo(1);
    long slice = TimeUnit.MICROSECONDS.toNanos(WorkPacer.SLICE_MICROS);
    assertThat(slept()).isBetween(3 * (worked - 2 * slice), 3 * worked);
    first.finish();
    assertThat(budget.running()).isZero();
  }

  @Test
  void aPacerThatNeverSleepsIsNotCountedInItsBudget() {
    JobCpuBudget budget = new JobCpuBudget(1);
    WorkPacer pacer = pacer(budget);

    pacer.start();

    assertThat(budget.running()).isZero();
    assertThat(pacer.isHurried()).isTrue();
    pacer.finish();
    assertThat(budget.running()).isZero();
  }

  @Test
  void aShareOutsideZeroToOneIsRefusedNamingTheSetting() {
    for (double share : new double[] {0, -0.5, 1.01, Double.NaN}) {
      assertThatThrownBy(() -> new JobCpuBudget(share)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(StreamIndexOptions.JOB_CPU_SHARE)
          .hasMessageContaining("must be greater than 0 and at most 1");
    }
  }
}
