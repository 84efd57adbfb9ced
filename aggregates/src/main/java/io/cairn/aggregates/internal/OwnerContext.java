package io.cairn.aggregates.internal;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

/**
 * The one Vert.x context that owns a gateway's mutable state (cache, queues). Store futures complete on
 * the store's threads; {@link #onOwner} and {@link #onComplete} bring their outcome back here, so the state
 * needs no lock. A store that already completes on the caller's context (the local store) costs no hop.
 */
final class OwnerContext {

  private final Context context;

  OwnerContext(Context context) {
    this.context = context;
  }

  /** Runs {@code action} on the owner context (at once if already there). */
  void run(Runnable action) {
    if (isOnOwner()) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }

  /**
   * Whether this thread runs the owner context's tasks. The current context alone does not tell: blocking
   * code started from the owner runs on a worker thread with the owner as its current context.
   */
  private boolean isOnOwner() {
    return ((ContextInternal) context).isRunningOnContext();
  }

  /** Runs {@code action} on the owner context in a task of its own, after the tasks queued there now. */
  void later(Runnable action) {
    context.runOnContext(ignored -> action.run());
  }

  /** A future with the outcome of {@code future}, whose listeners run on the owner context. */
  <T> Future<T> onOwner(Future<T> future) {
    // A promise without a context runs its listeners on the thread that completes it: the owner's.
    Promise<T> promise = Promise.promise();
    onComplete(future, promise::handle);
    return promise.future();
  }

  /** Hands {@code future}'s outcome to {@code handler} on the owner context, without an intermediate future. */
  <T> void onComplete(Future<T> future, Handler<AsyncResult<T>> handler) {
    future.onComplete(outcome -> {
      if (isOnOwner()) {
        handler.handle(outcome);
      } else {
        context.runOnContext(ignored -> handler.handle(outcome));
      }
    });
  }
}
