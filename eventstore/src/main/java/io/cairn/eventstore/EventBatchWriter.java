package io.cairn.eventstore;

import java.nio.ByteBuffer;

/**
 * One produce batch written record by record into a caller's buffer, as a Kafka producer fills its batches in
 * {@code send()}: the bytes are exactly those {@link EventBatches#encode} makes for the same events (in
 * order), timestamps, compression and producer fields. Made by {@link EventBatches#writer}.
 *
 * <p>Life: {@link #tryAppend} records, each checked first as {@code encode} checks them, so that a refused
 * record leaves the batch as it was; then {@link #build} once the producer fields are known. Calling
 * {@code build} again with new producer fields (after an epoch bump) only re-stamps the header and its CRC:
 * the records are not encoded or compressed again. Nothing can be appended after {@code build}.
 *
 * <p>The buffer: the writer writes the uncompressed batch into the buffer's backing array from index 0 up to
 * its capacity (position and limit are ignored) and never into another array, so callers can pool buffers.
 * The caller MUST NOT touch the buffer while the writer or the uncompressed batch it built is in use.
 *
 * <p>Not thread-safe: one thread at a time, handed over with a happens-before edge (a lock).
 */
public interface EventBatchWriter {

  /**
   * Appends one record keyed by {@code aggregateId}: {@code cairn.e} (version 0, event id, type), the user's headers,
   * the payload (null = tombstone), timestamped {@code timestampMs}. Returns false, writing nothing, when the
   * record does not fit the buffer's capacity or the batch has the most records a batch may hold (start a new
   * batch; {@link EventBatches#capacityFor} tells the capacity an empty writer needs for it). The size check
   * is an upper bound, so up to a few dozen bytes per header of the capacity may stay unused.
   *
   * @throws InvalidInputException if the event is refused, naming the field as {@code encode} does with the
   *     record's index in this batch ({@code events[3].type}, {@code events[3].aggregateId},
   *     {@code events[3].headers}); the batch is unchanged
   * @throws IllegalStateException after {@link #build}
   */
  boolean tryAppend(String aggregateId, EventData event, long timestampMs);

  /** Records appended. */
  int recordCount();

  /** Bytes of the batch uncompressed, header included (the header's 61 bytes while it is empty). */
  int sizeInBytes();

  /** Capacity of the caller's buffer: the most {@link #sizeInBytes} may reach. */
  int capacityInBytes();

  /**
   * The finished batch: base offset 0, {@code compression} and the producer fields of {@code producer}. The
   * first call builds it in the caller's buffer (a compressed batch replaces the uncompressed records there,
   * or goes to a new heap buffer if it is larger than the caller's); later calls only write the new producer
   * fields and the CRC. Returns a new view, position 0, limit the batch's size, that stays valid until the
   * caller reuses the buffer.
   *
   * @throws IllegalStateException if no record was appended, or a later call asks for another compression
   */
  ByteBuffer build(CompressionType compression, ProducerInfo producer);
}
