package io.cairn.aggregates.internal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The one Vert.x context that owns a gateway's mutable state (cache, queues). Store futures complete on
 * the store's threads; {@link #onOwner} brings their outcome back here, so the state needs no lock.
 */
final class OwnerContext {

  private final Context context;

  OwnerContext(Context context) {
    this.context = context;
  }

  /** Runs {@code action} on the owner context (at once if already there). */
  void run(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }

  /** A future with the outcome of {@code future}, whose listeners run on the owner context. */
  <T> Future<T> onOwner(Future<T> future) {
    // A promise without a context runs its listeners on the thread that completes it: the owner's.
    Promise<T> promise = Promise.promise();
    future.onComplete(outcome -> run(() -> promise.handle(outcome)));
    return promise.future();
  }
}
