package io.cairn.client;

import io.cairn.eventstore.StoredEvent;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A Kafka-style consumer of manually assigned partitions (from {@link CairnClient#consumer()}). Each
 * {@link #poll} sends one long-poll Fetch covering every assigned partition on the consumer's own
 * connection, returns at most {@code max.poll.records} events and keeps the rest for the next poll. The
 * consumer keeps a position per partition: the offset of the next event {@code poll} returns. A partition
 * without a position starts where {@code auto.offset.reset} says.
 *
 * <p>Not for concurrent use (like Kafka's consumer): call it from one thread or context at a time, and
 * start a poll only after the previous one completed.
 */
public interface CairnConsumer {

  /** Replaces the assignment; positions of partitions that stay assigned are kept, others are forgotten. */
  CairnConsumer assign(Collection<TopicPartition> partitions);

  /** The partitions assigned. */
  Set<TopicPartition> assignment();

  /** The next poll returns {@code partition}'s events from {@code offset} (clamped to what is stored). */
  CairnConsumer seek(TopicPartition partition, long offset);

  /** The next poll returns these partitions' events from their first stored offset. */
  CairnConsumer seekToBeginning(Collection<TopicPartition> partitions);

  /** The next poll returns only events these partitions store from now on (from their high watermark). */
  CairnConsumer seekToEnd(Collection<TopicPartition> partitions);

  /**
   * The offset of the next event {@link #poll} returns for an assigned {@code partition}, asking the node
   * when it depends on a seek to beginning or end or on {@code auto.offset.reset}.
   */
  Future<Long> position(TopicPartition partition);

  /**
   * Events of the assigned partitions after their positions, in offset order per partition, at most
   * {@code max.poll.records}; waits up to {@code maxWaitMs} for any to arrive (an empty list after that is
   * not an error). Advances the positions past what it returns. Fails with
   * {@link io.cairn.eventstore.UnknownTopicException} for a partition that does not exist, and with
   * {@link IllegalStateException} while another poll is running or after close.
   */
  Future<List<StoredEvent>> poll(long maxWaitMs);

  /** Stops the consumer and closes its connection; a running poll completes empty. Idempotent. */
  Future<Void> close();
}
