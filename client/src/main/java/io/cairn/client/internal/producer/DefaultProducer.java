package io.cairn.client.internal.producer;

import io.cairn.client.BufferExhaustedException;
import io.cairn.client.CairnProducer;
import io.cairn.client.ClientOptions;
import io.cairn.client.ProduceAck;
import io.cairn.client.internal.core.CallerContext;
import io.cairn.client.internal.core.ClientCore;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StoreClosedException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The {@link CairnProducer}: {@code send} runs on the caller's thread (route by aggregate id, reserve
 * {@code buffer.memory}, append to the partition's open batch under that partition's lock) and wakes the
 * {@link Sender} on the client's event loop only when a batch opens or fills.
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
  private final Sender sender;
  private final Map<String, TopicRoute> routes = new ConcurrentHashMap<>();
  private final BooleanSupplier clientClosed;
  private final int batchSizeBytes;
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
    this.batchSizeBytes = options.batchSize();
    this.budget = new MemoryBudget(options.bufferMemory(), options.batchSize());
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
    byte[] key = aggregateId.getBytes(StandardCharsets.UTF_8);
    if (key.length == 0 || key.length > MAX_AGGREGATE_ID_BYTES) {
      promise.fail(new InvalidInputException("aggregateId", aggregateId, "must be 1 to " + MAX_AGGREGATE_ID_BYTES
          + " UTF-8 bytes, is " + key.length));
      return promise.future();
    }
    int recordBytes = RecordSizes.estimate(key.length, event);
    if (recordBytes + RecordSizes.BATCH_HEADER_BYTES > budget.capacityBytes()) {
      promise.fail(new InvalidInputException("event", recordBytes + " bytes", "is larger than "
          + ClientOptions.BUFFER_MEMORY + " = " + budget.capacityBytes() + " bytes"));
      return promise.future();
    }
    if (!budget.tryReserve(recordBytes)) {
      promise.fail(new BufferExhaustedException(recordBytes, budget.usedBytes(), budget.capacityBytes()));
      return promise.future();
    }
    KeyedEvent keyed = new KeyedEvent(aggregateId, event);
    TopicRoute route = routes.get(topic);
    if (route == null) {
      route = routes.computeIfAbsent(topic, TopicRoute::new);
    }
    PartitionState[] partitions = route.partitions();
    if (partitions == null) {
      TopicRoute.WaitingRecord waiting = new TopicRoute.WaitingRecord(key, keyed, promise, recordBytes);
      if (route.waitIfUnknown(waiting)) {
        maybeLookUp(route);
        return promise.future();
      }
      partitions = route.partitions();
    }
    append(partitions, key, keyed, promise, recordBytes);
    return promise.future();
  }

  private void append(PartitionState[] partitions, byte[] key, KeyedEvent event, Promise<ProduceAck> promise,
                      int recordBytes) {
    PartitionState partition = partitions[Partitioner.partitionFor(key, partitions.length)];
    int result = partition.append(event, promise, recordBytes, batchSizeBytes, budget, System.nanoTime());
    if (result != 0) {
      sender.wakeup();
    }
  }

  private void maybeLookUp(TopicRoute route) {
    if (!route.claimLookup()) {
      return;
    }
    core.metadata().partitionCount(route.topic()).onComplete(answer -> {
      if (answer.succeeded()) {
        List<PartitionState> created = route.resolve(answer.result(),
            (partitions, waiting) -> append(partitions, waiting.key(), waiting.event(), waiting.promise(),
                waiting.recordBytes()));
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
