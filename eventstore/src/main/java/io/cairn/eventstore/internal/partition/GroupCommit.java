package io.cairn.eventstore.internal.partition;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Group commit for one partition: appends and produces written to the page cache wait here; one fsync at a time
 * runs off the event loop and, when it finishes, acknowledges every append it covers, then starts the
 * next fsync if more appends arrived meanwhile. So one fsync covers everything that arrived before it
 * started, and the fsync rate adapts to the load.
 *
 * <p>An fsync failure fails every waiting append and every later one: the data may or may not be on
 * disk, so it is never retried as if nothing happened.
 *
 * <p>Owner-thread only.
 */
final class GroupCommit {

  private final ArrayDeque<PendingAck<?>> pending = new ArrayDeque<>();
  private final Supplier<Future<Long>> flush;
  private final Consumer<Long> onDurable;
  private final Runnable onIdle;
  private boolean flushing;
  private Throwable failure;

  /**
   * @param flush     starts an fsync off the event loop; its future (completing on the owner context)
   *                  gives the offset it made durable: every record below it is on disk
   * @param onDurable told the new durable offset after each successful fsync
   * @param onIdle    told when the last fsync finished and nothing is waiting any more
   */
  GroupCommit(Supplier<Future<Long>> flush, Consumer<Long> onDurable, Runnable onIdle) {
    this.flush = flush;
    this.onDurable = onDurable;
    this.onIdle = onIdle;
  }

  /** Queues an acknowledgement until the log is durable past {@code lastOffset}. */
  <T> void await(long lastOffset, T result, Promise<T> promise) {
    if (failure != null) {
      promise.fail(failure);
      return;
    }
    pending.addLast(new PendingAck<>(lastOffset, result, promise));
    maybeFlush();
  }

  /** Whether appends are waiting or an fsync is running. */
  boolean busy() {
    return flushing || !pending.isEmpty();
  }

  private void maybeFlush() {
    if (flushing || pending.isEmpty() || failure != null) {
      return;
    }
    flushing = true;
    flush.get().onComplete(ar -> {
      flushing = false;
      if (ar.failed()) {
        failAll(ar.cause());
      } else {
        acknowledgeBelow(ar.result());
        maybeFlush();
      }
      if (!busy()) {
        onIdle.run();
      }
    });
  }

  /**
   * Acknowledges every waiting append below {@code durableOffset}: a flush run reports progress while it
   * goes on. Owner thread.
   */
  void acknowledge(long durableOffset) {
    if (failure == null) {
      acknowledgeBelow(durableOffset);
    }
  }

  private void acknowledgeBelow(long durableOffset) {
    onDurable.accept(durableOffset);
    while (!pending.isEmpty() && pending.peekFirst().lastOffset() < durableOffset) {
      pending.pollFirst().complete();
    }
  }

  /** Fails every waiting append and all later ones with {@code cause}. */
  void failAll(Throwable cause) {
    failure = cause;
    while (!pending.isEmpty()) {
      pending.pollFirst().fail(cause);
    }
  }
}
