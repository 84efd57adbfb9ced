package io.cairn.bench;

import io.cairn.client.CairnClient;
import io.cairn.client.CairnConsumer;
import io.cairn.client.ClientOptions;
import io.cairn.client.TopicPartition;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicDescription;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Cairn's network consumer ({@link CairnConsumer}) as a {@link RecordSource}, on a client of its own:
 * assigned every partition of the topic, positioned at the beginning, polled in a chain (each poll starts
 * when the previous one completed) with a long-poll wait of {@value #POLL_MAX_WAIT_MS} ms, as Kafka's
 * {@code fetch.max.wait.ms} default; the handler runs on the client's event loop. Thread-safety as
 * {@link RecordSource}.
 */
public final class CairnRecordSource implements RecordSource {

  /** Long-poll wait of each poll, ms. */
  public static final long POLL_MAX_WAIT_MS = 500;

  private final CairnClient client;
  private final CairnConsumer consumer;
  private final String topic;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Promise<Void> stopped = Promise.promise();
  private volatile boolean stopping;
  private boolean started;

  private CairnRecordSource(CairnClient client, String topic) {
    this.client = client;
    this.consumer = client.consumer();
    this.topic = topic;
  }

  /** A consumer on a new client of {@code bootstrap} that will read {@code topic}. */
  public static CairnRecordSource open(String bootstrap, String topic) {
    return new CairnRecordSource(CairnClients.connect(new ClientOptions().setBootstrapServers(bootstrap)
        .setClientId("cairn-bench-e2e")), topic);
  }

  @Override
  public void start(Consumer<byte[]> handler) {
    TopicDescription description = Awaits.await(client.describeTopic(topic), CairnClients.ADMIN_TIMEOUT,
        "describing topic " + topic);
    List<TopicPartition> partitions = description.partitions().stream()
        .map(partition -> new TopicPartition(topic, partition.partition()))
        .toList();
    consumer.assign(partitions).seekToBeginning(partitions);
    // resolve the positions now, so that nothing produced from here on can be skipped
    for (TopicPartition partition : partitions) {
      Awaits.await(consumer.position(partition), CairnClients.ADMIN_TIMEOUT, "the position of " + partition);
    }
    started = true;
    pollNext(handler);
  }

  private void pollNext(Consumer<byte[]> handler) {
    if (stopping) {
      stopped.tryComplete();
      return;
    }
    consumer.poll(POLL_MAX_WAIT_MS).onComplete(polled -> {
      if (polled.failed()) {
        if (!stopping) {
          failure.compareAndSet(null, polled.cause());
        }
        stopped.tryComplete();
        return;
      }
      if (!stopping) {
        for (StoredEvent event : polled.result()) {
          handler.accept(event.payload());
        }
      }
      pollNext(handler);
    });
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void close() {
    stopping = true;
    try {
      Awaits.await(consumer.close(), CairnClients.ADMIN_TIMEOUT, "closing the Cairn consumer");
      if (started) {
        Awaits.await(stopped.future(), CairnClients.ADMIN_TIMEOUT, "the Cairn consumer's last poll");
      }
    } finally {
      CairnClients.close(client);
    }
  }
}
