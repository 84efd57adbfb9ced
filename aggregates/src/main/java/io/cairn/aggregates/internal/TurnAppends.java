package io.cairn.aggregates.internal;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * The appends a gateway issues during one turn of its owner context, handed to the store together
 * ({@link EventStore#appendEach}), so that a store that can writes them with one write instead of one each
 * (ADR 0011). Commands that complete together (one group commit acknowledges many) tend to be followed by
 * new commands in the same turn, so under load batches form by themselves. A batch goes to the store when it
 * holds {@link #MAX_BATCH} appends, and the rest of the turn's in a task queued behind the turn: small
 * batches let the store start the fsync of the first ones while the gateway is still deciding the next ones.
 * Alone, a command waits for that one task. Each append keeps its own outcome, handed to its handler on the
 * owner context. Owner context only.
 */
final class TurnAppends {

  /**
   * Most appends handed to the store at once. Measured with 64 commands in flight on one durable partition
   * (docs/benchmarks.md): batches of 8 or 16 beat one batch per turn (64), which made every fsync wait for the
   * whole turn's decisions.
   */
  static final int MAX_BATCH = 8;

  private final OwnerContext owner;
  private final EventStore store;
  private List<AppendRequest> requests = new ArrayList<>();
  private List<Handler<AsyncResult<AppendResult>>> handlers = new ArrayList<>();
  /**
   * Set while a batch is handed over: a store that answers at once (a page-cache topic on this context) runs
   * the handlers, and so the next commands' appends, inside the hand-over; those wait for the queued task
   * instead of recursing into another hand-over.
   */
  private boolean flushing;

  TurnAppends(OwnerContext owner, EventStore store) {
    this.owner = owner;
    this.store = store;
  }

  /** Queues {@code request} for the end of this turn; {@code handler} gets its outcome on the owner context. */
  void append(AppendRequest request, Handler<AsyncResult<AppendResult>> handler) {
    if (requests.isEmpty()) {
      owner.later(this::flush);
    }
    requests.add(request);
    handlers.add(handler);
    if (requests.size() >= MAX_BATCH && !flushing) {
      flush();
    }
  }

  /** Hands the queued appends to the store; nothing to do if a full batch went already and none came since. */
  private void flush() {
    if (requests.isEmpty()) {
      return;
    }
    flushing = true;
    try {
      handOver();
    } finally {
      flushing = false;
    }
  }

  private void handOver() {
    List<AppendRequest> batch = requests;
    List<Handler<AsyncResult<AppendResult>>> batchHandlers = handlers;
    // fresh lists: a handler completing at once may queue the next turn's appends
    requests = new ArrayList<>(batch.size());
    handlers = new ArrayList<>(batch.size());
    List<Future<AppendResult>> outcomes;
    try {
      outcomes = store.appendEach(batch);
    } catch (RuntimeException e) {
      batchHandlers.forEach(handler -> handler.handle(Future.failedFuture(e)));
      return;
    }
    for (int i = 0; i < outcomes.size(); i++) {
      owner.onComplete(outcomes.get(i), batchHandlers.get(i));
    }
  }
}
