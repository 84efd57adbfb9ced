package io.cairn.aggregates.internal;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandResult;
import io.cairn.eventstore.Partitioner;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link CommandGateway} of one gateway per partition of the event topic, each running on its partition's
 * context (ADR 0011): a command goes to the gateway of its aggregate's partition, found with the store's own
 * key hash, so all commands of an aggregate meet in one gateway, in send order. Holds no mutable state.
 *
 * @param <C> the command family
 * @param <E> the event family
 */
public final class PartitionedCommandGateway<C, E> implements CommandGateway<C, E> {

  private final AggregateType<C, E, ?> type;
  private final List<CommandGateway<C, E>> partitions;

  /** {@code partitions.get(p)} takes the commands of the aggregates of partition {@code p}. */
  public PartitionedCommandGateway(AggregateType<C, E, ?> type, List<CommandGateway<C, E>> partitions) {
    this.type = type;
    this.partitions = List.copyOf(partitions);
  }

  @Override
  public Future<CommandResult<E>> send(C command) {
    String aggregateId;
    try {
      aggregateId = DefaultCommandGateway.ensureId("aggregateId", type.aggregateIdOf(command));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return partitions.get(Partitioner.partitionFor(aggregateId, partitions.size())).send(command);
  }

  /** Closes every partition's gateway; completes when all are closed. */
  @Override
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>(partitions.size());
    partitions.forEach(gateway -> closing.add(gateway.close()));
    return Future.all(closing).mapEmpty();
  }
}
