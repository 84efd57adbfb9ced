package io.cairn.eventstore.internal;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/** Hops between the caller's context and a partition's owner context. Stateless. */
public final class Contexts {

  private Contexts() {
  }

  /**
   * A promise whose listeners run on the calling thread's Vert.x context, or, when called from a
   * plain thread, on whatever thread completes it.
   */
  public static <T> Promise<T> callerPromise() {
    Context context = Vertx.currentContext();
    return context == null ? Promise.promise() : ((ContextInternal) context).promise();
  }

  /**
   * Runs {@code task} on {@code owner}: inline if already on its thread, else queued to it. The current
   * context alone does not tell: a blocking task started from {@code owner} runs on a worker thread with
   * {@code owner} as its current context.
   */
  public static void runOn(Context owner, Runnable task) {
    if (((ContextInternal) owner).isRunningOnContext()) {
      task.run();
    } else {
      owner.runOnContext(v -> task.run());
    }
  }
}
