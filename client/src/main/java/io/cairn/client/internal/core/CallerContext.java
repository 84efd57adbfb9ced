package io.cairn.client.internal.core;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/** Hops between a caller's context and the client's. Stateless. */
public final class CallerContext {

  private CallerContext() {
  }

  /**
   * A promise whose listeners run on the calling thread's Vert.x context, or, when called from a plain
   * thread, on whatever thread completes it (the client's event loop).
   */
  public static <T> Promise<T> promise() {
    Context context = Vertx.currentContext();
    return context == null ? Promise.promise() : ((ContextInternal) context).promise();
  }

  /** Runs {@code task} on {@code owner}: inline when already on its thread, else queued to it. */
  public static void runOn(Context owner, Runnable task) {
    if (((ContextInternal) owner).isRunningOnContext()) {
      task.run();
    } else {
      owner.runOnContext(ignored -> task.run());
    }
  }
}
