package io.cairn.eventstore.internal.partition;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Long-polling fetches of one partition waiting for records: each waits until the high watermark passes
 * its offset or its wait is over. The owner calls {@link #release} whenever the high watermark advances,
 * which completes the waiters it passed (lowest offsets first, no scan of the others); each waiter holds
 * one Vert.x timer for its deadline, cancelled when it is released. No timer polls.
 *
 * <p>Owner thread only: create, {@link #await}, {@link #release} and {@link #failAll} on the partition's
 * context, so the deadline timers fire there too.
 */
final class FetchWaiters {

  private static final class Waiter {
    final long offset;
    final Promise<Boolean> promise = Promise.promise();
    long timerId;

    Waiter(long offset) {
      this.offset = offset;
    }
  }

  private final Vertx vertx;
  private final PriorityQueue<Waiter> byOffset = new PriorityQueue<>(Comparator.comparingLong(w -> w.offset));

  FetchWaiters(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Completes with true once the high watermark is above {@code offset}, with false after
   * {@code maxWaitMs} (at least 1) if it is not; fails when {@link #failAll} is called first. Owner thread.
   */
  Future<Boolean> await(long offset, long maxWaitMs) {
    Waiter waiter = new Waiter(offset);
    waiter.timerId = vertx.setTimer(maxWaitMs, id -> {
      if (byOffset.remove(waiter)) {
        waiter.promise.complete(false);
      }
    });
    byOffset.add(waiter);
    return waiter.promise.future();
  }

  /** Completes every waiter whose offset is below {@code highWatermark}. Owner thread. */
  void release(long highWatermark) {
    while (!byOffset.isEmpty() && byOffset.peek().offset < highWatermark) {
      Waiter waiter = byOffset.poll();
      vertx.cancelTimer(waiter.timerId);
      waiter.promise.complete(true);
    }
  }

  /** Fails every waiter with {@code cause} (the store closes). Owner thread. */
  void failAll(Throwable cause) {
    List<Waiter> waiters = new ArrayList<>(byOffset);
    byOffset.clear();
    for (Waiter waiter : waiters) {
      vertx.cancelTimer(waiter.timerId);
      waiter.promise.fail(cause);
    }
  }

  /** Fetches waiting now. */
  int size() {
    return byOffset.size();
  }
}
