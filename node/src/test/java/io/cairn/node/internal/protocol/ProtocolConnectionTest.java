package io.cairn.node.internal.protocol;

import static io.cairn.node.NodeTestSupport.awaitCondition;
import static io.cairn.node.NodeTestSupport.scrapeMetrics;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.await;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.batch;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.protocol.ApiKey;
import io.cairn.client.protocol.ApiVersions;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.ErrorFrame;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.ResponseHeader;
import io.cairn.client.protocol.StreamVersion;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import io.cairn.node.internal.NodeMetrics;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection rules of docs/protocol.md against a real node over real sockets: answers in request order,
 * refused frames (oversized, garbage, unknown api, unsupported version) close only their own connection after
 * an error frame, idle timeout, connection limit, acks 0, and a stop that answers what is in flight.
 */
class ProtocolConnectionTest {

  private static final String TOPIC = "bank.account";
  private static final long SEED = 20_251_121L;

  @TempDir
  Path dataDir;

  private CairnNode node;
  private final List<RawProtocolClient> clients = new ArrayList<>();

  @AfterEach
  void stopNode() throws Exception {
    for (RawProtocolClient client : clients) {
      client.close();
    }
    if (node != null) {
      await(node.stop());
    }
  }

  @Test
  void answersLeaveInRequestOrderEvenWhenALaterRequestCompletesFirst() throws Exception {
    // given: a long-poll Fetch on an empty partition, then an ApiVersions pipelined behind it
    startNode(UnaryOperator.identity());
    RawProtocolClient client = connect();
    int fetchId = client.send(fetchFromStart(30_000));
    int versionsId = client.send(new ApiVersions.Request());

    // when: the Fetch gets its record only now, long after ApiVersions could have been answered
    await(node.store().append(AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.ANY, List.of(event("Opened", "{}")))));

    // then
    RawProtocolClient.Received first = client.receive();
    RawProtocolClient.Received second = client.receive();
    assertThat(first.correlationId()).isEqualTo(fetchId);
    assertThat(((Fetch.Response) first.response()).topics().get(0).partitions().get(0).toResult(TOPIC, 0).events())
        .extracting(StoredEvent::type).containsExactly("Opened");
    assertThat(second.correlationId()).isEqualTo(versionsId);
    assertThat(((ApiVersions.Response) second.response()).errorCode()).isEqualTo(ErrorCode.NONE);
  }

  @Test
  void anOversizedFrameClosesOnlyItsConnection() throws Exception {
    // given
    startNode(options -> options.setSocketRequestMaxBytes(NodeOptions.MIN_SOCKET_REQUEST_MAX_BYTES));
    RawProtocolClient good = connect();
    RawProtocolClient bad = connect();
    assertThat(good.<ApiVersions.Response>call(new ApiVersions.Request()).errorCode()).isEqualTo(ErrorCode.NONE);

    // when: a size prefix of 2 GiB, and nothing behind it
    bad.sendRaw(Buffer.buffer().appendInt(Integer.MAX_VALUE));

    // then
    ErrorFrame error = bad.receive().error();
    assertThat(error.correlationId()).isEqualTo(ResponseHeader.CONNECTION_ERROR_CORRELATION_ID);
    assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(error.errorMessage()).contains("2147483647").contains("socket.request.max.bytes");
    assertThat(bad.closedByNode()).isTrue();
    assertThat(good.<StreamVersion.Response>call(new StreamVersion.Request(TOPIC, "acc-1")).version()).isZero();
  }

  @Test
  void garbageBytesGetAnErrorFrameAndCloseTheConnectionWithoutHarmingStoredData() throws Exception {
    // given: a stored event and a good client
    startNode(UnaryOperator.identity());
    await(node.store().append(AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.NO_STREAM, List.of(event("Opened", "{}")))));
    RawProtocolClient good = connect();
    Random random = new Random(SEED);

    for (int round = 0; round < 20; round++) {
      // when: a frame of random bytes (the size is right, the payload is noise)
      RawProtocolClient bad = connect();
      byte[] noise = new byte[1 + random.nextInt(64)];
      random.nextBytes(noise);
      bad.sendRaw(Buffer.buffer().appendInt(noise.length).appendBytes(noise));

      // then: an error frame that closes the connection, or (rarely) a valid request answered normally
      RawProtocolClient.Received received = bad.receive();
      ErrorCode code = ErrorCode.forCode(received.payload().getShort(ResponseHeader.BYTES));
      if (code != ErrorCode.NONE) {
        assertThat(code).as("seed %d round %d", SEED, round).isIn(ErrorCode.MALFORMED_REQUEST, ErrorCode.UNKNOWN_API,
            ErrorCode.UNSUPPORTED_VERSION);
        assertThat(bad.closedByNode()).isTrue();
      }
    }
    assertThat(good.<StreamVersion.Response>call(new StreamVersion.Request(TOPIC, "acc-1")).version()).isEqualTo(1);
    assertThat(await(node.store().readStream(TOPIC, "acc-1", 1, 10)).events()).hasSize(1);
  }

  @Test
  void anUnknownApiIsAnsweredAfterTheRequestsBeforeItThenTheConnectionCloses() throws Exception {
    // given
    startNode(UnaryOperator.identity());
    RawProtocolClient client = connect();
    Buffer unknown = Buffer.buffer().appendInt(10).appendShort((short) 42).appendShort((short) 0).appendInt(777)
        .appendShort((short) -1);

    // when: a long poll, then the unknown api, in one write
    Buffer both = client.frame(fetchFromStart(30_000)).appendBuffer(unknown);
    client.sendRaw(both);
    await(node.store().append(AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.ANY, List.of(event("Opened", "{}")))));

    // then
    assertThat(client.receive().response()).isInstanceOf(Fetch.Response.class);
    ErrorFrame error = client.receive().error();
    assertThat(error.correlationId()).isEqualTo(777);
    assertThat(error.errorCode()).isEqualTo(ErrorCode.UNKNOWN_API);
    assertThat(error.errorMessage()).contains("api_key 42");
    assertThat(client.closedByNode()).isTrue();
  }

  @Test
  void anUnsupportedVersionIsRefusedNamingTheServedVersions() throws Exception {
    // given
    startNode(UnaryOperator.identity());
    RawProtocolClient client = connect();

    // when
    client.sendRaw(Buffer.buffer().appendInt(10).appendShort(ApiKey.METADATA.id()).appendShort((short) 4)
        .appendInt(5).appendShort((short) -1));

    // then
    ErrorFrame error = client.receive().error();
    assertThat(error.correlationId()).isEqualTo(5);
    assertThat(error.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    assertThat(error.errorMessage()).contains("api_version 4 of Metadata");
    assertThat(client.closedByNode()).isTrue();
  }

  @Test
  void anIdleConnectionIsClosedButOneWaitingForALongPollIsNot() throws Exception {
    // given
    long idleMs = 300;
    startNode(options -> options.setConnectionsMaxIdleMs(idleMs));
    long start = System.nanoTime();
    RawProtocolClient idle = connect();
    RawProtocolClient polling = connect();

    // when: one connection waits on a long poll three times the idle timeout
    int fetchId = polling.send(fetchFromStart((int) (3 * idleMs)));

    // then
    assertThat(idle.closedByNode()).isTrue();
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(idleMs);
    assertThat(polling.receive().correlationId()).isEqualTo(fetchId);
  }

  @Test
  void aConnectionBeyondTheLimitGetsAnErrorFrameAndIsClosed() throws Exception {
    // given: two connections open and served
    startNode(options -> options.setMaxConnections(2));
    RawProtocolClient first = connect();
    RawProtocolClient second = connect();
    first.call(new ApiVersions.Request());
    second.call(new ApiVersions.Request());

    // when
    RawProtocolClient third = connect();

    // then
    ErrorFrame error = third.receive().error();
    assertThat(error.correlationId()).isEqualTo(ResponseHeader.CONNECTION_ERROR_CORRELATION_ID);
    assertThat(error.errorCode()).isEqualTo(ErrorCode.CONNECTION_LIMIT_REACHED);
    assertThat(error.errorCode().retryable()).isTrue();
    assertThat(third.closedByNode()).isTrue();

    // when: a slot frees up
    first.close();

    // then
    awaitCondition(() -> tryApiVersions(), "a new connection to be served once one closed");
  }

  @Test
  void produceWithAcksZeroIsStoredButNeverAnswered() throws Exception {
    // given
    startNode(UnaryOperator.identity());
    RawProtocolClient client = connect();
    Produce.Request produce = new Produce.Request(Produce.ACKS_NONE, 10_000, List.of(new TopicItems<>(TOPIC,
        List.of(new Produce.PartitionData(0, batch(List.of(new KeyedEvent("acc-1", event("Opened", "{}"))),
            ProducerInfo.NONE))))));

    // when
    client.send(produce);
    int versionsId = client.send(new ApiVersions.Request());

    // then: the next answer is the ApiVersions one, and the event is there
    assertThat(client.receive().correlationId()).isEqualTo(versionsId);
    awaitCondition(() -> streamVersion("acc-1") == 1, "the acks=0 event to be stored");
  }

  @Test
  void aStoppingNodeAnswersWhatIsInFlightRefusesNewRequestsAndCloses() throws Exception {
    // given: one request in flight at a time, so the second waits unread behind a long poll
    startNode(options -> options.setMaxInFlightRequestsPerConnection(1));
    RawProtocolClient client = connect();
    Buffer fetchThenVersions = client.frame(fetchFromStart(30_000)).appendBuffer(client.frame(new ApiVersions.Request()));
    client.sendRaw(fetchThenVersions);
    RawProtocolClient idle = connect();
    idle.call(new ApiVersions.Request());
    awaitCondition(() -> scrapeMetrics(node.httpPort()).contains("cairn_protocol_requests_in_flight 1.0"),
        "the long poll to be in flight on the node");

    // when
    var stopped = node.stop();

    // then: the long poll is answered at once (empty), the request behind it is refused, then the socket closes
    RawProtocolClient.Received fetch = client.receive();
    assertThat(fetch.response()).isInstanceOfSatisfying(Fetch.Response.class, response -> {
      assertThat(response.errorCode()).isEqualTo(ErrorCode.NONE);
      assertThat(response.topics().get(0).partitions().get(0).records().remaining()).isZero();
    });
    ErrorFrame refused = client.receive().error();
    assertThat(refused.errorCode()).isEqualTo(ErrorCode.NODE_SHUTTING_DOWN);
    assertThat(refused.errorCode().retryable()).isTrue();
    assertThat(client.closedByNode()).isTrue();
    assertThat(idle.closedByNode()).isTrue();
    await(stopped);
    node = null;
  }

  @Test
  void protocolMetricsCountRequestsErrorsAndConnections() throws Exception {
    // given
    startNode(UnaryOperator.identity());
    RawProtocolClient client = connect();
    client.call(new ApiVersions.Request());
    client.call(new StreamVersion.Request("missing", "a"));

    // when
    String metrics = scrapeMetrics(node.httpPort());

    // then
    assertThat(metrics).containsPattern("cairn_protocol_requests_seconds_count\\{api=\"ApiVersions\"} 1");
    assertThat(metrics).containsPattern(
        "cairn_protocol_request_errors_total\\{api=\"StreamVersion\",code=\"UNKNOWN_TOPIC\"} 1");
    assertThat(metrics).containsPattern("cairn_protocol_connections \\d");
  }

  @Test
  void requestLatencyIsAHistogramWithTheDocumentedBuckets() throws Exception {
    // given: three answered requests of one api
    startNode(UnaryOperator.identity());
    RawProtocolClient client = connect();
    for (int i = 0; i < 3; i++) {
      client.call(new ApiVersions.Request());
    }

    // when
    String metrics = scrapeMetrics(node.httpPort());

    // then: one cumulative bucket per documented bound plus +Inf, the last holding every request
    Matcher bucket = Pattern.compile("cairn_protocol_requests_seconds_bucket\\{api=\"ApiVersions\",le=\"([^\"]+)\"} "
        + "([0-9.E]+)").matcher(metrics);
    List<String> bounds = new ArrayList<>();
    List<Double> counts = new ArrayList<>();
    while (bucket.find()) {
      bounds.add(bucket.group(1));
      counts.add(Double.parseDouble(bucket.group(2)));
    }
    List<String> expected = new ArrayList<>();
    for (Duration bound : NodeMetrics.LATENCY_BUCKETS) {
      expected.add(Double.toString(bound.toNanos() / 1e9));
    }
    expected.add("+Inf");
    assertThat(bounds).as(metrics).containsExactlyElementsOf(expected);
    assertThat(counts).isSortedAccordingTo(Double::compare);
    assertThat(counts.get(counts.size() - 1)).isEqualTo(3.0);
    assertThat(metrics).containsPattern("cairn_protocol_requests_seconds_count\\{api=\"ApiVersions\"} 3");
  }

  private void startNode(UnaryOperator<NodeOptions> configure) throws Exception {
    node = await(CairnNode.start(configure.apply(new NodeOptions().setDataDir(dataDir)
        .setHttpPort(NodeOptions.ANY_FREE_PORT).setPort(NodeOptions.ANY_FREE_PORT))));
    await(node.store().createTopic(TOPIC, new TopicConfig()));
  }

  private RawProtocolClient connect() throws IOException {
    RawProtocolClient client = RawProtocolClient.connect(node.protocolPort());
    clients.add(client);
    return client;
  }

  /** Whether a new connection is served: its ApiVersions gets a real answer, not a refusal. */
  private boolean tryApiVersions() {
    try (RawProtocolClient client = RawProtocolClient.connect(node.protocolPort())) {
      int id = client.send(new ApiVersions.Request());
      RawProtocolClient.Received received = client.receive();
      return received.correlationId() == id
          && ((ApiVersions.Response) received.response()).errorCode() == ErrorCode.NONE;
    } catch (IOException e) {
      return false;
    }
  }

  private long streamVersion(String aggregateId) {
    try {
      return await(node.store().streamVersion(TOPIC, aggregateId));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Fetch.Request fetchFromStart(int maxWaitMs) {
    return new Fetch.Request(maxWaitMs, Frames.DEFAULT_MAX_FRAME_BYTES, List.of(new TopicItems<>(TOPIC,
        List.of(new Fetch.PartitionData(0, 0, 1024 * 1024)))));
  }
}
