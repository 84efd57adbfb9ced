package io.cairn.client;

import io.cairn.eventstore.EventData;
import io.vertx.core.Future;

/**
 * A Kafka-style batching producer (from {@link CairnClient#producer()}). Records are routed to the partition
 * of their aggregate id ({@link io.cairn.eventstore.Partitioner}, with the topic's partition count from the
 * node's metadata), collected per partition for up to {@code linger.ms} or {@code batch.size} bytes, encoded
 * into compressed record batches, and sent in Produce requests that cover many partitions at once. Records of
 * one partition are stored in the order {@code send} was called.
 *
 * <p>Idempotence (on by default): the producer takes an id from the node, numbers each partition's records
 * from 0, keeps at most {@code max.in.flight.requests.per.connection} (≤ 5) requests unanswered, and after a
 * lost connection or a retryable error sends unacknowledged batches again in order; the node answers a batch
 * it already stored as a duplicate with the original offsets, which counts as success. So a record is stored
 * exactly once whatever happens to connections, within {@code delivery.timeout.ms}.
 *
 * <p>Memory is bounded by {@code buffer.memory}: when records not yet acknowledged hold it all, {@code send}
 * fails at once with {@link BufferExhaustedException} and {@link #bufferAvailable()} tells when to try
 * again. Nothing is ever queued without bound.
 *
 * <p>Thread-safe: {@code send} may be called from many threads; it does not block.
 */
public interface CairnProducer {

  /**
   * Queues one event of {@code aggregateId} for {@code topic}. The future completes with where the record was
   * stored once the node acknowledged its batch ({@code acks}), or fails: at once with
   * {@link BufferExhaustedException} (retryable) when the buffer is full, with
   * {@link io.cairn.eventstore.InvalidInputException} for a bad event (its batch's other records are not
   * affected), {@link io.cairn.eventstore.UnknownTopicException}, or the last retryable error when
   * {@code delivery.timeout.ms} passed.
   */
  Future<ProduceAck> send(String topic, String aggregateId, EventData event);

  /**
   * Completes when at least {@code batch.size} bytes of {@code buffer.memory} are free (at once if they are
   * already), so a caller rejected with {@link BufferExhaustedException} knows when to send again.
   */
  Future<Void> bufferAvailable();

  /** Bytes of {@code buffer.memory} held by batch buffers (and records waiting for metadata) not yet acknowledged. */
  long bufferedBytes();

  /**
   * Sends every record queued before the call without waiting for {@code linger.ms}, and completes when
   * each of them has its outcome (stored or failed).
   */
  Future<Void> flush();

  /**
   * Flushes, then releases the producer; sends after close fail with
   * {@link io.cairn.eventstore.StoreClosedException}. Idempotent.
   */
  Future<Void> close();
}
