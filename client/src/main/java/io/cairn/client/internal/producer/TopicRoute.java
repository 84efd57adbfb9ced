package io.cairn.client.internal.producer;

import io.cairn.client.ProduceAck;
import io.cairn.eventstore.EventData;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A topic as the producer routes to it: its partitions once the partition count is known, and until then
 * the records sent to it, in order. Records that waited are put into their partitions before any record
 * sent after the count became known, so per-partition order is send order.
 *
 * <p>Thread-safety: {@link #partitions()} is a volatile read (the hot path); the waiting list and the
 * switch to known partitions are guarded by this object's lock.
 */
final class TopicRoute {

  /**
   * A record waiting for the partition count: {@code timestampMs} is when it was sent, {@code recordBytes} the
   * {@code buffer.memory} it holds meanwhile.
   */
  record WaitingRecord(String aggregateId, EventData event, Promise<ProduceAck> promise,
                       long timestampMs, long recordBytes) {
  }

  private final String topic;
  private volatile PartitionState[] partitions;
  private PartitionState[] lastKnown = new PartitionState[0];
  private List<WaitingRecord> waiting = new ArrayList<>();
  private boolean lookupRunning;

  TopicRoute(String topic) {
    this.topic = topic;
  }

  String topic() {
    return topic;
  }

  /** The partitions, or null while the count is unknown. */
  PartitionState[] partitions() {
    return partitions;
  }

  /** What {@link #waitIfUnknown} did with a record. */
  enum Wait {
    /** Queued, its {@code recordBytes} reserved. */
    QUEUED,
    /** Not queued: the count is known now; the caller routes the record itself. */
    KNOWN,
    /** Not queued: {@code budget} had no room for its {@code recordBytes}. */
    NO_ROOM
  }

  /**
   * Queues a record while the count is unknown, reserving its {@code recordBytes} of {@code budget}. Checked
   * and reserved under the lock that {@link #resolve} holds, so that a record sent while the count is being
   * resolved waits for the partitions instead of competing for {@code buffer.memory} with the batches the
   * waiting records are being put into (it was refused although the open batch had room for it).
   */
  synchronized Wait waitIfUnknown(WaitingRecord record, MemoryBudget budget) {
    if (partitions != null) {
      return Wait.KNOWN;
    }
    if (!budget.tryReserve(record.recordBytes())) {
      return Wait.NO_ROOM;
    }
    waiting.add(record);
    return Wait.QUEUED;
  }

  /** Whether the caller should start a metadata lookup (none is running). */
  synchronized boolean claimLookup() {
    if (partitions != null || lookupRunning) {
      return false;
    }
    lookupRunning = true;
    return true;
  }

  /**
   * Publishes {@code count} partitions (keeping the state of partitions known before, whose sequences must
   * run on) after handing the waiting records, in order, to {@code router} (under the lock, so that no
   * record sent later can overtake them). Returns the partitions created now.
   */
  synchronized List<PartitionState> resolve(int count, BiConsumer<PartitionState[], List<WaitingRecord>> router) {
    lookupRunning = false;
    List<PartitionState> created = new ArrayList<>();
    PartitionState[] resolved = new PartitionState[count];
    for (int p = 0; p < count; p++) {
      if (p < lastKnown.length) {
        resolved[p] = lastKnown[p];
      } else {
        resolved[p] = new PartitionState(topic, p);
        created.add(resolved[p]);
      }
    }
    lastKnown = resolved;
    router.accept(resolved, waiting);
    waiting = new ArrayList<>();
    partitions = resolved;
    return created;
  }

  /** Ends a failed lookup and returns the records that waited for it (the caller fails them). */
  synchronized List<WaitingRecord> lookupFailed() {
    lookupRunning = false;
    List<WaitingRecord> failed = waiting;
    waiting = new ArrayList<>();
    return failed;
  }

  /** Forgets the partition count (the node contradicted it); the next send looks it up again. */
  synchronized void forget() {
    partitions = null;
  }

  /** The promises of the waiting records (for flush). */
  synchronized List<Promise<ProduceAck>> waitingPromises() {
    List<Promise<ProduceAck>> promises = new ArrayList<>(waiting.size());
    for (WaitingRecord record : waiting) {
      promises.add(record.promise());
    }
    return promises;
  }
}
