package io.cairn.bench;

import io.cairn.client.BufferExhaustedException;
import io.cairn.client.CairnClient;
import io.cairn.client.CairnProducer;
import io.cairn.client.ProduceAck;
import io.cairn.eventstore.EventData;
import io.vertx.core.Future;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Cairn's network producer ({@link CairnProducer}) as a {@link RecordSink}: one event per record, keyed by
 * its aggregate id, type {@value AppendWorkload#EVENT_TYPE}, the record value as payload and an event id
 * drawn from a seeded random source, on a client (and connection) of its own. When the producer's
 * {@code buffer.memory} is full, {@link #send} blocks until it has room and sends again, as Kafka's
 * {@code send} blocks. Thread-safety as {@link RecordSink}.
 */
public final class CairnRecordSink implements RecordSink {

  private final CairnClient client;
  private final CairnProducer producer;
  private final String topic;
  private final AggregateKeys keys;
  private final SplittableRandom eventIds;

  private CairnRecordSink(CairnClient client, String topic, AggregateKeys keys, long seed) {
    this.client = client;
    this.producer = client.producer();
    this.topic = topic;
    this.keys = keys;
    this.eventIds = new SplittableRandom(seed);
  }

  /** A producer on a new client of {@code bootstrap} that sends to {@code topic}. */
  public static CairnRecordSink open(String bootstrap, String topic, AggregateKeys keys, ProducerSettings settings,
                                     long seed) {
    return new CairnRecordSink(CairnClients.connect(CairnClients.options(bootstrap, settings)), topic, keys, seed);
  }

  @Override
  public void send(int aggregateIndex, byte[] payload, SendCallback callback) {
    EventData event = new EventData(new UUID(eventIds.nextLong(), eventIds.nextLong()), AppendWorkload.EVENT_TYPE,
        payload, List.of());
    Future<ProduceAck> sent = producer.send(topic, keys.id(aggregateIndex), event);
    while (sent.failed() && sent.cause() instanceof BufferExhaustedException) {
      Awaits.await(producer.bufferAvailable(), CairnClients.DELIVERY_TIMEOUT, "room in the producer's buffer");
      sent = producer.send(topic, keys.id(aggregateIndex), event);
    }
    sent.onComplete(ack -> callback.completed(ack.failed() ? ack.cause() : null));
  }

  @Override
  public void flush() {
    Awaits.await(producer.flush(), CairnClients.DELIVERY_TIMEOUT, "flushing the Cairn producer");
  }

  @Override
  public void close() {
    try {
      Awaits.await(producer.close(), CairnClients.DELIVERY_TIMEOUT, "closing the Cairn producer");
    } finally {
      CairnClients.close(client);
    }
  }
}
