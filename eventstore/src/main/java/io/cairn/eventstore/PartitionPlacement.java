package io.cairn.eventstore;

import io.vertx.core.Context;

/**
 * Implemented by an {@link EventStore} whose partitions are each run by one Vert.x context of this process
 * (the local store). Work that runs on a partition's context calls that partition without a hop to another
 * thread, and its futures complete there too; code that issues many calls to one partition (the command
 * gateway) runs there for that reason. Such work shares the partition's event loop: it MUST NOT block.
 */
public interface PartitionPlacement {

  /**
   * The context that runs partition {@code partition} of {@code topic}, for as long as the store is open.
   *
   * @throws UnknownTopicException if the topic does not exist
   * @throws InvalidInputException if the partition is not one of the topic's
   * @throws StoreClosedException if the store is closed
   */
  Context partitionContext(String topic, int partition);
}
