package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProducerRunTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void onlyTheMeasuredRecordsAreCountedAndEveryKeyIsUsed() throws Exception {
    // given
    try (LoopbackPipe pipe = new LoopbackPipe(10, sequence -> false)) {
      // when
      ProducerRun.Outcome outcome = ProducerRun.run(pipe.sink(),
          new ProducerRun.Params(100, 5000, 1000, 10, ThroughputThrottler.UNTHROTTLED, false, 7), TIMEOUT);

      // then: 6000 sent, 5000 measured, uniform keys touch all 10 aggregates
      assertThat(outcome.records()).isEqualTo(5000);
      assertThat(outcome.payloadBytes()).isEqualTo(500_000);
      assertThat(outcome.latencies().count()).isEqualTo(5000);
      assertThat(outcome.elapsedNanos()).isPositive();
      assertThat(Arrays.stream(pipe.recordsPerAggregate).sum()).isEqualTo(6000);
      assertThat(Arrays.stream(pipe.recordsPerAggregate).boxed().toList())
          .allSatisfy(count -> assertThat(count).isGreaterThan(400));
    }
  }

  @Test
  void theHookBeforeTheMeasuredPhaseRunsOnceAfterEveryWarmUpRecordWasSentAndBeforeAnyMeasuredOne() throws Exception {
    // given
    try (LoopbackPipe pipe = new LoopbackPipe(10, sequence -> false)) {
      List<Integer> sentAtHook = new ArrayList<>();

      // when
      ProducerRun.run(pipe.sink(), new ProducerRun.Params(100, 500, 300, 10, ThroughputThrottler.UNTHROTTLED, false, 7),
          TIMEOUT, () -> sentAtHook.add(Arrays.stream(pipe.recordsPerAggregate).sum()));

      // then
      assertThat(sentAtHook).containsExactly(300);
      assertThat(Arrays.stream(pipe.recordsPerAggregate).sum()).isEqualTo(800);
    }
  }

  @Test
  void aFailedRecordFailsTheRun() throws Exception {
    try (LoopbackPipe pipe = new LoopbackPipe(10, sequence -> sequence == 1500)) {
      assertThatThrownBy(() -> ProducerRun.run(pipe.sink(),
          new ProducerRun.Params(100, 5000, 1000, 10, ThroughputThrottler.UNTHROTTLED, false, 7), TIMEOUT))
          .isInstanceOf(BenchException.class).hasMessageContaining("record 1500 refused");
    }
  }

  @Test
  void aThrottledRunTakesAsLongAsItsRateSays() throws Exception {
    // given: 200 records at 1000 records/s
    try (LoopbackPipe pipe = new LoopbackPipe(10, sequence -> false)) {
      // when
      ProducerRun.Outcome outcome = ProducerRun.run(pipe.sink(),
          new ProducerRun.Params(100, 200, 0, 10, 1000, false, 7), TIMEOUT);

      // then: the last record was due 199 ms after the first
      assertThat(outcome.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(199).toNanos()
          - ThroughputThrottler.MIN_PARK_NANOS);
    }
  }

  @Test
  void parametersNameTheBadOption() {
    assertThatThrownBy(() -> new ProducerRun.Params(100, 0, 0, 10, -1, false, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("records");
    assertThatThrownBy(() -> new ProducerRun.Params(20, 10, 0, 10, -1, true, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("record-bytes");
    assertThatThrownBy(() -> new ProducerRun.Params(100, 10, 0, 0, -1, false, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("aggregates");
    assertThatThrownBy(() -> new ProducerRun.Params(100, 10, 0, 10, 0, false, 1))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("throughput");
  }
}
