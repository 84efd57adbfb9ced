package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClosedLoopsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void requestsThatCompleteWhileBeingIssuedDoNotGrowTheStack() {
    // given: a million requests that are complete before the loop sees them
    AtomicLong issued = new AtomicLong();

    // when
    Future<Void> done = ClosedLoops.run(2, loop -> issued.incrementAndGet() > 1_000_000
        ? ClosedLoops.STOP : Future.succeededFuture());

    // then
    Awaits.await(done, TIMEOUT, "loops");
    assertThat(issued.get()).isGreaterThan(1_000_000);
  }

  @Test
  void eachLoopRunsUntilItsStepSaysStop() {
    // given
    AtomicInteger[] steps = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};

    // when
    Awaits.await(ClosedLoops.run(3, loop -> steps[loop].incrementAndGet() > (loop + 1) * 10
        ? ClosedLoops.STOP : Future.succeededFuture()), TIMEOUT, "loops");

    // then: loop i made (i + 1) * 10 requests, plus the step that stopped it
    assertThat(steps[0].get()).isEqualTo(11);
    assertThat(steps[1].get()).isEqualTo(21);
    assertThat(steps[2].get()).isEqualTo(31);
  }

  @Test
  void withAnExecutorLoopsWhoseRequestsCompleteAtOnceTakeTurns() {
    // given: two loops whose requests are complete at once, sharing one thread, 1000 steps in all
    ExecutorService thread = Executors.newSingleThreadExecutor();
    AtomicInteger total = new AtomicInteger();
    AtomicInteger[] steps = {new AtomicInteger(), new AtomicInteger()};
    try {
      // when
      Future<Void> done = ClosedLoops.run(2, loop -> {
        if (total.incrementAndGet() > 1000) {
          return ClosedLoops.STOP;
        }
        steps[loop].incrementAndGet();
        return Future.succeededFuture();
      }, loop -> thread);
      Awaits.await(done, TIMEOUT, "loops");
    } finally {
      thread.shutdownNow();
    }

    // then: neither loop starved the other
    assertThat(steps[0].get() + steps[1].get()).isEqualTo(1000);
    assertThat(steps[0].get()).isGreaterThan(400);
    assertThat(steps[1].get()).isGreaterThan(400);
  }

  @Test
  void theFirstFailureStopsEveryLoopAndFailsTheRun() {
    // given
    AtomicInteger steps = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("disk on fire");

    // when
    Future<Void> done = ClosedLoops.run(4, loop -> {
      int step = steps.incrementAndGet();
      return step == 50 ? Future.failedFuture(boom) : Future.succeededFuture();
    });

    // then
    assertThat(done.failed()).isTrue();
    assertThat(done.cause()).isSameAs(boom);
    assertThat(steps.get()).isLessThan(60);
  }

  @Test
  void anExceptionFromAStepFailsTheRun() {
    // when
    Future<Void> done = ClosedLoops.run(1, loop -> {
      throw new IllegalArgumentException("bad request");
    });

    // then
    assertThat(done.failed()).isTrue();
    assertThat(done.cause()).hasMessage("bad request");
  }
}
