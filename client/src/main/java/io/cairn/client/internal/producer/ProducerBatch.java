package io.cairn.client.internal.producer;

import io.cairn.client.ProduceAck;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventBatchWriter;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.ProducerInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The records of one partition that travel together as one record batch, with one promise per record. The
 * records are serialized into the batch's pooled buffer as they are added (an {@link EventBatchWriter}); only
 * the header (producer fields, CRC) is written when the batch is sent, and only that is written again when an
 * epoch bump numbers it again, so a retry sends the same record bytes.
 *
 * <p>Life: open (records are added, under the {@link PartitionState} lock) → closed (no more records) →
 * built with a producer sequence and sent, possibly several times → done (every promise completed, its
 * buffer back in the {@link BufferPool}).
 *
 * <p>Thread-safety: {@link #tryAdd} and {@link #close} run under the owning {@link PartitionState}'s lock;
 * everything after the batch left the partition queue runs on the producer's event loop only.
 */
public final class ProducerBatch {

  /** Fewest promises a new batch makes room for. */
  private static final int MIN_CAPACITY = 16;

  private final PartitionState partition;
  private final BufferPool pool;
  private final long createdNanos;
  private final Promise<Void> done = Promise.promise();
  private ByteBuffer buffer;
  private EventBatchWriter writer;
  private Promise<ProduceAck>[] promises;
  private int count;
  private boolean closed;

  // event-loop state once the batch left the queue
  private ByteBuffer encoded;
  private int baseSequence = -1;
  private short epoch = -1;
  private int attempts;
  private long sendOrder = -1;
  private boolean maybeStored;
  private Throwable lastError;

  /**
   * A batch writing into {@code buffer}, which came from {@code pool} and goes back there when the batch is done;
   * {@code expectedRecords} (the partition's last batch) sizes its promise array.
   */
  @SuppressWarnings("unchecked")
  ProducerBatch(PartitionState partition, BufferPool pool, ByteBuffer buffer, long createdNanos, int expectedRecords) {
    this.promises = new Promise[Math.max(MIN_CAPACITY, expectedRecords)];
    this.partition = partition;
    this.pool = pool;
    this.buffer = buffer;
    this.writer = EventBatches.writer(buffer);
    this.createdNanos = createdNanos;
  }

  /**
   * Serializes a record into the batch; false, adding nothing, if it does not fit. Under the queue lock.
   *
   * @throws InvalidInputException if the event is refused (the batch is unchanged)
   */
  boolean tryAdd(String aggregateId, EventData event, Promise<ProduceAck> promise, long timestampMs) {
    if (!writer.tryAppend(aggregateId, event, timestampMs)) {
      return false;
    }
    if (count == promises.length) {
      promises = Arrays.copyOf(promises, count * 2);
    }
    promises[count++] = promise;
    return true;
  }

  /** Whether the batch's buffer is full: the batch takes no more records. */
  boolean isFull() {
    return writer.sizeInBytes() >= writer.capacityInBytes();
  }

  /** Capacity of the batch's buffer. */
  int capacityBytes() {
    return buffer.capacity();
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    closed = true;
  }

  public PartitionState partition() {
    return partition;
  }

  public long createdNanos() {
    return createdNanos;
  }

  /** Records in the batch. */
  public int recordCount() {
    return count;
  }

  /** Bytes of the batch uncompressed, header included. */
  public int sizeInBytes() {
    return writer == null ? 0 : writer.sizeInBytes();
  }

  /** Completes when every record of the batch has its outcome. */
  public Future<Void> done() {
    return done.future();
  }

  public boolean isDone() {
    return done.future().isComplete();
  }

  /** The encoded batch, or null while it has none (never encoded, or its sequence was reset). */
  public ByteBuffer encoded() {
    return encoded;
  }

  /**
   * Builds the batch with {@code compression} and the producer fields {@code producer} (epoch and base sequence
   * -1 without idempotence): the first time it writes the header (and compresses the records); after a
   * {@link #resetSequence} it only writes the new producer fields and CRC. Event loop, before the batch is done.
   */
  public ByteBuffer encode(CompressionType compression, ProducerInfo producer) {
    this.encoded = writer.build(compression, producer);
    this.epoch = producer.producerEpoch();
    this.baseSequence = producer.baseSequence();
    return encoded;
  }

  /** Drops the encoding and the sequence, so that the batch is numbered again (after an epoch bump). */
  public void resetSequence() {
    this.encoded = null;
    this.epoch = -1;
    this.baseSequence = -1;
  }

  public int baseSequence() {
    return baseSequence;
  }

  public short epoch() {
    return epoch;
  }

  public boolean hasSequence() {
    return baseSequence >= 0;
  }

  /** Times the batch was sent. */
  public int attempts() {
    return attempts;
  }

  /** Counts one more send; the first one fixes the batch's place in its partition's send order. */
  public void markSent(long firstSendOrder) {
    if (attempts++ == 0) {
      sendOrder = firstSendOrder;
    }
  }

  /** Where the batch was first sent among its partition's batches; -1 before. */
  public long sendOrder() {
    return sendOrder;
  }

  /** Records that an attempt may have been stored although no success came back (a lost or ambiguous answer). */
  public void markMaybeStored() {
    maybeStored = true;
  }

  /** Whether some attempt of this batch may have been stored without the producer learning of it. */
  public boolean maybeStored() {
    return maybeStored;
  }

  /** The last retryable failure, reported if the delivery timeout passes. */
  public Throwable lastError() {
    return lastError;
  }

  public void lastError(Throwable error) {
    this.lastError = error;
  }

  /** Completes every record: record {@code i} was stored at {@code baseOffset + i} of the partition. */
  public void complete(long baseOffset) {
    if (isDone()) {
      return;
    }
    int partitionNumber = partition.partition();
    for (int i = 0; i < count; i++) {
      promises[i].tryComplete(new ProduceAck(partitionNumber, baseOffset < 0 ? -1 : baseOffset + i));
    }
    finish();
  }

  /** Fails every record with {@code failure}. */
  public void fail(Throwable failure) {
    if (isDone()) {
      return;
    }
    for (int i = 0; i < count; i++) {
      promises[i].tryFail(failure);
    }
    finish();
  }

  private void finish() {
    if (done.tryComplete()) {
      promises = null;
      encoded = null;
      writer = null;
      ByteBuffer released = buffer;
      buffer = null;
      pool.release(released);
    }
  }

  @Override
  public String toString() {
    return "batch of " + count + " records for " + partition + (hasSequence() ? " epoch " + epoch + " sequence "
        + baseSequence : "");
  }
}
