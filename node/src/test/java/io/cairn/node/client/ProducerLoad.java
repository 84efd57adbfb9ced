package io.cairn.node.client;

import io.cairn.client.BufferExhaustedException;
import io.cairn.client.CairnProducer;
import io.cairn.client.ProduceAck;
import io.cairn.eventstore.EventData;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends {@code records} events with seeded random ids over {@code aggregates} aggregates from a thread of its
 * own, paced at {@code recordsPerSecond}, waiting for {@link CairnProducer#bufferAvailable()} when the buffer is
 * full. Remembers every event id and the future of its send, in send order.
 */
final class ProducerLoad {

  private final CairnProducer producer;
  private final String topic;
  private final int records;
  private final int aggregates;
  private final long nanosPerRecord;
  private final Random random;
  private final List<UUID> eventIds = new ArrayList<>();
  private final List<String> aggregateIds = new ArrayList<>();
  private final List<Future<ProduceAck>> acks = new ArrayList<>();
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final Thread thread;
  private volatile Throwable crashed;

  ProducerLoad(CairnProducer producer, String topic, int records, int aggregates, int recordsPerSecond, long seed) {
    this.producer = producer;
    this.topic = topic;
    this.records = records;
    this.aggregates = aggregates;
    this.nanosPerRecord = TimeUnit.SECONDS.toNanos(1) / recordsPerSecond;
    this.random = new Random(seed);
    this.thread = new Thread(this::run, "producer-load");
  }

  ProducerLoad start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      long next = System.nanoTime();
      for (int i = 0; i < records; i++) {
        UUID id = new UUID(random.nextLong(), random.nextLong());
        String aggregate = "agg-" + random.nextInt(aggregates);
        EventData event = EventData.of(id, "Loaded", ("record " + i).getBytes(StandardCharsets.UTF_8));
        Future<ProduceAck> ack = producer.send(topic, aggregate, event);
        while (ack.failed() && ack.cause() instanceof BufferExhaustedException) {
          producer.bufferAvailable().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
          ack = producer.send(topic, aggregate, event);
        }
        ack.onSuccess(ignored -> acknowledged.incrementAndGet());
        synchronized (this) {
          eventIds.add(id);
          aggregateIds.add(aggregate);
          acks.add(ack);
        }
        next += nanosPerRecord;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    } catch (Exception | AssertionError e) {
      crashed = e;
    }
  }

  /** Records acknowledged so far. */
  int acknowledged() {
    return acknowledged.get();
  }

  /** Waits until every record was sent (not acknowledged). */
  void awaitSent() throws InterruptedException {
    thread.join(TimeUnit.MINUTES.toMillis(5));
    if (crashed != null) {
      throw new AssertionError("the load thread failed", crashed);
    }
  }

  synchronized List<UUID> eventIds() {
    return List.copyOf(eventIds);
  }

  synchronized List<String> aggregateIds() {
    return List.copyOf(aggregateIds);
  }

  synchronized List<Future<ProduceAck>> acks() {
    return List.copyOf(acks);
  }
}
