package io.cairn.eventstore.internal;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventBatchWriter;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.internal.record.Utf8;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The {@link EventBatchWriter}: a {@link RecordBatchBuilder} over the caller's array writes each record in
 * place, after the checks and the record writing {@link EventBatchCodec#encode} uses, so the bytes are the
 * same. The batch is started uncompressed at the first record, whose timestamp becomes the base timestamp
 * (as {@code encode}'s single timestamp is); {@link #build} writes the header, and for a compressed batch this
 * thread's long-lived builder compresses the records section, so no compression context is made per batch;
 * the compressed batch is copied back over the uncompressed one in the caller's array when it fits (it
 * nearly always does), else into a new buffer.
 *
 * <p>Not thread-safe (see {@link EventBatchWriter}).
 */
public final class ProducedBatchWriter implements EventBatchWriter {

  private final byte[] array;
  private final RecordBatchBuilder builder;
  /** The built batch (a view of {@link #array} or a compressed copy); null before {@link #build}. */
  private ByteBuffer built;
  private CompressionType builtCompression;

  /** A writer over {@code buffer}'s array; see {@code EventBatches.writer}. */
  public ProducedBatchWriter(ByteBuffer buffer) {
    Objects.requireNonNull(buffer, "buffer");
    if (!buffer.hasArray() || buffer.arrayOffset() != 0 || buffer.isReadOnly()) {
      throw new IllegalArgumentException("a batch writer needs a writable heap buffer whose array starts at index 0"
          + " (ByteBuffer.allocate), got " + buffer);
    }
    if (buffer.capacity() <= BatchHeader.HEADER_SIZE) {
      throw new IllegalArgumentException("a batch writer needs more than " + BatchHeader.HEADER_SIZE
          + " bytes of buffer (the batch header), got " + buffer.capacity());
    }
    this.array = buffer.array();
    this.builder = new RecordBatchBuilder(array);
  }

  /** See {@code EventBatches.capacityFor}. */
  public static long capacityFor(String aggregateId, EventData event) {
    return BatchHeader.HEADER_SIZE + EventHeaders.maxProducedEventSizeInBytes(Utf8.encodedLength(aggregateId),
        event.type(), event.payload(), event.headers());
  }

  @Override
  public boolean tryAppend(String aggregateId, EventData event, long timestampMs) {
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(event, "event");
    if (built != null) {
      throw new IllegalStateException("the batch was built: nothing more can be appended");
    }
    int count = builder.recordCount();
    int idBytes = EventBatchCodec.ensureProducible(count, aggregateId, event);
    long needed = EventHeaders.maxProducedEventSizeInBytes(idBytes, event.type(), event.payload(), event.headers());
    if (count == AppendValidator.MAX_EVENTS_PER_APPEND || sizeInBytes() + needed > array.length) {
      return false;
    }
    if (count == 0) {
      builder.reset(0, BatchHeader.NO_PARTITION_LEADER_EPOCH, CompressionType.NONE, BatchHeader.NO_PRODUCER_ID,
          BatchHeader.NO_PRODUCER_EPOCH, BatchHeader.NO_SEQUENCE, timestampMs);
    }
    EventHeaders.addProducedEvent(builder, timestampMs, aggregateId, event.eventId(), event.type(), event.payload(),
        event.headers());
    return true;
  }

  @Override
  public int recordCount() {
    return builder.recordCount();
  }

  @Override
  public int sizeInBytes() {
    return builder.recordCount() == 0 ? BatchHeader.HEADER_SIZE : builder.uncompressedSizeInBytes();
  }

  @Override
  public int capacityInBytes() {
    return array.length;
  }

  @Override
  public ByteBuffer build(CompressionType compression, ProducerInfo producer) {
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(producer, "producer");
    if (built != null) {
      if (compression != builtCompression) {
        throw new IllegalStateException("the batch was built with compression " + builtCompression.configName()
            + ", not " + compression.configName());
      }
      BatchHeader.setProducer(built, 0, producer.producerId(), producer.producerEpoch(), producer.baseSequence());
      return built.duplicate();
    }
    if (builder.recordCount() == 0) {
      throw new IllegalStateException("a batch needs at least one record");
    }
    builder.producer(producer.producerId(), producer.producerEpoch(), producer.baseSequence());
    ByteBuffer uncompressed = builder.build();
    if (compression == CompressionType.NONE) {
      built = ByteBuffer.wrap(array, 0, uncompressed.limit()).slice();
    } else {
      ByteBuffer compressed = EventBatchCodec.threadBuilder().compress(uncompressed, compression);
      // the records are not needed uncompressed any more: the compressed batch replaces them when it fits
      int size = compressed.remaining();
      built = size <= array.length ? ByteBuffer.wrap(array, 0, size).slice() : ByteBuffer.allocate(size);
      built.put(compressed).flip();
    }
    builtCompression = compression;
    return built.duplicate();
  }
}
