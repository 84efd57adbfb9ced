package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThroughputThrottlerTest {

  /** A clock that only moves when the sender spends time or parks. */
  private static final class ManualClock implements ThroughputThrottler.Clock {
    long now = 1_000_000_000L;
    final List<Long> parks = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void park(long nanos) {
      parks.add(nanos);
      now += nanos;
    }
  }

  @Test
  void aSenderThatIsAlwaysFasterIsHeldToTheRate() {
    // given: 1000 records/s, a sender that spends no time of its own
    ManualClock clock = new ManualClock();
    long start = clock.now;
    ThroughputThrottler throttler = new ThroughputThrottler(1000, clock);

    // when
    for (long i = 0; i < 5000; i++) {
      throttler.awaitTurn(i);
    }

    // then: record 4999 went out when it was due, 4.999 s after the start, never earlier
    assertThat(clock.now - start).isEqualTo(TimeUnit.MILLISECONDS.toNanos(4999));
    assertThat(clock.parks).allSatisfy(park -> assertThat(park).isGreaterThanOrEqualTo(ThroughputThrottler.MIN_PARK_NANOS));
  }

  @Test
  void aSenderBarelyAheadOfTheScheduleDoesNotPark() {
    // given: 100 000 records/s, so each record is due 10 µs after the previous one
    ManualClock clock = new ManualClock();
    ThroughputThrottler throttler = new ThroughputThrottler(100_000, clock);

    // when: the first 49 records, all due within less than the smallest park
    for (long i = 0; i < 49; i++) {
      throttler.awaitTurn(i);
    }

    // then
    assertThat(clock.parks).isEmpty();
  }

  @Test
  void aSenderThatFellBehindCatchesUpWithoutParking() {
    // given
    ManualClock clock = new ManualClock();
    ThroughputThrottler throttler = new ThroughputThrottler(1000, clock);

    // when: the sender stalls for a second, then sends the 1000 records that were due meanwhile
    clock.now += TimeUnit.SECONDS.toNanos(1);
    for (long i = 0; i <= 1000; i++) {
      throttler.awaitTurn(i);
    }

    // then
    assertThat(clock.parks).isEmpty();
  }

  @Test
  void unthrottledNeverParks() {
    ManualClock clock = new ManualClock();
    ThroughputThrottler throttler = new ThroughputThrottler(ThroughputThrottler.UNTHROTTLED, clock);
    for (long i = 0; i < 1_000_000; i++) {
      throttler.awaitTurn(i);
    }
    assertThat(clock.parks).isEmpty();
    assertThat(throttler.unthrottled()).isTrue();
  }

  @Test
  void rejectsARateThatIsNeitherPositiveNorUnthrottled() {
    assertThatThrownBy(() -> new ThroughputThrottler(0, new ManualClock()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("throughput");
    assertThatThrownBy(() -> new ThroughputThrottler(-2, new ManualClock()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("throughput");
    assertThatThrownBy(() -> new ThroughputThrottler(Double.POSITIVE_INFINITY, new ManualClock()))
        .isInstanceOf(InvalidInputException.class);
  }
}
