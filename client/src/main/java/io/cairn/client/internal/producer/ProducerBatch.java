package io.cairn.client.internal.producer;

import io.cairn.client.ProduceAck;
import io.cairn.eventstore.KeyedEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The records of one partition that travel together as one record batch, with one promise per record.
 * Life: open (records are added, under the {@link PartitionState} lock) → closed (no more records) →
 * encoded with a producer sequence and sent, possibly several times → done (every promise completed,
 * its {@code buffer.memory} released).
 *
 * <p>Thread-safety: {@link #add} and {@link #close} run under the owning {@link PartitionState}'s lock;
 * everything after the batch left the partition queue runs on the producer's event loop only.
 */
public final class ProducerBatch {

  private static final int INITIAL_CAPACITY = 16;

  private final PartitionState partition;
  private final MemoryBudget budget;
  private final long createdNanos;
  private final Promise<Void> done = Promise.promise();
  private KeyedEvent[] events = new KeyedEvent[INITIAL_CAPACITY];
  @SuppressWarnings("unchecked")
  private Promise<ProduceAck>[] promises = new Promise[INITIAL_CAPACITY];
  private int count;
  private long estimatedBytes = RecordSizes.BATCH_HEADER_BYTES;
  private long reservedBytes;
  private boolean closed;

  // event-loop state once the batch left the queue
  private ByteBuffer encoded;
  private int baseSequence = -1;
  private short epoch = -1;
  private int attempts;
  private long sendOrder = -1;
  private boolean maybeStored;
  private Throwable lastError;

  ProducerBatch(PartitionState partition, MemoryBudget budget, long createdNanos) {
    this.partition = partition;
    this.budget = budget;
    this.createdNanos = createdNanos;
  }

  /** Adds a record whose {@code recordBytes} the caller has reserved from the budget. Under the queue lock. */
  void add(KeyedEvent event, Promise<ProduceAck> promise, int recordBytes) {
    if (count == events.length) {
      events = Arrays.copyOf(events, count * 2);
      promises = Arrays.copyOf(promises, count * 2);
    }
    events[count] = event;
    promises[count] = promise;
    count++;
    estimatedBytes += recordBytes;
    reservedBytes += recordBytes;
  }

  /** Whether a record of {@code recordBytes} would take the batch past {@code batchSizeBytes}. */
  boolean wouldOverflow(int recordBytes, int batchSizeBytes) {
    return count > 0 && estimatedBytes + recordBytes > batchSizeBytes;
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

  /** The uncompressed size estimate, batch header included. */
  public long estimatedBytes() {
    return estimatedBytes;
  }

  /** The records, in send order (a view; valid until the batch changes; empty once done). */
  public List<KeyedEvent> events() {
    if (events == null) {
      return List.of();
    }
    return Arrays.asList(events).subList(0, count);
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

  /** Remembers the encoding made with {@code epoch} and {@code baseSequence} (-1 without idempotence). */
  public void encoded(ByteBuffer bytes, short epoch, int baseSequence) {
    this.encoded = bytes;
    this.epoch = epoch;
    this.baseSequence = baseSequence;
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

  /**
   * Fails and removes record {@code index} alone (its event was refused), keeping the others in order.
   * Event-loop only, before the batch is encoded.
   */
  public void failRecord(int index, Throwable failure) {
    Promise<ProduceAck> promise = promises[index];
    System.arraycopy(events, index + 1, events, index, count - index - 1);
    System.arraycopy(promises, index + 1, promises, index, count - index - 1);
    count--;
    events[count] = null;
    promises[count] = null;
    promise.tryFail(failure);
    if (count == 0) {
      finish();
    }
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
      budget.release(reservedBytes);
      events = null;
      promises = null;
      encoded = null;
    }
  }

  @Override
  public String toString() {
    return "batch of " + count + " records for " + partition + (hasSequence() ? " epoch " + epoch + " sequence "
        + baseSequence : "");
  }
}
