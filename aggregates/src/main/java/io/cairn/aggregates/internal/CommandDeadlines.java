package io.cairn.aggregates.internal;

import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Expires the entries (commands) that are not done by their deadline, {@code timeoutMs} after they were
 * added. Every entry gets the same timeout and entries are added on one thread, so the queue is in deadline
 * order: at most one Vert.x timer is set at a time, for the oldest open entry's deadline, instead of a timer
 * set and cancelled per command. When it fires, done entries are dropped, expired ones are
 * {@linkplain Entry#expire() expired} (in order), and the timer is set again for the new oldest open entry.
 * Done entries are also dropped from the head by {@link #dropDone()}, so the queue holds roughly the
 * entries in flight. An entry is expired no earlier than its deadline and, timers permitting, within a
 * millisecond after it.
 *
 * <p>Not thread-safe: {@link #add}, {@link #dropDone} and {@link #cancel} MUST run on the owner context,
 * which is where the timer's handler then runs too.
 */
final class CommandDeadlines {

  /** Something with a deadline: set by {@link #add}. */
  abstract static class Entry {
    private long deadlineNanos;

    /** Whether the entry completed (and needs no expiry). */
    abstract boolean isDone();

    /** Called once, on the owner context, when the deadline passed before {@link #isDone()}. */
    abstract void expire();
  }

  private static final long NO_TIMER = -1;

  private final Vertx vertx;
  private final long timeoutNanos;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long timerId = NO_TIMER;
  // set while expiring: an entry added by an expiry's listener must not set a timer for its later deadline
  private boolean sweeping;

  CommandDeadlines(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /** Starts {@code entry}'s timeout now. */
  void add(Entry entry) {
    entry.deadlineNanos = System.nanoTime() + timeoutNanos;
    entries.addLast(entry);
    if (timerId == NO_TIMER && !sweeping) {
      maybeSetTimer(System.nanoTime());
    }
  }

  /** Drops the done entries at the head of the queue (call after an entry completes). */
  void dropDone() {
    Entry head;
    while ((head = entries.peekFirst()) != null && head.isDone()) {
      entries.pollFirst();
    }
  }

  /** Entries still queued (done or not). */
  int size() {
    return entries.size();
  }

  /** Cancels the timer and forgets every entry without expiring it. */
  void cancel() {
    if (timerId != NO_TIMER) {
      vertx.cancelTimer(timerId);
      timerId = NO_TIMER;
    }
    entries.clear();
  }

  private void sweep() {
    timerId = NO_TIMER;
    sweeping = true;
    try {
      long now = System.nanoTime();
      Entry head;
      while ((head = entries.peekFirst()) != null && (head.isDone() || now - head.deadlineNanos >= 0)) {
        entries.pollFirst();
        if (!head.isDone()) {
          head.expire();
        }
      }
    } finally {
      sweeping = false;
    }
    maybeSetTimer(System.nanoTime());
  }

  private void maybeSetTimer(long nowNanos) {
    dropDone();
    Entry head = entries.peekFirst();
    if (head == null) {
      return;
    }
    long delayNanos = Math.max(0, head.deadlineNanos - nowNanos);
    // rounded up, so the timer never fires before the deadline
    long delayMs = Math.max(1, (delayNanos + TimeUnit.MILLISECONDS.toNanos(1) - 1) / TimeUnit.MILLISECONDS.toNanos(1));
    timerId = vertx.setTimer(delayMs, ignored -> sweep());
  }
}
