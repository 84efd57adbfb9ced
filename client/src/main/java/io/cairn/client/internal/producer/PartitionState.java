package io.cairn.client.internal.producer;

import io.cairn.client.ProduceAck;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One partition as the producer sees it: the queue of batches being filled or waiting to be sent, and the
 * idempotence state of the partition: epoch, next sequence, the batches in flight and those waiting to be
 * sent again (Kafka's per-partition producer state).
 *
 * <p>Invariants: batches leave the queue oldest first, and only the last queued batch may be open; sequences
 * are handed out in the order batches are first sent and run on without gaps (wrapping at
 * {@code Integer.MAX_VALUE} as the node does); batches to send again are kept in sequence order and go out
 * before anything new; while a reset is pending nothing is sent until every batch in flight has answered,
 * then the epoch goes up by one and the sequence starts again at 0 (the node accepts a newer epoch from 0).
 *
 * <p>Thread-safety: the queue is guarded by this object's lock (senders add from any thread); the
 * sequencing state is owned by the producer's event loop.
 */
public final class PartitionState {

  /** Largest buffer a batch may have: the largest array the JVM reliably allocates. */
  private static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

  /** {@link #append} result bit: the record opened a new batch (the linger timer may need arming). */
  public static final int NEW_BATCH = 1;
  /** {@link #append} result bit: a batch is now closed and ready to send. */
  public static final int BATCH_READY = 2;
  /** {@link #append} result: refused, the record needs a new buffer and {@code buffer.memory} has no room for it. */
  public static final int NO_MEMORY = 4;
  /** {@link #append} result: refused, the record's batch would be larger than {@code buffer.memory}. */
  public static final int TOO_LARGE = 8;

  private final String topic;
  private final int partition;
  private final ArrayDeque<ProducerBatch> queue = new ArrayDeque<>();
  /** Records of the batch that left the queue or was closed last: how many promises a new batch makes room for. */
  private int lastBatchRecords;

  private final ArrayDeque<ProducerBatch> retries = new ArrayDeque<>();
  private final ArrayDeque<ProducerBatch> inFlight = new ArrayDeque<>();
  private short epoch;
  private boolean epochInitialized;
  private int nextSequence;
  private long nextSendOrder;
  private boolean retrying;
  private boolean resetPending;
  private boolean backingOff;
  private long backoffUntilNanos;
  private int consecutiveRetries;

  public PartitionState(String topic, int partition) {
    this.topic = topic;
    this.partition = partition;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  // ---------------------------------------------------------------------------------------------
  // queue (any thread, under the lock)

  /**
   * Serializes a record into the open batch, or into a new batch when there is none or the record does not
   * fit it: the new batch takes a {@code batch.size} buffer from {@code pool}, or one of its own size for a
   * record larger than that (such a batch is closed at once, as Kafka's). Returns {@link #NEW_BATCH} and
   * {@link #BATCH_READY} bits, or {@link #NO_MEMORY} or {@link #TOO_LARGE} when the record was refused
   * (nothing changed; the open batch stays open). On success {@code promise} is the batch's. A record accepted
   * earlier (it waited for metadata) passes the {@code buffer.memory} it holds as {@code credit} and is never
   * refused for memory; a new one passes null.
   *
   * @throws InvalidInputException if the event is refused (nothing changed)
   */
  public synchronized int append(String aggregateId, EventData event, Promise<ProduceAck> promise, BufferPool pool,
                                 BufferPool.Credit credit, long timestampMs, long nowNanos) {
    ProducerBatch open = queue.peekLast();
    if (open != null && !open.isClosed()) {
      if (open.tryAdd(aggregateId, event, promise, timestampMs)) {
        if (open.isFull()) {
          open.close();
          return BATCH_READY;
        }
        return 0;
      }
    } else {
      open = null;
    }
    long needed = Math.max(pool.batchSizeBytes(), EventBatches.capacityFor(aggregateId, event));
    if (needed > pool.budget().capacityBytes() || needed > MAX_BUFFER_BYTES) {
      return TOO_LARGE;
    }
    ByteBuffer buffer = credit == null ? pool.tryAllocate((int) needed) : pool.allocate((int) needed, credit);
    if (buffer == null) {
      return NO_MEMORY;
    }
    if (open != null) {
      lastBatchRecords = open.recordCount();
    }
    ProducerBatch batch = new ProducerBatch(this, pool, buffer, nowNanos, lastBatchRecords);
    boolean added;
    try {
      added = batch.tryAdd(aggregateId, event, promise, timestampMs);
    } catch (RuntimeException refused) {
      pool.release(buffer);
      throw refused;
    }
    if (!added) {
      pool.release(buffer);
      throw new IllegalStateException("a record did not fit the " + needed + " bytes EventBatches.capacityFor gave");
    }
    int result = NEW_BATCH;
    if (open != null) {
      open.close();
      result |= BATCH_READY;
    }
    queue.addLast(batch);
    if (batch.isFull() || needed > pool.batchSizeBytes()) {
      batch.close();
      result |= BATCH_READY;
    }
    return result;
  }

  /**
   * Takes the oldest queued batch if it may be sent now: it is closed, it is older than {@code lingerNanos},
   * or {@code ignoreLinger}. Returns null otherwise.
   */
  public synchronized ProducerBatch pollSendable(long nowNanos, long lingerNanos, boolean ignoreLinger) {
    ProducerBatch head = peekSendable(nowNanos, lingerNanos, ignoreLinger);
    if (head == null) {
      return null;
    }
    head.close();
    lastBatchRecords = head.recordCount();
    return queue.pollFirst();
  }

  /** The batch {@link #pollSendable} would take, left in the queue; null if none may be sent now. */
  public synchronized ProducerBatch peekSendable(long nowNanos, long lingerNanos, boolean ignoreLinger) {
    ProducerBatch head = queue.peekFirst();
    if (head != null && (head.isClosed() || ignoreLinger || nowNanos - head.createdNanos() >= lingerNanos)) {
      return head;
    }
    return null;
  }

  /** When the oldest queued batch may be sent: {@code Long.MAX_VALUE} if none is queued. */
  public synchronized long sendableAtNanos(long lingerNanos) {
    ProducerBatch head = queue.peekFirst();
    if (head == null) {
      return Long.MAX_VALUE;
    }
    return head.isClosed() ? head.createdNanos() : head.createdNanos() + lingerNanos;
  }

  /** Closes the open batch, if any, so that it is sent without waiting for linger. */
  public synchronized void closeOpenBatch() {
    ProducerBatch last = queue.peekLast();
    if (last != null) {
      last.close();
    }
  }

  /** Removes and returns the queued batches (oldest first) created at or before {@code createdBeforeNanos}. */
  public synchronized List<ProducerBatch> removeQueuedCreatedBefore(long createdBeforeNanos) {
    if (queue.isEmpty() || queue.peekFirst().createdNanos() - createdBeforeNanos > 0) {
      return List.of();
    }
    List<ProducerBatch> expired = new ArrayList<>();
    while (!queue.isEmpty() && queue.peekFirst().createdNanos() - createdBeforeNanos <= 0) {
      ProducerBatch batch = queue.pollFirst();
      batch.close();
      expired.add(batch);
    }
    return expired;
  }

  /** Every batch not yet done: queued, waiting to be sent again, in flight. */
  public List<ProducerBatch> unfinishedBatches() {
    List<ProducerBatch> all;
    synchronized (this) {
      all = new ArrayList<>(queue);
    }
    all.addAll(retries);
    all.addAll(inFlight);
    return all;
  }

  /** Whether nothing is queued (any thread). */
  public synchronized boolean queueEmpty() {
    return queue.isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // sequencing (event loop)

  /** The epoch new batches of this partition are numbered in. */
  public short epoch() {
    return epoch;
  }

  /** Starts the partition at {@code producerEpoch} unless it already has an epoch (once the producer has its id). */
  public void maybeInitEpoch(short producerEpoch) {
    if (!epochInitialized) {
      this.epoch = producerEpoch;
      this.epochInitialized = true;
    }
  }

  /** The next number in the order batches of this partition are first sent. */
  public long takeSendOrder() {
    return nextSendOrder++;
  }

  /**
   * Puts a batch back to be sent again, keeping the retries in first-send order, and stops sending retries
   * until the batches still in flight have answered.
   */
  public void addRetry(ProducerBatch batch) {
    retrying = false;
    if (retries.isEmpty() || retries.peekLast().sendOrder() < batch.sendOrder()) {
      retries.addLast(batch);
      return;
    }
    ArrayDeque<ProducerBatch> reordered = new ArrayDeque<>(retries.size() + 1);
    boolean placed = false;
    for (ProducerBatch queued : retries) {
      if (!placed && batch.sendOrder() < queued.sendOrder()) {
        reordered.addLast(batch);
        placed = true;
      }
      reordered.addLast(queued);
    }
    if (!placed) {
      reordered.addLast(batch);
    }
    retries.clear();
    retries.addAll(reordered);
  }

  /**
   * Whether the next batch to send is a retry that may go now: retries wait until nothing older is in flight,
   * then go out back to back.
   */
  public boolean retryMayGo() {
    if (retries.isEmpty()) {
      retrying = false;
      return false;
    }
    if (!retrying && !inFlight.isEmpty()) {
      return false;
    }
    retrying = true;
    return true;
  }

  /** The base sequence the next batch will get. */
  public int peekSequence() {
    return nextSequence;
  }

  /** When the oldest queued batch was created; {@code fallbackNanos} if none is queued. */
  public synchronized long oldestQueuedCreatedNanos(long fallbackNanos) {
    ProducerBatch head = queue.peekFirst();
    return head == null ? fallbackNanos : head.createdNanos();
  }

  /** Hands out the base sequence for a batch of {@code recordCount} records and advances past it. */
  public int takeSequence(int recordCount) {
    int base = nextSequence;
    long next = (long) nextSequence + recordCount;
    nextSequence = next > Integer.MAX_VALUE ? (int) (next - Integer.MAX_VALUE - 1) : (int) next;
    return base;
  }

  /** The batches sent and not yet answered, oldest first. */
  public ArrayDeque<ProducerBatch> inFlight() {
    return inFlight;
  }

  /** The batches to send again before anything new, in sequence order. */
  public ArrayDeque<ProducerBatch> retries() {
    return retries;
  }

  /** Whether the partition waits for its in-flight batches before bumping its epoch. */
  public boolean resetPending() {
    return resetPending;
  }

  /** Asks for an epoch bump once nothing is in flight (a sequenced batch failed for good). */
  public void requestReset() {
    resetPending = true;
  }

  /**
   * Bumps the epoch and restarts the sequence at 0 if a reset is pending and nothing is in flight; the
   * batches waiting to be sent again lose their old numbers. Returns whether it did.
   */
  public boolean maybeReset() {
    if (!resetPending || !inFlight.isEmpty()) {
      return false;
    }
    resetPending = false;
    epoch = (short) (epoch == Short.MAX_VALUE ? 0 : epoch + 1);
    nextSequence = 0;
    retrying = false;
    for (ProducerBatch batch : retries) {
      batch.resetSequence();
    }
    return true;
  }

  /** Whether sends wait for a retry backoff until {@code nowNanos}. */
  public boolean backingOff(long nowNanos) {
    if (backingOff && nowNanos - backoffUntilNanos >= 0) {
      backingOff = false;
    }
    return backingOff;
  }

  /** When the retry backoff ends; meaningful while {@link #backingOff} is true. */
  public long backoffUntilNanos() {
    return backoffUntilNanos;
  }

  /** Holds sends back until {@code untilNanos} and counts one more retry in a row. */
  public void backOffUntil(long untilNanos) {
    backingOff = true;
    backoffUntilNanos = untilNanos;
    consecutiveRetries++;
  }

  /** Retries in a row since the last success; the exponent of the next backoff. */
  public int consecutiveRetries() {
    return consecutiveRetries;
  }

  /** A batch was stored: the retry backoff starts from its base again. */
  public void succeeded() {
    consecutiveRetries = 0;
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
