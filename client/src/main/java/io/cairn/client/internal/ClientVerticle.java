package io.cairn.client.internal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Gives a client an event-loop context of its own: the client's channels, timers and producer senders run
 * on it, apart from its callers' event loops. Undeployed when the client closes; if Vert.x closes first,
 * {@link #stop()} closes the client.
 */
final class ClientVerticle extends VerticleBase {

  private Runnable onStop = () -> { };

  /** The context the verticle was deployed on. */
  Context context() {
    return context;
  }

  /** What to do when Vert.x undeploys the verticle. */
  void onStop(Runnable action) {
    this.onStop = action;
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    onStop.run();
    return Future.succeededFuture();
  }
}
