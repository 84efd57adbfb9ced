package io.cairn.client.internal.producer;

import io.cairn.client.BufferExhaustedException;
import io.cairn.client.CairnProducer;
import io.cairn.client.ClientOptions;
import io.cairn.client.ProduceAck;
import io.cairn.client.internal.core.CallerContext;
import io.cairn.client.internal.core.ClientCore;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoreClosedException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The {@link CairnProducer}: {@code send} runs on the caller's thread (route by aggregate id, check and
 * serialize the record into the partition's open batch under that partition's lock, taking a pooled
 * {@code batch.size} buffer from {@code buffer.memory} when a batch opens) and wakes the {@link Sender} on the
 * client's event loop only when a batch opens or fills. A refused record fails its own future at once.
 *
 * <p>Thread-safe.
 */
public final class DefaultProducer implements CairnProducer {

  /** Largest aggregate id in UTF-8 bytes (a protocol string). */
  public static final int MAX_AGGREGATE_ID_BYTES = Short.MAX_VALUE;

  private static final AtomicInteger NEXT_ID = new AtomicInteger();

  private final ClientCore core;
  private final ClientOptions options;
  private final MemoryBudget budget;
  private final BufferPool pool;
  private final Sender sender;
  private final Map<String, TopicRoute> routes = new ConcurrentHashMap<>();
  private final BooleanSupplier clientClosed;
  private final Promise<Void> closedPromise = Promise.promise();
  private volatile boolean closed;

  /**
   * A producer of the client {@code core}. {@code clientClosed} tells whether the client is closing (no new
   * sends), {@code clientStopped} whether it has stopped (what is left fails).
   */
  public DefaultProducer(ClientCore core, BooleanSupplier clientClosed, BooleanSupplier clientStopped) {
    this.core = core;
    this.options = core.options();
    this.clientClosed = clientClosed;
    this.budget = new MemoryBudget(options.bufferMemory(), options.batchSize());
    this.pool = new BufferPool(budget, options.batchSize());
    String name = options.clientId() + "-producer-" + NEXT_ID.incrementAndGet();
    this.sender = new Sender(core, name, clientStopped, this::forget);
  }

  @Override
  public Future<ProduceAck> send(String topic, String aggregateId, EventData event) {
    Promise<ProduceAck> promise = CallerContext.promise();
    if (closed || clientClosed.getAsBoolean()) {
      promise.fail(new StoreClosedException("producer"));
      return promise.future();
    }
    if (topic == null || aggregateId == null || event == null) {
      promise.fail(new InvalidInputException(topic == null ? "topic" : aggregateId == null ? "aggregateId" : "event",
          null, "is required"));
      return promise.future();
    }
    if (!AggregateKeys.hasUtf8Length(aggregateId, MAX_AGGREGATE_ID_BYTES)) {
      promise.fail(new InvalidInputException("aggregateId", aggregateId, "must be 1 to " + MAX_AGGREGATE_ID_BYTES
          + " UTF-8 bytes, is " + AggregateKeys.utf8Length(aggregateId)));
      return promise.future();
    }
    TopicRoute route = routes.get(topic);
    if (route == null) {
      route = routes.computeIfAbsent(topic, TopicRoute::new);
    }
    PartitionState[] partitions = route.partitions();
    if (partitions == null && !waitForPartitions(route, aggregateId, event, promise)) {
      partitions = route.partitions();
    }
    if (partitions != null) {
      append(partitions, aggregateId, event, promise, null, System.currentTimeMillis());
    }
    return promise.future();
  }

  /**
   * Queues the record until the topic's partition count is known, holding about its size of
   * {@code buffer.memory} meanwhile, and returns true; fails {@code promise} (true) if the budget has no room;
   * returns false if the count became known meanwhile (the caller appends).
   */
  private boolean waitForPartitions(TopicRoute route, String aggregateId, EventData event,
                                    Promise<ProduceAck> promise) {
    long recordBytes = EventBatches.capacityFor(aggregateId, event);
    if (recordBytes > budget.capacityBytes()) {
      promise.fail(tooLarge(recordBytes));
      return true;
    }
    TopicRoute.WaitingRecord waiting = new TopicRoute.WaitingRecord(aggregateId, event, promise,
        System.currentTimeMillis(), recordBytes);
    switch (route.waitIfUnknown(waiting, budget)) {
      case QUEUED -> {
        maybeLookUp(route);
        return true;
      }
      case NO_ROOM -> {
        promise.fail(new BufferExhaustedException(recordBytes, budget.usedBytes(), budget.capacityBytes()));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * Serializes the record into its partition's open batch, or fails {@code promise} if it is refused;
   * {@code credit}: see {@link PartitionState#append}.
   */
  private void append(PartitionState[] partitions, String aggregateId, EventData event,
                      Promise<ProduceAck> promise, BufferPool.Credit credit, long timestampMs) {
    PartitionState partition = partitions[AggregateKeys.partitionFor(aggregateId, partitions.length)];
    int result;
    try {
      result = partition.append(aggregateId, event, promise, pool, credit, timestampMs, System.nanoTime());
    } catch (RuntimeException refused) {
      // bad input (InvalidInputException) or a broken invariant: either way only this record fails, and the
      // callers' loops over waiting records go on (an escaped exception would strand the records after it)
      promise.fail(refused);
      return;
    }
    if (result == PartitionState.NO_MEMORY) {
      promise.fail(new BufferExhaustedException(EventBatches.capacityFor(aggregateId, event), budget.usedBytes(),
          budget.capacityBytes()));
    } else if (result == PartitionState.TOO_LARGE) {
      promise.fail(tooLarge(EventBatches.capacityFor(aggregateId, event)));
    } else if (result != 0) {
      sender.wakeup();
    }
  }

  /**
   * Appends records that waited for the partition count: the {@code buffer.memory} they hold pays for the
   * buffers they need, and they are never refused for memory (they were accepted); what is left is given back.
   */
  private void appendWaited(PartitionState[] partitions, List<TopicRoute.WaitingRecord> waiting) {
    long held = 0;
    for (TopicRoute.WaitingRecord record : waiting) {
      held += record.recordBytes();
    }
    BufferPool.Credit credit = new BufferPool.Credit(held);
    for (TopicRoute.WaitingRecord record : waiting) {
      append(partitions, record.aggregateId(), record.event(), record.promise(), credit,
          record.timestampMs());
    }
    budget.release(credit.bytes());
  }

  private InvalidInputException tooLarge(long recordBytes) {
    return new InvalidInputException("event", recordBytes + " bytes", "is larger than " + ClientOptions.BUFFER_MEMORY
        + " = " + budget.capacityBytes() + " bytes");
  }

  private void maybeLookUp(TopicRoute route) {
    if (!route.claimLookup()) {
      return;
    }
    core.metadata().partitionCount(route.topic()).onComplete(answer -> {
      if (answer.succeeded()) {
        List<PartitionState> created = route.resolve(answer.result(),
            (partitions, waiting) -> appendWaited(partitions, waiting));
        sender.register(created);
        sender.wakeup();
      } else {
        for (TopicRoute.WaitingRecord waiting : route.lookupFailed()) {
          budget.release(waiting.recordBytes());
          waiting.promise().tryFail(answer.cause());
        }
      }
    });
  }

  private void forget(String topic) {
    TopicRoute route = routes.get(topic);
    if (route != null) {
      route.forget();
    }
    core.metadata().invalidate(topic);
  }

  @Override
  public Future<Void> bufferAvailable() {
    return budget.whenAvailable();
  }

  @Override
  public long bufferedBytes() {
    return budget.usedBytes();
  }

  @Override
  public Future<Void> flush() {
    Promise<Void> flushed = CallerContext.promise();
    CallerContext.runOn(core.context(), () -> {
      List<Future<?>> outcomes = new ArrayList<>();
      for (TopicRoute route : routes.values()) {
        for (Promise<ProduceAck> waiting : route.waitingPromises()) {
          outcomes.add(waiting.future());
        }
      }
      for (PartitionState partition : sender.partitions()) {
        partition.closeOpenBatch();
        for (ProducerBatch batch : partition.unfinishedBatches()) {
          outcomes.add(batch.done());
        }
      }
      sender.flushStarted();
      sender.drain();
      Future.join(outcomes).onComplete(ignored -> CallerContext.runOn(core.context(), () -> {
        sender.flushEnded();
        flushed.tryComplete();
      }));
    });
    return flushed.future();
  }

  @Override
  public Future<Void> close() {
    if (!closed) {
      closed = true;
      flush().onComplete(ignored -> closedPromise.tryComplete());
    }
    return closedPromise.future();
  }

  /** Runs the sender once more: called by the client when it closes, to fail what is left. */
  public void drainNow() {
    CallerContext.runOn(core.context(), sender::drain);
  }
}
