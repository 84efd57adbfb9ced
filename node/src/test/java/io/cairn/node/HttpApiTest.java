package io.cairn.node;

import static io.cairn.node.NodeTestSupport.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API end to end: a real node (real store in a temp dir, HTTP on a free loopback port) and
 * Vert.x's web client.
 */
class HttpApiTest {

  private static final long TIMEOUT_MS = 15_000;
  private static final String TOPIC = "bank.account";

  @TempDir
  Path dataDir;

  private CairnNode node;
  private Vertx clientVertx;
  private WebClient client;

  @BeforeEach
  void startNode() throws Exception {
    node = await(CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(NodeOptions.ANY_FREE_PORT)
        .setPort(NodeOptions.ANY_FREE_PORT)
        .setHttpMaxBodyBytes(NodeOptions.MIN_HTTP_MAX_BODY_BYTES * 4)));
    clientVertx = Vertx.vertx();
    client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost(NodeOptions.DEFAULT_HTTP_HOST)
        .setDefaultPort(node.httpPort()));
  }

  @AfterEach
  void stopNode() throws Exception {
    client.close();
    await(clientVertx.close());
    if (node != null) {
      await(node.stop());
    }
  }

  @Test
  void healthIsUpWhileTheStoreIsOpen() throws Exception {
    HttpResponse<Buffer> response = get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("status")).isEqualTo("UP");
  }

  @Nested
  class Topics {

    @Test
    void createListDescribeAndDeleteATopic() throws Exception {
      // when
      HttpResponse<Buffer> created = post("/topics", new JsonObject().put("name", TOPIC).put("partitions", 3)
          .put("config", new JsonObject().put("cleanup.policy", "compact").put("retention.ms", 60_000)));
      HttpResponse<Buffer> listed = get("/topics");
      HttpResponse<Buffer> described = get("/topics/" + TOPIC);

      // then
      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.bodyAsJsonObject().getJsonArray("partitions")).hasSize(3);
      assertThat(listed.bodyAsJsonArray()).isEqualTo(new JsonArray().add(TOPIC));
      JsonObject description = described.bodyAsJsonObject();
      assertThat(description.getString("name")).isEqualTo(TOPIC);
      assertThat(description.getJsonObject("config").getString("cleanup.policy")).isEqualTo("compact");
      assertThat(description.getJsonObject("config").getString("retention.ms")).isEqualTo("60000");
      assertThat(description.getJsonArray("partitions").getJsonObject(2).getLong("logEndOffset")).isZero();

      // when
      HttpResponse<Buffer> deleted = send(HttpMethod.DELETE, "/topics/" + TOPIC, null);

      // then
      assertThat(deleted.statusCode()).isEqualTo(204);
      assertThat(get("/topics/" + TOPIC).statusCode()).isEqualTo(404);
      assertThat(get("/topics").bodyAsJsonArray()).isEmpty();
    }

    @Test
    void creatingAnExistingTopicIsAConflict() throws Exception {
      createTopic(TOPIC, 1);

      HttpResponse<Buffer> again = post("/topics", new JsonObject().put("name", TOPIC));

      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.bodyAsJsonObject().getString("error")).contains(TOPIC).contains("already exists");
    }

    @Test
    void unknownTopicIsNotFound() throws Exception {
      assertThat(get("/topics/nope").statusCode()).isEqualTo(404);
      assertThat(get("/topics/nope/streams/a").statusCode()).isEqualTo(404);
      assertThat(get("/topics/nope/partitions/0/events").statusCode()).isEqualTo(404);
      assertThat(get("/topics/nope/partitions/0/tail").statusCode()).isEqualTo(404);
      assertThat(post("/topics/nope/streams/a/events", appendBody("any", event("Opened"))).statusCode())
          .isEqualTo(404);
      assertThat(send(HttpMethod.DELETE, "/topics/nope", null).statusCode()).isEqualTo(404);
      HttpResponse<Buffer> unknown = get("/topics/nope");
      assertThat(unknown.bodyAsJsonObject().getString("error")).contains("nope");
    }

    @Test
    void unknownPartitionIsNotFound() throws Exception {
      createTopic(TOPIC, 2);

      assertThat(get("/topics/" + TOPIC + "/partitions/2/events").statusCode()).isEqualTo(404);
      assertThat(get("/topics/" + TOPIC + "/partitions/2/tail").statusCode()).isEqualTo(404);
    }
  }

  @Nested
  class AppendAndRead {

    @Test
    void appendedEventsAreReadBackFromTheStreamWithDataAndHeaders() throws Exception {
      // given
      createTopic(TOPIC, 3);
      String id = UUID.randomUUID().toString();
      JsonObject opened = new JsonObject().put("type", "AccountOpened").put("id", id)
          .put("data", new JsonObject().put("owner", "Ada").put("limit", 100))
          .put("headers", new JsonObject().put("correlation-id", "c-1"));

      // when
      HttpResponse<Buffer> appended = post(streamEvents("acc-1"), appendBody("no-stream", opened,
          event("Deposited")));
      HttpResponse<Buffer> read = get("/topics/" + TOPIC + "/streams/acc-1?fromVersion=1&maxCount=10");

      // then
      assertThat(appended.statusCode()).isEqualTo(200);
      JsonObject result = appended.bodyAsJsonObject();
      assertThat(result.getLong("firstVersion")).isEqualTo(1);
      assertThat(result.getLong("newVersion")).isEqualTo(2);
      assertThat(result.getLong("lastOffset") - result.getLong("firstOffset")).isEqualTo(1);
      assertThat(result.getBoolean("duplicate")).isFalse();

      JsonObject slice = read.bodyAsJsonObject();
      assertThat(slice.getLong("currentVersion")).isEqualTo(2);
      assertThat(slice.getLong("nextVersion")).isEqualTo(3);
      assertThat(slice.getBoolean("endOfStream")).isTrue();
      JsonObject first = slice.getJsonArray("events").getJsonObject(0);
      assertThat(first.getString("eventId")).isEqualTo(id);
      assertThat(first.getString("type")).isEqualTo("AccountOpened");
      assertThat(first.getLong("version")).isEqualTo(1);
      assertThat(first.getString("aggregateId")).isEqualTo("acc-1");
      assertThat(first.getInteger("partition")).isEqualTo(result.getInteger("partition"));
      assertThat(first.getJsonObject("data")).isEqualTo(new JsonObject().put("owner", "Ada").put("limit", 100));
      assertThat(first.getJsonObject("headers").getString("correlation-id")).isEqualTo("c-1");
      assertThat(first.getJsonObject("headers").getString("content-type")).isEqualTo("application/json");
    }

    @Test
    void aStalExpectedVersionIsAConflictNamingTheActualVersion() throws Exception {
      // given
      createTopic(TOPIC, 1);
      post(streamEvents("acc-1"), appendBody("no-stream", event("Opened"), event("Deposited")));

      // when
      HttpResponse<Buffer> stale = post(streamEvents("acc-1"), appendBody(1, event("Withdrawn")));

      // then
      assertThat(stale.statusCode()).isEqualTo(409);
      JsonObject body = stale.bodyAsJsonObject();
      assertThat(body.getString("error")).isEqualTo("version conflict");
      assertThat(body.getLong("actualVersion")).isEqualTo(2);
      assertThat(body.getString("expectedVersion")).isEqualTo("1");
      assertThat(get("/topics/" + TOPIC + "/streams/acc-1").bodyAsJsonObject().getLong("currentVersion"))
          .isEqualTo(2);
    }

    @Test
    void aRetryWithTheSameEventIdsIsAnsweredAsDuplicate() throws Exception {
      // given
      createTopic(TOPIC, 1);
      JsonObject body = appendBody("no-stream", event("Opened").put("id", UUID.randomUUID().toString()));
      HttpResponse<Buffer> first = post(streamEvents("acc-1"), body);

      // when
      HttpResponse<Buffer> retry = post(streamEvents("acc-1"), body);

      // then
      assertThat(retry.statusCode()).isEqualTo(200);
      assertThat(retry.bodyAsJsonObject().getBoolean("duplicate")).isTrue();
      assertThat(retry.bodyAsJsonObject().getLong("firstOffset"))
          .isEqualTo(first.bodyAsJsonObject().getLong("firstOffset"));
    }

    @Test
    void aPartitionIsReadFromAnOffset() throws Exception {
      // given
      createTopic(TOPIC, 1);
      for (int i = 0; i < 3; i++) {
        post(streamEvents("acc-" + i), appendBody("any", event("Opened").put("data", i)));
      }

      // when
      HttpResponse<Buffer> read = get("/topics/" + TOPIC + "/partitions/0/events?fromOffset=1&maxBytes=1048576");

      // then
      assertThat(read.statusCode()).isEqualTo(200);
      JsonObject body = read.bodyAsJsonObject();
      assertThat(body.getLong("highWatermark")).isEqualTo(3);
      assertThat(body.getLong("nextOffset")).isEqualTo(3);
      JsonArray events = body.getJsonArray("events");
      assertThat(events.stream().map(e -> ((JsonObject) e).getLong("offset"))).containsExactly(1L, 2L);
      assertThat(events.getJsonObject(0).getInteger("data")).isEqualTo(1);
    }
  }

  @Nested
  class Validation {

    @Test
    void eachKindOfBadAppendBodyIsA400NamingTheField() throws Exception {
      createTopic(TOPIC, 1);
      String uri = streamEvents("acc-1");

      assertBadRequest(sendRaw(HttpMethod.POST, uri, Buffer.buffer("{not json")), "body");
      assertBadRequest(sendRaw(HttpMethod.POST, uri, Buffer.buffer("[1]")), "body");
      assertBadRequest(sendRaw(HttpMethod.POST, uri, Buffer.buffer("")), "body");
      assertBadRequest(post(uri, new JsonObject()), "events");
      assertBadRequest(post(uri, new JsonObject().put("events", new JsonArray())), "events");
      assertBadRequest(post(uri, new JsonObject().put("events", new JsonArray().add("x"))), "events[0]");
      assertBadRequest(post(uri, appendBody("any", event("A"), new JsonObject().put("data", 1))), "events[1].type");
      assertBadRequest(post(uri, appendBody("any", event("A").put("id", "not-a-uuid"))), "events[0].id");
      assertBadRequest(post(uri, appendBody("any", new JsonObject().put("type", "A"))), "events[0].data");
      assertBadRequest(post(uri, appendBody("any", event("A").put("colour", "red"))), "events[0].colour");
      assertBadRequest(post(uri, appendBody("any", event("A").put("headers", new JsonObject().put("k", 1)))),
          "events[0].headers.k");
      assertBadRequest(post(uri, appendBody("any", event("A").put("headers",
          new JsonObject().put("content-type", "text/plain")))), "events[0].headers.content-type");
      assertBadRequest(post(uri, appendBody("sometimes", event("A"))), "expectedVersion");
      assertBadRequest(post(uri, appendBody(-1, event("A"))), "expectedVersion");
      assertBadRequest(post(uri, appendBody("any", event("A")).put("extra", true)), "extra");
      assertThat(get("/topics/" + TOPIC + "/partitions/0/events").bodyAsJsonObject().getJsonArray("events"))
          .as("nothing stored by a rejected request").isEmpty();
    }

    @Test
    void badTopicBodiesAreA400NamingTheField() throws Exception {
      assertBadRequest(post("/topics", new JsonObject()), "name");
      assertBadRequest(post("/topics", new JsonObject().put("name", "t").put("partitions", 0)), "partitions");
      assertBadRequest(post("/topics", new JsonObject().put("name", "t").put("partitions", "3")), "partitions");
      assertBadRequest(post("/topics", new JsonObject().put("name", "t")
          .put("config", new JsonObject().put("cleanup.policy", "sometimes"))), "config.cleanup.policy");
      assertBadRequest(post("/topics", new JsonObject().put("name", "t")
          .put("config", new JsonObject().put("no.such.setting", "1"))), "config.no.such.setting");
      assertBadRequest(post("/topics", new JsonObject().put("name", "t").put("config", "compact")), "config");
      assertThat(get("/topics").bodyAsJsonArray()).isEmpty();
    }

    @Test
    void badQueryAndPathParametersAreA400NamingTheParameter() throws Exception {
      createTopic(TOPIC, 1);

      assertBadRequest(get("/topics/" + TOPIC + "/streams/a?fromVersion=0"), "fromVersion");
      assertBadRequest(get("/topics/" + TOPIC + "/streams/a?maxCount=1001"), "maxCount");
      assertBadRequest(get("/topics/" + TOPIC + "/streams/a?maxCount=ten"), "maxCount");
      assertBadRequest(get("/topics/" + TOPIC + "/partitions/0/events?fromOffset=-1"), "fromOffset");
      assertBadRequest(get("/topics/" + TOPIC + "/partitions/0/events?maxBytes=0"), "maxBytes");
      assertBadRequest(get("/topics/" + TOPIC + "/partitions/x/events"), "partition");
      assertBadRequest(get("/topics/" + TOPIC + "/partitions/-1/events"), "partition");
      assertBadRequest(get("/topics/" + TOPIC + "/partitions/0/tail?from=yesterday"), "from");
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
      createTopic(TOPIC, 1);
      String big = "x".repeat(NodeOptions.MIN_HTTP_MAX_BODY_BYTES * 4);

      HttpResponse<Buffer> response = post(streamEvents("acc-1"), appendBody("any", event("A").put("data", big)));

      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.bodyAsJsonObject().getString("error")).contains("http.max.body.bytes");
    }

    @Test
    void unknownEndpointsAnswerJson404() throws Exception {
      HttpResponse<Buffer> response = get("/nothing/here");

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getString("error")).contains("/nothing/here");
    }
  }

  @Nested
  class Tail {

    @Test
    void tailStreamsEventsAppendedAfterSubscribingAndEndsWhenTheClientCloses() throws Exception {
      // given
      createTopic(TOPIC, 1);
      post(streamEvents("acc-1"), appendBody("any", event("Opened")));
      HttpClient http = clientVertx.createHttpClient();
      StringBuffer received = new StringBuffer();
      HttpClientRequest request = await(http.request(HttpMethod.GET, node.httpPort(), NodeOptions.DEFAULT_HTTP_HOST,
          "/topics/" + TOPIC + "/partitions/0/tail?from=earliest"));
      // The body handler is set on the client's event loop as the response arrives, so no chunk is missed.
      HttpClientResponse response = await(request.send().map(opened -> {
        opened.handler(chunk -> received.append(chunk.toString(StandardCharsets.UTF_8)));
        return opened;
      }));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("content-type")).isEqualTo("text/event-stream");
      awaitCondition(() -> received.toString().contains("\"type\":\"Opened\""), "first event on the tail");

      // when
      post(streamEvents("acc-2"), appendBody("any", event("Deposited").put("data", new JsonObject().put("n", 7))));

      // then
      awaitCondition(() -> received.toString().contains("\"type\":\"Deposited\""), "event appended after subscribing");
      List<JsonObject> events = received.toString().lines().filter(line -> line.startsWith("data: "))
          .map(line -> new JsonObject(line.substring("data: ".length()))).toList();
      assertThat(events).extracting(e -> e.getLong("offset")).containsExactly(0L, 1L);
      assertThat(events.get(1).getJsonObject("data").getInteger("n")).isEqualTo(7);
      assertThat(received.toString()).contains("id: 1\n");

      // when
      await(request.connection().close());

      // then: the node ended the tail's response (its request timer is recorded only then)
      awaitCondition(() -> scrape().contains("route=\"GET /topics/:topic/partitions/:partition/tail\""),
          "tail request ended on the node");
      await(http.close());
    }
  }

  @Nested
  class Documents {

    @Test
    void metricsShowAppendLatencyAndPartitionGauges() throws Exception {
      // given
      createTopic(TOPIC, 1);
      post(streamEvents("acc-1"), appendBody("any", event("Opened")));
      HttpResponse<Buffer> conflict = post(streamEvents("acc-1"), appendBody("no-stream", event("Opened")));
      assertThat(conflict.statusCode()).as(conflict.bodyAsString()).isEqualTo(409);
      get("/topics/nope");

      // when
      HttpResponse<Buffer> response = get("/metrics");

      // then
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("content-type")).startsWith("text/plain");
      String text = response.bodyAsString();
      assertThat(text).contains("cairn_appends_seconds_count{outcome=\"appended\",topic=\"bank.account\"} 1");
      assertThat(text).contains("cairn_appends_seconds_count{outcome=\"conflict\",topic=\"bank.account\"} 1");
      assertThat(text).contains("cairn_appended_events_total{topic=\"bank.account\"} 1");
      assertThat(text).containsPattern(
          "cairn_appends_seconds_bucket\\{(?=[^}]*outcome=\"appended\")(?=[^}]*le=\"\\+Inf\")[^}]*} 1");
      assertThat(text).contains("cairn_http_requests_seconds_count{method=\"POST\",route=\"POST /topics\",status=\"201\"} 1");
      assertThat(text).contains("cairn_http_request_errors_total{class=\"4xx\"}");
      assertThat(text).containsPattern("cairn_http_connections [1-9]");
      assertThat(text).contains("cairn_partition_log_end_offset{partition=\"0\",topic=\"bank.account\"} 1");
      assertThat(text).containsPattern("cairn_partition_size_bytes\\{partition=\"0\",topic=\"bank.account\"} [1-9]");
    }

    @Test
    void metricsShowTheFsyncLatencyOfEachPartitionOfADurableTopic() throws Exception {
      // given: a durable topic (the default flush.mode) and an acknowledged append
      createTopic(TOPIC, 2);
      HttpResponse<Buffer> appended = post(streamEvents("acc-1"), appendBody("any", event("Opened")));
      int partition = appended.bodyAsJsonObject().getInteger("partition");
      Pattern flushCount = Pattern.compile("cairn_log_flush_seconds_count\\{partition=\"" + partition
          + "\",topic=\"" + TOPIC + "\"} ([0-9.E]+)");

      // when
      awaitCondition(() -> flushCount.matcher(scrape()).find(), "the flush timer of partition " + partition);
      String text = scrape();

      // then
      Matcher count = flushCount.matcher(text);
      assertThat(count.find()).isTrue();
      assertThat(Double.parseDouble(count.group(1))).as(text).isGreaterThanOrEqualTo(1);
      assertThat(text).containsPattern("cairn_log_flush_seconds_bucket\\{(?=[^}]*partition=\"" + partition
          + "\")(?=[^}]*le=\"\\+Inf\")[^}]*} [1-9]");
      assertThat(text).containsPattern("cairn_log_flush_seconds_sum\\{partition=\"" + partition + "\",topic=\""
          + TOPIC + "\"} [0-9]");
      assertThat(text).containsPattern("cairn_log_flush_seconds_max\\{partition=\"" + partition + "\",topic=\""
          + TOPIC + "\"} [0-9]");
    }

    @Test
    void openApiDocumentParsesAndListsEveryEndpoint() throws Exception {
      HttpResponse<Buffer> response = get("/openapi.json");

      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject document = response.bodyAsJsonObject();
      assertThat(document.getString("openapi")).startsWith("3.1");
      JsonObject paths = document.getJsonObject("paths");
      assertThat(paths.fieldNames()).containsExactlyInAnyOrder("/health", "/metrics", "/openapi.json", "/topics",
          "/topics/{topic}", "/topics/{topic}/streams/{aggregateId}/events", "/topics/{topic}/streams/{aggregateId}",
          "/topics/{topic}/partitions/{partition}/events", "/topics/{topic}/partitions/{partition}/tail");
      assertThat(paths.getJsonObject("/topics").fieldNames()).contains("get", "post");
      assertThat(paths.getJsonObject("/topics/{topic}").fieldNames()).contains("get", "delete");
    }
  }

  @Test
  void stopWritesTheCleanShutdownMarkerAndDataSurvivesARestart() throws Exception {
    // given
    createTopic(TOPIC, 1);
    post(streamEvents("acc-1"), appendBody("no-stream", event("Opened")));

    // when
    await(node.stop());

    // then
    assertThat(dataDir.resolve(TOPIC + "-0").resolve("clean-shutdown")).exists();
    node = await(CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(NodeOptions.ANY_FREE_PORT)
        .setPort(NodeOptions.ANY_FREE_PORT)));
    client.close();
    client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost(NodeOptions.DEFAULT_HTTP_HOST)
        .setDefaultPort(node.httpPort()));
    assertThat(get("/topics/" + TOPIC + "/streams/acc-1").bodyAsJsonObject().getLong("currentVersion")).isEqualTo(1);
  }

  // --- helpers

  private static JsonObject event(String type) {
    return new JsonObject().put("type", type).put("data", new JsonObject());
  }

  private static JsonObject appendBody(Object expectedVersion, JsonObject... events) {
    return new JsonObject().put("expectedVersion", expectedVersion).put("events", new JsonArray(List.of(events)));
  }

  private static String streamEvents(String aggregateId) {
    return "/topics/" + TOPIC + "/streams/" + aggregateId + "/events";
  }

  private void createTopic(String name, int partitions) throws Exception {
    HttpResponse<Buffer> response = post("/topics", new JsonObject().put("name", name).put("partitions", partitions));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
  }

  private static void assertBadRequest(HttpResponse<Buffer> response, String field) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("field")).as(body.encode()).isEqualTo(field);
    assertThat(body.getString("error")).as("message names the field").contains(field);
    assertThat(body.encode()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private String scrape() {
    try {
      return get("/metrics").bodyAsString();
    } catch (Exception e) {
      throw new AssertionError("scrape failed", e);
    }
  }

  private HttpResponse<Buffer> get(String uri) throws Exception {
    return send(HttpMethod.GET, uri, null);
  }

  private HttpResponse<Buffer> post(String uri, JsonObject body) throws Exception {
    return send(HttpMethod.POST, uri, body);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String uri, JsonObject body) throws Exception {
    return body == null ? await(client.request(method, uri).send()) : sendRaw(method, uri, body.toBuffer());
  }

  private HttpResponse<Buffer> sendRaw(HttpMethod method, String uri, Buffer body) throws Exception {
    return await(client.request(method, uri).putHeader("content-type", "application/json").sendBuffer(body));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
