package io.cairn.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  @Test
  void reservationsThatDoNotFitAreRefusedWholly() {
    // given
    MemoryBudget budget = new MemoryBudget(1000, 100);

    // when
    boolean first = budget.tryReserve(600);
    boolean second = budget.tryReserve(500);
    boolean third = budget.tryReserve(400);

    // then
    assertThat(List.of(first, second, third)).containsExactly(true, false, true);
    assertThat(budget.usedBytes()).isEqualTo(1000);
    assertThat(budget.tryReserve(1)).isFalse();
  }

  @Test
  void whenAvailableCompletesOnlyOnceTheThresholdIsFree() {
    // given
    MemoryBudget budget = new MemoryBudget(1000, 300);
    budget.tryReserve(1000);

    // when
    Future<Void> waiting = budget.whenAvailable();
    budget.release(200);
    boolean afterTwoHundred = waiting.isComplete();
    budget.release(100);

    // then
    assertThat(afterTwoHundred).isFalse();
    assertThat(waiting.isComplete()).isTrue();
    assertThat(budget.whenAvailable().isComplete()).as("enough free already").isTrue();
  }

  @Test
  void releasingMoreThanReservedIsABug() {
    MemoryBudget budget = new MemoryBudget(100, 10);
    budget.tryReserve(10);
    assertThatThrownBy(() -> budget.release(11)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void concurrentReserveAndReleaseNeverExceedTheCapacity() throws Exception {
    // given
    MemoryBudget budget = new MemoryBudget(10_000, 1);
    AtomicLong maxSeen = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> workers = new ArrayList<>();

    // when
    for (int w = 0; w < 4; w++) {
      int size = 100 + w * 37;
      workers.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < 20_000; i++) {
          if (budget.tryReserve(size)) {
            maxSeen.accumulateAndGet(budget.usedBytes(), Math::max);
            budget.release(size);
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (java.util.concurrent.Future<?> worker : workers) {
      worker.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    // then
    assertThat(maxSeen.get()).isLessThanOrEqualTo(10_000);
    assertThat(budget.usedBytes()).isZero();
  }
}
