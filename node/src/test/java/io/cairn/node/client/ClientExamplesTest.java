package io.cairn.node.client;

import static io.cairn.node.client.ClientTestSupport.await;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.BufferExhaustedException;
import io.cairn.client.CairnClient;
import io.cairn.client.CairnConsumer;
import io.cairn.client.CairnProducer;
import io.cairn.client.ClientOptions;
import io.cairn.client.ProduceAck;
import io.cairn.client.TopicPartition;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code of docs/client.md, compiled and run against an in-process node. Each section of the document is
 * copied from one method here; keep them the same.
 */
class ClientExamplesTest {

  @TempDir
  Path dataDir;
  Vertx vertx;
  CairnNode node;
  String bootstrap;

  @BeforeEach
  void startNode() {
    vertx = Vertx.vertx();
    node = await(CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(0).setPort(0)));
    bootstrap = "127.0.0.1:" + node.protocolPort();
  }

  @AfterEach
  void stopNode() {
    try {
      await(node.stop());
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void connectAndUseTheEventStoreApi() {
    // docs/client.md "Connecting"
    CairnClient client = CairnClient.connect(vertx, new ClientOptions()
            .setBootstrapServers(bootstrap)          // "127.0.0.1:7070"
            .setClientId("bank-service"))
        .await();
    EventStore store = client;                       // the same API as the local store
    store.createTopic("bank.account", new TopicConfig().setPartitions(3)).await();
    AppendResult result = store.append(AppendRequest.of("bank.account", "acct-1", ExpectedVersion.NO_STREAM,
        List.of(EventData.of("AccountOpened", "{\"owner\":\"Ada\"}".getBytes(UTF_8))))).await();
    StreamSlice slice = store.readStream("bank.account", "acct-1", 1, 100).await();
    client.close().await();

    assertThat(result).isInstanceOf(AppendResult.Appended.class);
    assertThat(slice.events()).hasSize(1);
  }

  @Test
  void produceWithBatching() {
    CairnClient client = await(CairnClient.connect(vertx, new ClientOptions().setBootstrapServers(bootstrap)));
    await(client.createTopic("bank.account", new TopicConfig().setPartitions(3)));

    // docs/client.md "Producing"
    CairnProducer producer = client.producer();
    Future<ProduceAck> ack = producer.send("bank.account", "acct-1",
        EventData.of("Deposited", "{\"amount\":10}".getBytes(UTF_8)));
    ack.onSuccess(stored -> System.out.printf("stored at %d/%d%n", stored.partition(), stored.offset()));
    producer.flush().await();                        // or wait for linger.ms
    producer.close().await();

    assertThat(ack.result().offset()).isZero();
    await(client.close());
  }

  @Test
  void produceUnderBackpressure() {
    CairnClient client = await(CairnClient.connect(vertx, new ClientOptions().setBootstrapServers(bootstrap)
        .setBufferMemory(64 * 1024).setCompressionType(CompressionType.LZ4)));
    await(client.createTopic("bank.account", new TopicConfig().setPartitions(3)));
    CairnProducer producer = client.producer();
    EventData event = EventData.of("Deposited", "{\"amount\":10}".getBytes(UTF_8));

    // docs/client.md "Backpressure"
    for (int i = 0; i < 10_000; i++) {
      Future<ProduceAck> sent = producer.send("bank.account", "acct-" + (i % 100), event);
      while (sent.failed() && sent.cause() instanceof BufferExhaustedException) {
        producer.bufferAvailable().await();          // from a plain thread; on an event loop, compose instead
        sent = producer.send("bank.account", "acct-" + (i % 100), event);
      }
    }
    producer.flush().await();

    long stored = 0;
    for (int p = 0; p < 3; p++) {
      stored += await(client.describeTopic("bank.account")).partitions().get(p).highWatermark();
    }
    assertThat(stored).isEqualTo(10_000);
    await(client.close());
  }

  @Test
  void consumeByPolling() {
    CairnClient client = await(CairnClient.connect(vertx, new ClientOptions().setBootstrapServers(bootstrap)
        .setMaxPollRecords(100)));
    await(client.createTopic("bank.account", new TopicConfig().setPartitions(3)));
    await(client.append(AppendRequest.of("bank.account", "acct-1", ExpectedVersion.NO_STREAM,
        List.of(EventData.of("AccountOpened", "{}".getBytes(UTF_8))))));

    // docs/client.md "Consuming"
    CairnConsumer consumer = client.consumer();
    consumer.assign(List.of(new TopicPartition("bank.account", 0), new TopicPartition("bank.account", 1),
        new TopicPartition("bank.account", 2)));
    consumer.seekToBeginning(consumer.assignment());
    List<StoredEvent> events = consumer.poll(500).await();   // at most max.poll.records
    for (StoredEvent event : events) {
      System.out.printf("%s v%d %s%n", event.aggregateId(), event.version(), event.type());
    }
    consumer.close().await();

    assertThat(events).extracting(StoredEvent::type).containsExactly("AccountOpened");
    await(client.close());
  }

  @Test
  void subscribeWithBackpressure() {
    CairnClient client = await(CairnClient.connect(vertx, new ClientOptions().setBootstrapServers(bootstrap)));
    await(client.createTopic("bank.account", new TopicConfig()));
    await(client.append(AppendRequest.of("bank.account", "acct-1", ExpectedVersion.NO_STREAM,
        List.of(EventData.of("AccountOpened", "{}".getBytes(UTF_8))))));
    List<StoredEvent> seen = new CopyOnWriteArrayList<>();

    // docs/client.md "Subscribing"
    ReadStream<StoredEvent> stream = client.subscribe("bank.account", 0, StartPosition.EARLIEST);
    stream.exceptionHandler(failure -> System.err.println("subscription failed: " + failure));
    stream.handler(event -> {
      seen.add(event);
      stream.pause();                                // no more events, and no more Fetch requests...
      vertx.setTimer(10, t -> stream.resume());      // ...until the slow work is done
    });

    io.cairn.eventstore.contract.StoreTestSupport.pollUntil(() -> seen.size() == 1, Duration.ofSeconds(10),
        "the event");
    stream.handler(null);                            // ends the subscription
    await(client.close());
  }
}
