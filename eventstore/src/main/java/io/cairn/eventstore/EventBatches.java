package io.cairn.eventstore;

import io.cairn.eventstore.internal.EventBatchCodec;
import io.cairn.eventstore.internal.ProducedBatchWriter;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes and decodes Cairn's record batches (Kafka's v2 format, docs/format.md) for code outside the
 * store: the network client builds {@link EventStore#produce} batches with it and decodes
 * {@link FetchResult}s. Stateless and thread-safe.
 */
public final class EventBatches {

  private EventBatches() {
  }

  /**
   * One record batch holding {@code events} in order, ready for {@link EventStore#produce}: base offset 0,
   * the given compression and producer fields, each record keyed by its aggregate id, timestamped
   * {@code timestampMs} and carrying the reserved {@code cairn.e} header (version 0, event id, type), then
   * the user's (the partition owner writes the version in). Events are checked as an append checks them;
   * fails with {@link InvalidInputException} naming the field ({@code events}, {@code events[3].type},
   * {@code events[0].aggregateId}, {@code events[1].headers}). A null payload (tombstone) is encoded; the
   * store accepts it only on a compacted topic. The result is a new heap buffer, position 0, owned by
   * the caller.
   */
  public static ByteBuffer encode(List<KeyedEvent> events, CompressionType compression, ProducerInfo producer,
                                  long timestampMs) {
    return EventBatchCodec.encode(events, compression, producer, timestampMs);
  }

  /**
   * A writer that builds one produce batch, record by record, into {@code buffer}'s backing array (see
   * {@link EventBatchWriter}). The buffer MUST be a heap buffer whose array starts at index 0 of the buffer
   * ({@link ByteBuffer#allocate}) and hold more than a batch header (61 bytes).
   */
  public static EventBatchWriter writer(ByteBuffer buffer) {
    return new ProducedBatchWriter(buffer);
  }

  /**
   * The buffer capacity in which a new {@link #writer} surely takes the record ({@code aggregateId},
   * {@code event}): batch header plus an upper bound of the record's size. Checks nothing; allocates nothing.
   */
  public static long capacityFor(String aggregateId, EventData event) {
    return ProducedBatchWriter.capacityFor(aggregateId, event);
  }

  /**
   * The events in {@code batches} (whole v2 batches from the buffer's position to its limit, as
   * {@link FetchResult#records()} holds them) at or after {@code fromOffset}, as {@link EventStore#read}
   * returns them. The buffer's position is not changed. Fails with {@link StorageException} naming the
   * position on a bad CRC or truncated batch.
   */
  public static List<StoredEvent> decode(String topic, int partition, ByteBuffer batches, long fromOffset) {
    return EventBatchCodec.decode(topic, partition, batches, fromOffset);
  }

  /**
   * One past the last offset in {@code batches}, or {@code fromOffset} if they are empty (never below
   * {@code fromOffset}). Reads batch headers only; fails with {@link StorageException} on a truncated batch.
   */
  public static long nextOffset(ByteBuffer batches, long fromOffset) {
    return EventBatchCodec.nextOffset(batches, fromOffset);
  }
}
