package io.cairn.aggregates;

import io.cairn.aggregates.internal.DefaultCommandGateway;
import io.cairn.aggregates.internal.PartitionedCommandGateway;
import io.cairn.aggregates.internal.Topics;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.PartitionPlacement;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** Entry point that creates {@link CommandGateway}s. */
public final class CommandGateways {

  private CommandGateways() {
  }

  /**
   * A gateway for {@code type} over {@code store}. Creates the event topic (with the type's topic configuration)
   * and, when snapshots are enabled, the compacted snapshot topic (with as many partitions) if they do not
   * exist yet.
   *
   * <p>Where it runs: over a store that runs its partitions on contexts of this process
   * ({@link PartitionPlacement}, the local store), the commands of each partition's aggregates run on that
   * partition's context, so a command reaches its partition without a hop (ADR 0011), and
   * {@code aggregate.cache.entries} is shared out evenly between the partitions. Over any other store (the
   * network client) the gateway runs on the calling thread's Vert.x context (a new one of {@code vertx} when
   * called from outside Vert.x). Either way deciders run on an event loop and MUST NOT block.
   */
  public static <C, E, S> Future<CommandGateway<C, E>> create(Vertx vertx, EventStore store, AggregateType<C, E, S> type,
                                                              GatewayOptions options) {
    GatewayOptions copy = new GatewayOptions(options);
    Context caller = vertx.getOrCreateContext();
    return Topics.ensure(store, type).map(events -> {
      if (!(store instanceof PartitionPlacement placement)) {
        return new DefaultCommandGateway<>(vertx, caller, store, type, copy);
      }
      int partitions = events.partitions().size();
      GatewayOptions perPartition = new GatewayOptions(copy)
          .setCacheEntries((copy.cacheEntries() + partitions - 1) / partitions);
      List<CommandGateway<C, E>> shards = new ArrayList<>(partitions);
      for (int p = 0; p < partitions; p++) {
        shards.add(new DefaultCommandGateway<>(vertx, placement.partitionContext(type.topic(), p), store, type,
            perPartition));
      }
      return partitions == 1 ? shards.get(0) : new PartitionedCommandGateway<>(type, shards);
    });
  }
}
