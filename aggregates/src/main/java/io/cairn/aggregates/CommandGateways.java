package io.cairn.aggregates;

import io.cairn.aggregates.internal.DefaultCommandGateway;
import io.cairn.aggregates.internal.Topics;
import io.cairn.eventstore.EventStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Entry point that creates {@link CommandGateway}s. */
public final class CommandGateways {

  private CommandGateways() {
  }

  /**
   * A gateway for {@code type} over {@code store}, running on the calling thread's Vert.x context (a new one
   * of {@code vertx} when called from outside Vert.x). Creates the event topic (with the type's topic
   * configuration) and, when snapshots are enabled, the compacted snapshot topic (with as many partitions)
   * if they do not exist yet.
   */
  public static <C, E, S> Future<CommandGateway<C, E>> create(Vertx vertx, EventStore store, AggregateType<C, E, S> type,
                                                              GatewayOptions options) {
    GatewayOptions copy = new GatewayOptions(options);
    Context context = vertx.getOrCreateContext();
    return Topics.ensure(store, type).map(ready -> new DefaultCommandGateway<>(vertx, context, store, type, copy));
  }
}
