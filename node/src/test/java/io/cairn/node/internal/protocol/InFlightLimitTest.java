package io.cairn.node.internal.protocol;

import static io.cairn.node.NodeTestSupport.awaitCondition;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.await;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.protocol.Append;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.node.internal.NodeMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max.in.flight.requests.per.connection}: with the limit reached the connection reads nothing more (the
 * next request is not even decoded, let alone run) until an answer goes out. Runs the protocol server directly
 * on a local store so the test can see the connection pause.
 */
class InFlightLimitTest {

  private static final String TOPIC = "bank.account";

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private EventStore store;
  private NodeMetrics metrics;
  private ProtocolServer server;

  @BeforeEach
  void startServer() throws Exception {
    vertx = Vertx.vertx();
    store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)));
    await(store.createTopic(TOPIC, new TopicConfig()));
    metrics = new NodeMetrics();
    server = await(ProtocolServer.start(vertx, store, metrics, new ProtocolLimits(Frames.DEFAULT_MAX_FRAME_BYTES, 1,
        60_000, 10, 5_000), RawProtocolClient.HOST, 0, 1, "test"));
  }

  @AfterEach
  void stopServer() throws Exception {
    await(server.shutdown());
    await(store.close());
    metrics.close();
    await(vertx.close());
  }

  @Test
  void aConnectionAtItsLimitStopsReadingUntilAnAnswerGoesOut() throws Exception {
    try (RawProtocolClient client = RawProtocolClient.connect(server.actualPort())) {
      // given: a long poll on partition 0, and behind it (same write) an append to that very partition
      Fetch.Request poll = new Fetch.Request(30_000, 1024 * 1024, List.of(new TopicItems<>(TOPIC,
          List.of(new Fetch.PartitionData(0, 0, 1024 * 1024)))));
      Append.Request append = Append.Request.of(AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.ANY,
          List.of(event("Piped", "{}"))));
      Buffer both = client.frame(poll).appendBuffer(client.frame(append));

      // when
      client.sendRaw(both);
      awaitCondition(() -> server.pausedConnections() == 1, "the connection to stop reading at its limit");

      // then: the append was not run (had it been, it would also have answered the long poll)
      assertThat(await(store.streamVersion(TOPIC, "acc-1"))).isZero();

      // when: another writer wakes the long poll
      await(store.append(AppendRequest.of(TOPIC, "acc-2", ExpectedVersion.ANY, List.of(event("Woke", "{}")))));

      // then: the poll returns that event, then the piped append runs and lands after it
      Fetch.Response fetched = (Fetch.Response) client.receive().response();
      assertThat(fetched.topics().get(0).partitions().get(0).toResult(TOPIC, 0).events())
          .extracting(StoredEvent::type).containsExactly("Woke");
      Append.Response appended = (Append.Response) client.receive().response();
      assertThat(appended.errorCode()).isEqualTo(ErrorCode.NONE);
      assertThat(appended.toResult(ExpectedVersion.ANY)).isInstanceOfSatisfying(AppendResult.Appended.class,
          result -> assertThat(result.firstOffset()).isEqualTo(1));
      awaitCondition(() -> server.pausedConnections() == 0, "the connection to read again");
    }
  }
}
