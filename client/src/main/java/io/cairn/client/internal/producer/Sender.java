package io.cairn.client.internal.producer;

import io.cairn.client.ClientOptions;
import io.cairn.client.NodeUnavailableException;
import io.cairn.client.RequestTimeoutException;
import io.cairn.client.UnknownOutcomeException;
import io.cairn.client.internal.net.Backoff;
import io.cairn.client.internal.core.ClientCore;
import io.cairn.client.internal.core.RetryRule;
import io.cairn.client.internal.net.Exchange;
import io.cairn.client.internal.net.NodeChannel;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.InitProducerId;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StoreClosedException;
import io.vertx.core.AsyncResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's I/O side (Kafka's Sender): on the client's event loop it takes sendable batches from the
 * partition queues, numbers them and finishes their headers (the records were serialized in {@code send}),
 * packs one batch per partition into Produce requests of up to {@code max.request.size} bytes (once one
 * partition has a batch to send, the other partitions' open batches go along, younger than
 * {@code linger.ms} or not, as Kafka's drain takes every partition of a ready node), keeps at most
 * {@code max.in.flight.requests.per.connection} requests unanswered, and settles each batch from its
 * partition's answer: stored (a duplicate counts), sent again after a retryable failure with backoff and in
 * order, or failed.
 *
 * <p>Rules (docs/client.md, "Retries and idempotence"): a batch is sent again, with its sequence, after a
 * lost connection, a request timeout or a retryable error, while {@code delivery.timeout.ms} since its
 * creation has not passed. {@code OUT_OF_ORDER_SEQUENCE} for a batch behind one being retried is a
 * consequence and is retried too; for the oldest unacknowledged batch it is final. A numbered batch that
 * fails for good breaks its partition's sequence: the partition then waits for its in-flight batches,
 * fails those waiting to be sent again whose outcome is unknown, bumps its epoch and starts again at 0.
 *
 * <p>Thread-safety: {@link #wakeup()} and {@link #register} from any thread; everything else runs on the
 * client's context.
 */
final class Sender {

  private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

  private final ClientCore core;
  private final String name;
  private final BooleanSupplier stopped;
  private final Consumer<String> forgetTopic;
  private final List<PartitionState> partitions = new CopyOnWriteArrayList<>();
  private final AtomicBoolean wakeupScheduled = new AtomicBoolean();
  private final Backoff retryBackoff;
  private final long lingerNanos;
  private final long deliveryTimeoutNanos;
  private final boolean idempotent;
  private final short acks;
  private final int maxInFlightRequests;
  private final int maxRequestSizeBytes;
  private final int requestTimeoutMs;
  private final CompressionType compression;

  private ProducerId producerId;
  private boolean producerIdRequested;
  private int inFlightRequests;
  private long timerId = -1;
  private long timerAtNanos;
  private int roundRobin;
  private int flushesRunning;
  private boolean draining;
  private boolean drainAgain;

  /**
   * @param stopped     whether the client is closed: everything left fails with {@link StoreClosedException}
   * @param forgetTopic called with a topic the node no longer knows, so that its partition count is looked up
   *                    again
   */
  Sender(ClientCore core, String name, BooleanSupplier stopped, Consumer<String> forgetTopic) {
    ClientOptions options = core.options();
    this.core = core;
    this.name = name;
    this.stopped = stopped;
    this.forgetTopic = forgetTopic;
    this.retryBackoff = new Backoff(options.retryBackoffMs(), options.retryBackoffMaxMs());
    this.lingerNanos = options.lingerMs() * 1_000_000L;
    this.deliveryTimeoutNanos = options.deliveryTimeoutMs() * 1_000_000L;
    this.idempotent = options.enableIdempotence();
    this.acks = options.acks().wireValue();
    this.maxInFlightRequests = options.maxInFlightRequestsPerConnection();
    this.maxRequestSizeBytes = options.maxRequestSize();
    this.requestTimeoutMs = options.requestTimeoutMs();
    this.compression = options.compressionType();
  }

  /** Adds partitions the producer routes to. Any thread. */
  void register(List<PartitionState> created) {
    partitions.addAll(created);
  }

  /** Every partition known. */
  List<PartitionState> partitions() {
    return partitions;
  }

  /** Schedules a drain on the client's context; many calls before it runs cost one. Any thread. */
  void wakeup() {
    if (wakeupScheduled.compareAndSet(false, true)) {
      core.context().runOnContext(ignored -> {
        wakeupScheduled.set(false);
        drain();
      });
    }
  }

  /**
   * Starts a flush: until {@link #flushEnded()}, batches are sent without waiting for {@code linger.ms}, also
   * those opened meanwhile (records that waited for metadata). Client context only.
   */
  void flushStarted() {
    flushesRunning++;
  }

  /** Ends a flush started with {@link #flushStarted()}. Client context only. */
  void flushEnded() {
    flushesRunning--;
  }

  /** The producer id, once the node handed it out. */
  ProducerId producerId() {
    return producerId;
  }

  /** Sends what may be sent now and arms a timer for what may be sent later. Client context only. */
  void drain() {
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    try {
      do {
        drainAgain = false;
        drainOnce();
      } while (drainAgain);
    } finally {
      draining = false;
    }
  }

  private void drainOnce() {
    long now = System.nanoTime();
    if (stopped.getAsBoolean()) {
      failUnsent(new StoreClosedException("producer " + name));
      return;
    }
    expire(now);
    if (idempotent && producerId == null) {
      requestProducerId();
      scheduleNext(now);
      return;
    }
    for (PartitionState partition : partitions) {
      if (idempotent) {
        partition.maybeInitEpoch(producerId.epoch());
      }
      maybeReset(partition);
    }
    while (inFlightRequests < maxInFlightRequests) {
      List<ProducerBatch> batches = collect(now);
      if (batches.isEmpty()) {
        break;
      }
      send(batches);
    }
    scheduleNext(now);
  }

  // ---------------------------------------------------------------------------------------------
  // collecting and encoding

  private List<ProducerBatch> collect(long now) {
    boolean lingerOver = flushesRunning > 0 || anySendable(now);
    List<ProducerBatch> picked = new ArrayList<>();
    long requestBytes = 0;
    int count = partitions.size();
    int start = roundRobin++;
    for (int i = 0; i < count; i++) {
      PartitionState partition = partitions.get(Math.floorMod(start + i, count));
      if (isHeld(partition, now)) {
        continue;
      }
      ProducerBatch batch;
      if (partition.retryMayGo()) {
        batch = partition.retries().peekFirst();
        if (batch.encoded() == null && !encode(batch, partition)) {
          partition.retries().pollFirst();
          continue;
        }
        if (!picked.isEmpty() && requestBytes + batch.encoded().remaining() > maxRequestSizeBytes) {
          continue;
        }
        partition.retries().pollFirst();
      } else if (!partition.retries().isEmpty()) {
        continue;
      } else {
        ProducerBatch head = partition.peekSendable(now, lingerNanos, lingerOver);
        if (head == null || (!picked.isEmpty() && requestBytes + head.sizeInBytes() > maxRequestSizeBytes)) {
          continue;
        }
        batch = partition.pollSendable(now, lingerNanos, true);
        if (batch == null || !encode(batch, partition)) {
          continue;
        }
      }
      picked.add(batch);
      requestBytes += batch.encoded().remaining();
    }
    return picked;
  }

  /**
   * Whether some partition has a batch to send now (a retry whose backoff is over, or a batch that is full
   * or {@code linger.ms} old). If so, a request goes out, and as in Kafka's producer the open batches of the
   * other partitions ride along in it instead of waiting out their own linger.
   */
  private boolean anySendable(long now) {
    for (PartitionState partition : partitions) {
      if (isHeld(partition, now)) {
        continue;
      }
      if (partition.retryMayGo()
          || (partition.retries().isEmpty() && partition.peekSendable(now, lingerNanos, false) != null)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code partition} sends nothing now: its sequence is being reset, or it backs off after an error. */
  private static boolean isHeld(PartitionState partition, long now) {
    return partition.resetPending() || partition.backingOff(now);
  }

  /**
   * Numbers {@code batch} and finishes its header (its records were serialized at {@code send}); false, the
   * batch failed, if that is impossible.
   */
  private boolean encode(ProducerBatch batch, PartitionState partition) {
    int sequence = idempotent ? partition.peekSequence() : -1;
    ProducerInfo producer = idempotent
        ? new ProducerInfo(producerId.id(), partition.epoch(), sequence) : ProducerInfo.NONE;
    try {
      batch.encode(compression, producer);
    } catch (RuntimeException e) {
      batch.fail(new CairnException("cannot encode " + batch + ": " + e, false, e));
      return false;
    }
    if (idempotent) {
      partition.takeSequence(batch.recordCount());
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // sending and answers

  private void send(List<ProducerBatch> batches) {
    Map<String, List<Produce.PartitionData>> byTopic = new LinkedHashMap<>();
    for (ProducerBatch batch : batches) {
      PartitionState partition = batch.partition();
      byTopic.computeIfAbsent(partition.topic(), t -> new ArrayList<>())
          .add(new Produce.PartitionData(partition.partition(), batch.encoded().duplicate()));
      batch.markSent(batch.attempts() == 0 ? partition.takeSendOrder() : -1);
      partition.inFlight().addLast(batch);
    }
    Exchange exchange = Exchange.of(new Produce.Request(acks, requestTimeoutMs, TopicItems.of(byTopic)),
        core.options().clientId(), requestTimeoutMs);
    NodeChannel channel = core.main().acquire();
    inFlightRequests++;
    channel.send(exchange);
    exchange.response().onComplete(answer -> {
      core.main().release(channel);
      inFlightRequests--;
      settle(batches, exchange, answer);
      drain();
    });
  }

  private void settle(List<ProducerBatch> batches, Exchange exchange, AsyncResult<ResponseBody> answer) {
    for (ProducerBatch batch : batches) {
      batch.partition().inFlight().remove(batch);
    }
    if (answer.failed()) {
      Throwable cause = answer.cause();
      boolean transport = cause instanceof NodeUnavailableException || cause instanceof RequestTimeoutException;
      for (ProducerBatch batch : batches) {
        if (transport && !stopped.getAsBoolean()) {
          if (exchange.written()) {
            batch.markMaybeStored();
          }
          retry(batch, cause);
        } else {
          failForGood(batch, cause);
        }
      }
      return;
    }
    Produce.Response response = (Produce.Response) answer.result();
    if (response == null) {
      batches.forEach(batch -> batch.complete(-1));
      return;
    }
    if (response.isError()) {
      for (ProducerBatch batch : batches) {
        settlePartition(batch, response.errorCode(), response.errorMessage(), -1);
      }
      return;
    }
    for (ProducerBatch batch : batches) {
      Produce.PartitionResponse answerOf = find(response, batch.partition());
      if (answerOf == null) {
        failForGood(batch, new CairnException("the node's Produce answer has no entry for " + batch.partition(), false));
      } else {
        settlePartition(batch, answerOf.errorCode(), answerOf.errorMessage(), answerOf.baseOffset());
      }
    }
  }

  private static Produce.PartitionResponse find(Produce.Response response, PartitionState partition) {
    for (TopicItems<Produce.PartitionResponse> topic : response.topics()) {
      if (topic.name().equals(partition.topic())) {
        for (Produce.PartitionResponse answer : topic.partitions()) {
          if (answer.partition() == partition.partition()) {
            return answer;
          }
        }
      }
    }
    return null;
  }

  private void settlePartition(ProducerBatch batch, ErrorCode code, String message, long baseOffset) {
    PartitionState partition = batch.partition();
    if (code == ErrorCode.NONE) {
      partition.succeeded();
      batch.complete(baseOffset);
      return;
    }
    CairnException error = code.toException(message);
    if (code == ErrorCode.OUT_OF_ORDER_SEQUENCE && (!partition.retries().isEmpty() || partition.resetPending())) {
      retry(batch, error);
    } else if (code.retryable()) {
      if (code == ErrorCode.REQUEST_TIMED_OUT || code == ErrorCode.STORAGE_ERROR) {
        batch.markMaybeStored();
      }
      retry(batch, error);
    } else {
      if (code == ErrorCode.UNKNOWN_TOPIC) {
        forgetTopic.accept(partition.topic());
      }
      failForGood(batch, error);
    }
  }

  private void retry(ProducerBatch batch, Throwable error) {
    batch.lastError(error);
    long now = System.nanoTime();
    if (now - batch.createdNanos() >= deliveryTimeoutNanos) {
      failForGood(batch, expired(batch, error));
      return;
    }
    PartitionState partition = batch.partition();
    partition.addRetry(batch);
    if (!partition.backingOff(now)) {
      partition.backOffUntil(now + retryBackoff.delayMs(partition.consecutiveRetries()) * 1_000_000L);
    }
    LOG.debug("producer {} sends {} again after: {}", name, batch, error.toString());
  }

  /** Fails {@code batch}; a numbered one breaks its partition's sequence, which is then restarted. */
  private void failForGood(ProducerBatch batch, Throwable error) {
    batch.fail(error);
    if (batch.hasSequence()) {
      batch.partition().requestReset();
    }
  }

  private RequestTimeoutException expired(ProducerBatch batch, Throwable lastError) {
    return new RequestTimeoutException(batch.recordCount() + " records for " + batch.partition() + " have no outcome "
        + "within " + ClientOptions.DELIVERY_TIMEOUT_MS + " = " + core.options().deliveryTimeoutMs() + " ms of send()"
        + (batch.maybeStored() ? "; they may or may not be stored" : "; they were not stored")
        + (lastError == null ? "" : "; last error: " + lastError.getMessage()), lastError);
  }

  private void maybeReset(PartitionState partition) {
    if (!partition.resetPending() || !partition.inFlight().isEmpty()) {
      return;
    }
    Iterator<ProducerBatch> retries = partition.retries().iterator();
    while (retries.hasNext()) {
      ProducerBatch batch = retries.next();
      if (batch.maybeStored()) {
        retries.remove();
        batch.fail(new UnknownOutcomeException(batch.recordCount() + " records for " + batch.partition()
            + " may or may not be stored: an earlier batch of the partition failed for good, so its sequence "
            + "restarts and this batch cannot be sent again safely", batch.lastError()));
      }
    }
    if (partition.maybeReset()) {
      LOG.warn("producer {} restarts the sequence of {} at epoch {}", name, partition, partition.epoch());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // timers, producer id, expiry

  private void expire(long now) {
    long createdBefore = now - deliveryTimeoutNanos;
    for (PartitionState partition : partitions) {
      for (ProducerBatch batch : partition.removeQueuedCreatedBefore(createdBefore)) {
        batch.fail(expired(batch, null));
      }
      if (partition.retries().isEmpty()) {
        continue;
      }
      Iterator<ProducerBatch> retries = partition.retries().iterator();
      while (retries.hasNext()) {
        ProducerBatch batch = retries.next();
        if (batch.createdNanos() - createdBefore <= 0) {
          retries.remove();
          failForGood(batch, expired(batch, batch.lastError()));
        }
      }
    }
  }

  private void scheduleNext(long now) {
    long next = Long.MAX_VALUE;
    for (PartitionState partition : partitions) {
      long oldest = partition.oldestQueuedCreatedNanos(Long.MAX_VALUE);
      if (oldest != Long.MAX_VALUE) {
        next = earliest(next, oldest + deliveryTimeoutNanos, now);
        long sendable = flushesRunning > 0 ? now : partition.sendableAtNanos(lingerNanos);
        if (sendable - now > 0) {
          next = earliest(next, sendable, now);
        }
      }
      if (!partition.retries().isEmpty()) {
        next = earliest(next, partition.retries().peekFirst().createdNanos() + deliveryTimeoutNanos, now);
      }
      if ((oldest != Long.MAX_VALUE || !partition.retries().isEmpty()) && partition.backingOff(now)) {
        next = earliest(next, partition.backoffUntilNanos(), now);
      }
    }
    if (next == Long.MAX_VALUE) {
      return;
    }
    if (timerId != -1) {
      if (next - timerAtNanos >= 0) {
        return;
      }
      core.vertx().cancelTimer(timerId);
    }
    timerAtNanos = next;
    long delayMs = Math.max(1, (next - now + 999_999) / 1_000_000);
    timerId = core.vertx().setTimer(delayMs, ignored -> {
      timerId = -1;
      drain();
    });
  }

  private static long earliest(long current, long candidate, long now) {
    if (current == Long.MAX_VALUE) {
      return candidate;
    }
    return candidate - current < 0 ? candidate : current;
  }

  private void requestProducerId() {
    if (producerIdRequested) {
      return;
    }
    producerIdRequested = true;
    core.calls().<InitProducerId.Response>call(core.main(), new InitProducerId.Request(), RetryRule.ALWAYS, 0)
        .onComplete(answer -> {
          producerIdRequested = false;
          if (answer.succeeded()) {
            producerId = answer.result().toProducerId();
            LOG.debug("producer {} has id {} epoch {}", name, producerId.id(), producerId.epoch());
            drain();
          } else if (!stopped.getAsBoolean()) {
            LOG.warn("producer {} has no producer id yet, asking again: {}", name, answer.cause().toString());
            core.vertx().setTimer(Math.max(1, retryBackoff.delayMs(0)), ignored -> drain());
          } else {
            drain();
          }
        });
  }

  /** Fails everything not in flight (the client closed); in-flight batches fail when their channel closes. */
  private void failUnsent(Throwable error) {
    for (PartitionState partition : partitions) {
      for (ProducerBatch batch : partition.removeQueuedCreatedBefore(System.nanoTime())) {
        batch.fail(error);
      }
      while (!partition.retries().isEmpty()) {
        partition.retries().pollFirst().fail(error);
      }
    }
    if (timerId != -1) {
      core.vertx().cancelTimer(timerId);
      timerId = -1;
    }
  }
}
