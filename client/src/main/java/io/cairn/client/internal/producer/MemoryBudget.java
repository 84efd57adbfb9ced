package io.cairn.client.internal.producer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer's {@code buffer.memory}: bytes held by batch buffers (and by records waiting for metadata) from
 * {@code send} until their batch has an outcome. A reservation either fits at once or is refused (the caller fails the send with
 * {@link io.cairn.client.BufferExhaustedException}); nothing waits in here. {@link #whenAvailable()} tells
 * a refused caller when at least {@code availableThresholdBytes} are free again.
 *
 * <p>Thread-safe: reservations are a compare-and-set on one counter; waiters are guarded by this object's
 * lock and completed outside it.
 */
public final class MemoryBudget {

  private final long capacityBytes;
  private final long availableThresholdBytes;
  private final AtomicLong usedBytes = new AtomicLong();
  private final List<Promise<Void>> waiters = new ArrayList<>();

  /**
   * A budget of {@code capacityBytes}; {@link #whenAvailable()} completes when at least
   * {@code availableThresholdBytes} (capped at the capacity) are free.
   */
  public MemoryBudget(long capacityBytes, long availableThresholdBytes) {
    if (capacityBytes <= 0) {
      throw new IllegalArgumentException("capacityBytes must be positive, got " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
    this.availableThresholdBytes = Math.min(Math.max(availableThresholdBytes, 1), capacityBytes);
  }

  /** Reserves {@code bytes} if they fit; returns false, reserving nothing, if they do not. */
  public boolean tryReserve(long bytes) {
    while (true) {
      long used = usedBytes.get();
      long next = used + bytes;
      if (next > capacityBytes) {
        return false;
      }
      if (usedBytes.compareAndSet(used, next)) {
        return true;
      }
    }
  }

  /**
   * Reserves {@code bytes} whether they fit or not: for records accepted earlier that must not be refused now
   * (they waited for metadata). Sends are refused until the use is below the capacity again.
   */
  public void forceReserve(long bytes) {
    usedBytes.addAndGet(bytes);
  }

  /** Gives back {@code bytes} reserved earlier, completing waiters if enough is free now. */
  public void release(long bytes) {
    long used = usedBytes.addAndGet(-bytes);
    if (used < 0) {
      throw new IllegalStateException("released more than reserved: " + used + " bytes in use");
    }
    if (capacityBytes - used >= availableThresholdBytes) {
      completeWaiters();
    }
  }

  /** Completes when at least the threshold of bytes is free: at once if it is now. */
  public Future<Void> whenAvailable() {
    Promise<Void> promise = Promise.promise();
    synchronized (this) {
      if (capacityBytes - usedBytes.get() < availableThresholdBytes) {
        waiters.add(promise);
        return promise.future();
      }
    }
    promise.complete();
    return promise.future();
  }

  /** Bytes reserved now. */
  public long usedBytes() {
    return usedBytes.get();
  }

  public long capacityBytes() {
    return capacityBytes;
  }

  private void completeWaiters() {
    List<Promise<Void>> ready;
    synchronized (this) {
      if (waiters.isEmpty()) {
        return;
      }
      ready = new ArrayList<>(waiters);
      waiters.clear();
    }
    ready.forEach(Promise::tryComplete);
  }
}
