package io.cairn.eventstore.internal;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import io.cairn.eventstore.internal.record.StoredEvents;
import io.cairn.eventstore.internal.record.Utf8;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code EventBatches} does: builds produce batches (one v2 batch, records keyed by aggregate id
 * with {@code cairn.e} holding version 0) and decodes fetched batches into
 * {@link StoredEvent}s.
 *
 * <p>Thread-safe. Each thread keeps one {@link RecordBatchBuilder} (its arrays and compression contexts)
 * for encoding, so a producer encoding a batch every few milliseconds allocates only the returned buffer;
 * the builder's arrays stay as large as the largest batch that thread encoded.
 */
public final class EventBatchCodec {

  private static final ThreadLocal<RecordBatchBuilder> BUILDERS = ThreadLocal.withInitial(RecordBatchBuilder::new);

  private EventBatchCodec() {
  }

  /** See {@code EventBatches.encode}. */
  public static ByteBuffer encode(List<KeyedEvent> events, CompressionType compression, ProducerInfo producer,
                                  long timestampMs) {
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(producer, "producer");
    AppendValidator.ensureEventCount("events", events.size());
    RecordBatchBuilder builder = BUILDERS.get();
    builder.reset(0, BatchHeader.NO_PARTITION_LEADER_EPOCH, compression, producer.producerId(),
        producer.producerEpoch(), producer.baseSequence(), timestampMs);
    for (int i = 0; i < events.size(); i++) {
      KeyedEvent keyed = events.get(i);
      EventData event = keyed.event();
      ensureProducible(i, keyed.aggregateId(), event);
      EventHeaders.addProducedEvent(builder, timestampMs, keyed.aggregateId(), event.eventId(), event.type(),
          event.payload(), event.headers());
    }
    ByteBuffer built = builder.build();
    ByteBuffer batch = ByteBuffer.allocate(built.remaining());
    batch.put(built).flip();
    return batch;
  }

  /**
   * Checks event {@code index} of a produce batch as {@link #encode} does, naming the fields
   * {@code events[<index>].aggregateId}, {@code .type} and {@code .headers}; returns the aggregate id's
   * UTF-8 length. Field names are built only for a bad event: this runs for every record a producer sends.
   */
  static int ensureProducible(int index, String aggregateId, EventData event) {
    int idBytes = Utf8.encodedLength(aggregateId);
    if (!AppendValidator.isAggregateIdLength(idBytes)) {
      AppendValidator.ensureAggregateIdLength("events[" + index + "].aggregateId", idBytes, () -> aggregateId);
    }
    if (!AppendValidator.hasValidShape(event)) {
      AppendValidator.ensureEventShape("events[" + index + "]", event);
    }
    return idBytes;
  }

  /** This thread's long-lived builder (its arrays and compression contexts), for encoding and compressing. */
  static RecordBatchBuilder threadBuilder() {
    return BUILDERS.get();
  }

  /** See {@code EventBatches.decode}. */
  public static List<StoredEvent> decode(String topic, int partition, ByteBuffer batches, long fromOffset) {
    List<StoredEvent> events = new ArrayList<>();
    int at = batches.position();
    int end = batches.limit();
    try (RecordBatchReader reader = new RecordBatchReader()) {
      while (at < end) {
        reader.reset(batches, at, true, null, at);
        while (reader.next()) {
          if (reader.offset() >= fromOffset) {
            events.add(StoredEvents.from(topic, partition, reader));
          }
        }
        at += reader.sizeInBytes();
      }
    }
    return events;
  }

  /** See {@code EventBatches.nextOffset}. */
  public static long nextOffset(ByteBuffer batches, long fromOffset) {
    long next = fromOffset;
    int at = batches.position();
    int end = batches.limit();
    while (at < end) {
      if (end - at < BatchHeader.HEADER_SIZE) {
        throw new StorageException("batch at position " + at + ": only " + (end - at)
            + " bytes left, a batch header needs " + BatchHeader.HEADER_SIZE);
      }
      long size = BatchHeader.LOG_OVERHEAD + (long) BatchHeader.batchLength(batches, at);
      if (size < BatchHeader.HEADER_SIZE || at + size > end) {
        throw new StorageException("batch at position " + at + ": batchLength " + BatchHeader.batchLength(batches, at)
            + " does not fit the " + (end - at) + " bytes left");
      }
      next = Math.max(next, BatchHeader.lastOffset(batches, at) + 1);
      at += (int) size;
    }
    return next;
  }
}
