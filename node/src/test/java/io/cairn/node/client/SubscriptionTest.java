package io.cairn.node.client;

import static io.cairn.node.client.ClientTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.CairnClient;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.contract.StoreTestSupport;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CairnClient.subscribe} beyond the contract suite: it reads ahead only while there is demand (checked on
 * the node's count of Fetch requests), and it ends when the client closes.
 */
class SubscriptionTest {

  private static final Duration QUIET = Duration.ofMillis(500);
  private static final Pattern FETCH_COUNT = Pattern.compile(
      "cairn_protocol_requests_seconds_count\\{[^}]*api=\"Fetch\"[^}]*} ([0-9.E]+)");

  @TempDir
  Path dataDir;
  Vertx vertx;
  NodeBackedStore store;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = await(NodeBackedStore.start(vertx, dataDir, options -> options.setFetchMaxWaitMs(100)
        .setMaxPartitionFetchBytes(64 * 1024)));
    await(store.createTopic("s", new TopicConfig()));
  }

  @AfterEach
  void stop() {
    try {
      await(store.close());
    } finally {
      await(vertx.close());
    }
  }

  private void append(int count) {
    for (int i = 0; i < count; i++) {
      await(store.append(AppendRequest.of("s", "a", ExpectedVersion.ANY,
          List.of(EventData.of("E", ("e" + i).getBytes(StandardCharsets.UTF_8))))));
    }
  }

  /** Fetch requests the node has answered, from its Prometheus endpoint. */
  private long fetchRequests() throws Exception {
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + store.node().httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    Matcher count = FETCH_COUNT.matcher(metrics.body());
    return count.find() ? (long) Double.parseDouble(count.group(1)) : 0;
  }

  @Test
  void aSubscriptionWithoutDemandSendsNoFetch() throws Exception {
    // given: a subscription that asked for one event and then has no demand
    append(10);
    List<StoredEvent> received = new CopyOnWriteArrayList<>();
    ReadStream<StoredEvent> stream = store.subscribe("s", 0, StartPosition.EARLIEST);
    stream.pause();
    stream.handler(received::add);
    stream.fetch(1);
    StoreTestSupport.pollUntil(() -> received.size() == 1, Duration.ofSeconds(10), "the first event");
    StoreTestSupport.assertHoldsFor(() -> received.size() == 1, QUIET, "no more than the demand");
    long fetchesWhilePaused = fetchRequests();

    // when: more events arrive while there is no demand
    append(50);

    // then
    StoreTestSupport.assertHoldsFor(() -> received.size() == 1, QUIET, "nothing delivered without demand");
    assertThat(fetchRequests()).as("no read-ahead without demand").isEqualTo(fetchesWhilePaused);
    stream.resume();
    StoreTestSupport.pollUntil(() -> received.size() == 60, Duration.ofSeconds(10), "all 60 events after resume");
    assertThat(fetchRequests()).isGreaterThan(fetchesWhilePaused);
    assertThat(received).extracting(StoredEvent::offset).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aLiveSubscriptionEndsWhenTheClientCloses() {
    // given
    CairnClient client = store.client();
    AtomicBoolean ended = new AtomicBoolean();
    List<StoredEvent> received = new CopyOnWriteArrayList<>();
    ReadStream<StoredEvent> stream = client.subscribe("s", 0, StartPosition.LATEST);
    stream.endHandler(ignored -> ended.set(true));
    stream.handler(received::add);
    append(1);
    StoreTestSupport.pollUntil(() -> received.size() == 1, Duration.ofSeconds(10), "the live event");

    // when
    await(client.close());

    // then
    StoreTestSupport.pollUntil(ended::get, Duration.ofSeconds(10), "the subscription to end");
    assertThat(received).hasSize(1);
  }

  @Test
  void settingTheHandlerToNullEndsTheSubscription() {
    AtomicBoolean ended = new AtomicBoolean();
    ReadStream<StoredEvent> stream = store.subscribe("s", 0, StartPosition.EARLIEST);
    stream.endHandler(ignored -> ended.set(true));
    stream.handler(event -> { });
    stream.handler(null);
    StoreTestSupport.pollUntil(ended::get, Duration.ofSeconds(10), "the subscription to end");
  }
}
