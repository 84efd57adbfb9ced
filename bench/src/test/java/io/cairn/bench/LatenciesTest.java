package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatenciesTest {

  private static final double RELATIVE_PRECISION = 0.001;

  @Test
  void percentilesOfOneToThousandMillisecondsAreTheRankedValues() {
    // given
    Latencies latencies = new Latencies();
    for (int ms = 1; ms <= 1000; ms++) {
      latencies.recordNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    // when / then
    assertThat(latencies.count()).isEqualTo(1000);
    assertThat(latencies.p50Ms()).isCloseTo(500, within(500 * RELATIVE_PRECISION));
    assertThat(latencies.p99Ms()).isCloseTo(990, within(990 * RELATIVE_PRECISION));
    assertThat(latencies.p999Ms()).isCloseTo(999, within(999 * RELATIVE_PRECISION));
    assertThat(latencies.maxMs()).isCloseTo(1000, within(1000 * RELATIVE_PRECISION));
    assertThat(latencies.meanMs()).isCloseTo(500.5, within(500.5 * RELATIVE_PRECISION));
  }

  @Test
  void emptyRecorderReportsZeroes() {
    // given
    Latencies latencies = new Latencies();

    // then
    assertThat(latencies.p50Ms()).isZero();
    assertThat(latencies.p999Ms()).isZero();
    assertThat(latencies.maxMs()).isZero();
    assertThat(latencies.meanMs()).isZero();
  }

  @Test
  void valuesAboveTheTrackableRangeAreClampedAndCounted() {
    // given
    Latencies latencies = new Latencies();

    // when
    latencies.recordNanos(Latencies.HIGHEST_TRACKABLE_NANOS * 2);
    latencies.recordNanos(-5);

    // then
    assertThat(latencies.count()).isEqualTo(2);
    assertThat(latencies.clampedCount()).isEqualTo(1);
    assertThat(latencies.maxMs()).isCloseTo(TimeUnit.NANOSECONDS.toMillis(Latencies.HIGHEST_TRACKABLE_NANOS),
        within(TimeUnit.NANOSECONDS.toMillis(Latencies.HIGHEST_TRACKABLE_NANOS) * RELATIVE_PRECISION));
  }

  @Test
  void addMergesTheValuesOfAnotherRecorder() {
    // given
    Latencies a = new Latencies();
    Latencies b = new Latencies();
    a.recordNanos(TimeUnit.MILLISECONDS.toNanos(1));
    b.recordNanos(TimeUnit.MILLISECONDS.toNanos(3));

    // when
    a.add(b);

    // then
    assertThat(a.count()).isEqualTo(2);
    assertThat(a.maxMs()).isCloseTo(3, within(3 * RELATIVE_PRECISION));
  }
}
