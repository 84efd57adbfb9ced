package io.cairn.node.client;

import static io.cairn.node.client.ClientTestSupport.await;
import static io.cairn.node.client.ClientTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.CairnClient;
import io.cairn.client.CairnProducer;
import io.cairn.client.ClientOptions;
import io.cairn.client.NodeUnavailableException;
import io.cairn.client.ProduceAck;
import io.cairn.client.RequestTimeoutException;
import io.cairn.client.UnknownOutcomeException;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.contract.StoreTestSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timeouts, lost answers and reconnects, with a {@link TcpProxy} between the client and an in-process node:
 * each failure is typed, retries follow docs/protocol.md ("Idempotence and retries"), and the client gets its
 * connection back on its own.
 */
class NetworkFailureTest {

  @TempDir
  Path dataDir;
  Vertx vertx;
  NodeBackedStore direct;
  TcpProxy proxy;
  CairnClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    direct = await(NodeBackedStore.start(vertx, dataDir));
    await(direct.createTopic("t", new TopicConfig()));
    proxy = await(TcpProxy.start(vertx, direct.node().protocolPort()));
  }

  @AfterEach
  void stop() {
    try {
      if (client != null) {
        await(client.close());
      }
      proxy.close();
      await(direct.close());
    } finally {
      await(vertx.close());
    }
  }

  private CairnClient connect(UnaryOperator<ClientOptions> options) {
    client = await(CairnClient.connect(vertx, options.apply(new ClientOptions().setBootstrapServers(proxy.bootstrap())
        .setRequestTimeoutMs(500).setDeliveryTimeoutMs(20_000).setRetryBackoffMs(20).setRetryBackoffMaxMs(100)
        .setReconnectBackoffMs(10).setReconnectBackoffMaxMs(100))));
    return client;
  }

  private static AppendRequest append(String aggregate, ExpectedVersion expected, EventData event) {
    return AppendRequest.of("t", aggregate, expected, List.of(event));
  }

  private static EventData event(String payload) {
    return EventData.of("E", payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anUnansweredRequestTimesOutTypedAndTheConnectionIsReopened() {
    // given: no retries left after one attempt
    connect(options -> options.setDeliveryTimeoutMs(600).setRequestTimeoutMs(400));
    proxy.holdAnswers();

    // when
    Throwable failure = failureOf(client.listTopics());
    proxy.passAnswers();

    // then
    assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("request.timeout.ms");
    assertThat(((RequestTimeoutException) failure).retryable()).isTrue();
    assertThat(await(client.listTopics())).containsExactly("t");
  }

  @Test
  void aReadWhoseAnswerWasLostIsRetriedOnANewConnection() {
    // given
    connect(UnaryOperator.identity());
    await(direct.append(append("r", ExpectedVersion.NO_STREAM, event("1"))));
    proxy.holdAnswers();

    // when
    Future<ReadResult> read = client.read("t", 0, 0, 1024);
    StoreTestSupport.pollUntil(() -> proxy.openSockets() >= 2, Duration.ofSeconds(5), "the request to be proxied");
    proxy.cutAll();
    proxy.passAnswers();

    // then
    assertThat(await(read).events()).extracting(StoredEvent::aggregateId).containsExactly("r");
  }

  @Test
  void anAppendExpectingAnyWhoseAnswerWasLostFailsWithUnknownOutcomeAndIsNotSentTwice() {
    // given
    connect(UnaryOperator.identity());
    proxy.holdAnswers();

    // when: the node stores the append, the answer never arrives
    Future<AppendResult> lost = client.append(append("any", ExpectedVersion.ANY, event("once")));
    StoreTestSupport.pollUntil(() -> await(direct.streamVersion("t", "any")) == 1L, Duration.ofSeconds(5),
        "the node to store the append");
    proxy.cutAll();
    proxy.passAnswers();

    // then
    Throwable failure = failureOf(lost);
    assertThat(failure).isInstanceOf(UnknownOutcomeException.class).hasMessageContaining("Append");
    assertThat(((UnknownOutcomeException) failure).retryable()).isTrue();
    assertThat(await(direct.streamVersion("t", "any"))).as("not stored twice").isEqualTo(1L);
  }

  @Test
  void anAppendExpectingAnExactVersionWhoseAnswerWasLostIsRetriedAndRecognised() {
    // given
    connect(UnaryOperator.identity());
    proxy.holdAnswers();

    // when
    Future<AppendResult> lost = client.append(append("exact", ExpectedVersion.NO_STREAM, event("once")));
    StoreTestSupport.pollUntil(() -> await(direct.streamVersion("t", "exact")) == 1L, Duration.ofSeconds(5),
        "the node to store the append");
    proxy.cutAll();
    proxy.passAnswers();

    // then: the retry is answered with the original result, marked duplicate
    AppendResult.Appended result = StoreTestSupport.appended(await(lost));
    assertThat(result.duplicate()).isTrue();
    assertThat(result.firstOffset()).isZero();
    assertThat(await(direct.streamVersion("t", "exact"))).isEqualTo(1L);
  }

  @Test
  void requestsWaitForTheNodeAndFailTypedWhenItNeverComesBack() {
    // given
    connect(options -> options.setDeliveryTimeoutMs(1500).setRequestTimeoutMs(300));
    proxy.refuse(true);
    proxy.cutAll();

    // when
    Throwable failure = failureOf(client.streamVersion("t", "x"));
    proxy.refuse(false);

    // then
    assertThat(failure).isInstanceOfAny(NodeUnavailableException.class, RequestTimeoutException.class);
    assertThat(await(client.streamVersion("t", "x"))).isZero();
  }

  @Test
  void producedBatchesWhoseAnswersWereLostAreResentAndStoredOnce() {
    // given
    CairnProducer producer = connect(options -> options.setLingerMs(1)).producer();
    await(producer.send("t", "warm-up", event("w")));
    proxy.holdAnswers();
    List<Future<ProduceAck>> acks = new ArrayList<>();
    List<UUID> ids = new ArrayList<>();

    // when: the node stores batches whose answers are lost, then the connections drop
    for (int i = 0; i < 200; i++) {
      EventData event = EventData.of("E", ("p" + i).getBytes(StandardCharsets.UTF_8));
      ids.add(event.eventId());
      acks.add(producer.send("t", "agg-" + (i % 5), event));
    }
    StoreTestSupport.pollUntil(() -> await(direct.describeTopic("t")).partitions().get(0).highWatermark() > 1,
        Duration.ofSeconds(5), "the node to store some batches");
    proxy.cutAll();
    proxy.passAnswers();

    // then
    List<Long> offsets = new ArrayList<>();
    for (Future<ProduceAck> ack : acks) {
      offsets.add(await(ack).offset());
    }
    List<StoredEvent> stored = StoreTestSupport.readAll(direct, "t", 0);
    Set<UUID> unique = new HashSet<>();
    stored.forEach(event -> unique.add(event.eventId()));
    assertThat(stored).as("stored once each").hasSize(201).hasSize(unique.size());
    for (int i = 0; i < ids.size(); i++) {
      assertThat(stored.get(offsets.get(i).intValue()).eventId()).as("record %d at its acknowledged offset", i)
          .isEqualTo(ids.get(i));
    }
  }
}
