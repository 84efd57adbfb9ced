package io.cairn.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.EventData;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class TopicRouteTest {

  private static final long RECORD_BYTES = 100;

  @Test
  void aRecordSentWhileTheCountIsResolvedWaitsForItInsteadOfCompetingForTheBuffer() throws Exception {
    // given: one record waits; while the count is resolved, its batch takes the rest of the budget
    TopicRoute route = new TopicRoute("t");
    MemoryBudget budget = new MemoryBudget(1000, 100);
    assertThat(route.waitIfUnknown(record(), budget)).isEqualTo(TopicRoute.Wait.QUEUED);
    CompletableFuture<TopicRoute.Wait> sentDuringResolve = new CompletableFuture<>();
    Thread sender = new Thread(() -> sentDuringResolve.complete(route.waitIfUnknown(record(), budget)));

    // when another record is sent while the waiting ones are routed
    route.resolve(1, (partitions, waiting) -> {
      budget.forceReserve(1000 - RECORD_BYTES);
      sender.start();
      awaitBlocked(sender);
    });

    // then it was not refused for want of room: it found the partitions known, and reserved nothing
    assertThat(sentDuringResolve.get(10, TimeUnit.SECONDS)).isEqualTo(TopicRoute.Wait.KNOWN);
    assertThat(budget.usedBytes()).isEqualTo(1000);
    assertThat(route.partitions()).hasSize(1);
  }

  @Test
  void aRecordSentBeforeTheCountIsKnownIsRefusedWhenTheBudgetIsFull() {
    // given
    TopicRoute route = new TopicRoute("t");
    MemoryBudget budget = new MemoryBudget(150, 100);

    // when
    TopicRoute.Wait first = route.waitIfUnknown(record(), budget);
    TopicRoute.Wait second = route.waitIfUnknown(record(), budget);

    // then
    assertThat(List.of(first, second)).containsExactly(TopicRoute.Wait.QUEUED, TopicRoute.Wait.NO_ROOM);
    assertThat(budget.usedBytes()).isEqualTo(RECORD_BYTES);
    assertThat(route.waitingPromises()).hasSize(1);
  }

  private static TopicRoute.WaitingRecord record() {
    return new TopicRoute.WaitingRecord("a", EventData.of("E", new byte[1]), Promise.promise(),
        System.currentTimeMillis(), RECORD_BYTES);
  }

  /** Waits until {@code thread} is blocked on a monitor (the route's lock), failing after 10 s. */
  private static void awaitBlocked(Thread thread) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (thread.getState() != Thread.State.BLOCKED) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the sender never waited for the route's lock: " + thread.getState());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
