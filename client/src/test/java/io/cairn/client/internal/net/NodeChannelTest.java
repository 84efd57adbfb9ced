package io.cairn.client.internal.net;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.FakeNode;
import io.cairn.client.NodeAddress;
import io.cairn.client.NodeUnavailableException;
import io.cairn.client.RequestTimeoutException;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.StreamVersion;
import io.cairn.eventstore.StoreClosedException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection state machine against a scripted fake node: pipelining, loss, timeouts, reconnects, idling. */
class NodeChannelTest {

  private static final long TIMEOUT_MS = 2_000;

  Vertx vertx;
  Context context;
  FakeNode node;
  NodeChannel channel;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    node = await(FakeNode.start(vertx, 0));
    node.responder = NodeChannelTest::answer;
  }

  /** A StreamVersion request gets its version from the aggregate id: {@code "v7"} answers 7. */
  private static ResponseBody answer(RequestBody request) {
    StreamVersion.Request version = (StreamVersion.Request) request;
    return StreamVersion.Response.of(Long.parseLong(version.aggregateId().substring(1)));
  }

  @AfterEach
  void stop() {
    try {
      if (channel != null) {
        await(onContext(() -> channel.close()));
      }
      node.close();
    } finally {
      await(vertx.close());
    }
  }

  private NodeChannel channel(int port, long idleMs) {
    ChannelSettings settings = new ChannelSettings(vertx, context,
        vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000)), List.of(new NodeAddress("127.0.0.1",
        port)), "test", new Backoff(10, 50), idleMs, 1 << 20);
    channel = new NodeChannel(settings, "test");
    return channel;
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(ignored -> action.get().onComplete(promise));
    return promise.future();
  }

  private static Exchange versionRequest(long version) {
    return Exchange.of(new StreamVersion.Request("t", "v" + version), "test", TIMEOUT_MS);
  }

  private Future<ResponseBody> send(Exchange exchange) {
    return onContext(() -> {
      channel.send(exchange);
      return exchange.response();
    });
  }

  private static long version(ResponseBody body) {
    return ((StreamVersion.Response) body).version();
  }

  @Test
  void pipelinedRequestsGetTheirOwnAnswersOverOneConnection() {
    // given
    channel(node.port(), 60_000);
    List<Future<ResponseBody>> answers = new ArrayList<>();

    // when
    for (int i = 0; i < 50; i++) {
      answers.add(send(versionRequest(i)));
    }

    // then
    for (int i = 0; i < 50; i++) {
      assertThat(version(await(answers.get(i)))).isEqualTo(i);
    }
    assertThat(node.connections.get()).isEqualTo(1);
  }

  @Test
  void aLostConnectionFailsWhatWasWrittenAndARequestSentFromThatFailureGoesOutOnTheNextConnection() {
    // given
    channel(node.port(), 60_000);
    await(send(versionRequest(1)));
    node.responder = request -> null;
    Exchange held = versionRequest(2);
    Promise<ResponseBody> resent = Promise.promise();
    Future<ResponseBody> first = onContext(() -> {
      channel.send(held);
      held.response().onFailure(failure -> {
        Exchange again = versionRequest(3);
        channel.send(again);
        again.response().onComplete(resent);
      });
      return held.response();
    });
    pollUntil(() -> node.received.size() == 2, Duration.ofSeconds(5), "the held request to arrive");

    // when
    node.responder = NodeChannelTest::answer;
    node.dropConnections();

    // then
    assertThat(failureOf(() -> first)).isInstanceOf(NodeUnavailableException.class).hasMessageContaining("lost");
    assertThat(held.written()).isTrue();
    assertThat(version(await(resent.future()))).isEqualTo(3);
    assertThat(node.connections.get()).isEqualTo(2);
  }

  @Test
  void anUnansweredRequestTimesOutAndTheConnectionIsReplaced() {
    // given
    channel(node.port(), 60_000);
    node.responder = request -> null;

    // when
    Throwable failure = failureOf(() -> send(Exchange.of(new StreamVersion.Request("t", "v1"), "test", 200)));
    node.responder = NodeChannelTest::answer;

    // then
    assertThat(failure).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("200 ms");
    assertThat(version(await(send(versionRequest(9))))).isEqualTo(9);
    assertThat(node.connections.get()).isEqualTo(2);
  }

  @Test
  void requestsWaitUnsentUntilTheNodeListens() throws Exception {
    // given: a port nobody listens on yet
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    channel(port, 60_000);

    // when
    Future<ResponseBody> waiting = send(versionRequest(4));
    pollUntil(() -> await(onContext(() -> Future.succeededFuture(channel.state()))) == NodeChannel.State.BACKOFF,
        Duration.ofSeconds(5), "a refused connection attempt");
    FakeNode late = await(FakeNode.start(vertx, port, NodeChannelTest::answer));

    // then
    try {
      assertThat(version(await(waiting))).isEqualTo(4);
    } finally {
      late.close();
    }
  }

  @Test
  void aFailFastRequestFailsOnceEveryAddressRefusedAndAPlainOneAtItsDeadline() throws Exception {
    // given
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    channel(port, 60_000);
    Exchange failFast = versionRequest(1).failFast();
    Exchange plain = Exchange.of(new StreamVersion.Request("t", "v2"), "test", 300);

    // when
    Throwable fast = failureOf(() -> send(failFast));
    Throwable slow = failureOf(() -> send(plain));

    // then
    assertThat(fast).isInstanceOf(NodeUnavailableException.class).hasMessageContaining("cannot connect");
    assertThat(slow).isInstanceOf(NodeUnavailableException.class).hasMessageContaining("no connection");
    assertThat(plain.written()).isFalse();
  }

  @Test
  void anIdleConnectionIsClosedAndReopenedOnDemand() {
    // given
    channel(node.port(), 100);
    await(send(versionRequest(1)));

    // when
    pollUntil(() -> node.openSockets() == 0, Duration.ofSeconds(5), "the idle connection to close");

    // then
    assertThat(version(await(send(versionRequest(2))))).isEqualTo(2);
    assertThat(node.connections.get()).isEqualTo(2);
  }

  @Test
  void aClosedChannelFailsPendingAndNewRequests() {
    // given
    channel(node.port(), 60_000);
    node.responder = request -> null;
    Future<ResponseBody> pending = send(versionRequest(1));
    pollUntil(() -> node.received.size() == 1, Duration.ofSeconds(5), "the request to arrive");

    // when
    await(onContext(() -> channel.close()));

    // then
    assertThat(failureOf(() -> pending)).isInstanceOf(StoreClosedException.class);
    assertThat(failureOf(() -> send(versionRequest(2)))).isInstanceOf(StoreClosedException.class);
  }
}
