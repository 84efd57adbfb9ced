package io.cairn.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API while the node stops or its store is closed: requests that arrive are answered 503,
 * requests already in flight are answered in full, open tails end cleanly. Raw sockets give exact
 * control over when each request's bytes arrive.
 */
class HttpApiStopTest {

  private static final long TIMEOUT_MS = 15_000;
  private static final String TOPIC = "bank.account";
  private static final String APPEND_BODY = "{\"expectedVersion\":\"no-stream\",\"events\":[{\"type\":\"Opened\",\"data\":{}}]}";

  @TempDir
  Path dataDir;

  private CairnNode node;

  @BeforeEach
  void startNode() throws Exception {
    node = await(CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(NodeOptions.ANY_FREE_PORT)
        .setPort(NodeOptions.ANY_FREE_PORT)
        .setShutdownGraceMs(TIMEOUT_MS)));
    try (Socket socket = connect()) {
      assertThat(exchange(socket, "POST", "/topics", "{\"name\":\"" + TOPIC + "\"}").status).isEqualTo(201);
    }
  }

  @AfterEach
  void stopNode() throws Exception {
    await(node.stop());
  }

  @Test
  void aRequestInFlightWhenTheNodeStopsIsAnsweredInFullBeforeTheStoreCloses() throws Exception {
    try (Socket inFlight = connect()) {
      // given: a request the node has begun to serve (it asked for the body), half of the body sent
      byte[] body = APPEND_BODY.getBytes(StandardCharsets.UTF_8);
      int half = body.length / 2;
      OutputStream slow = inFlight.getOutputStream();
      String head = new String(head("POST", "/topics/" + TOPIC + "/streams/acc-1/events", body.length),
          StandardCharsets.US_ASCII);
      send(inFlight, head.replace("\r\n\r\n", "\r\nexpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      assertThat(readHead(inFlight).status).as("100 Continue").isEqualTo(100);
      slow.write(body, 0, half);
      slow.flush();

      // when: the node begins to stop, then the rest of the body arrives
      Future<Void> stopped = node.stop();
      assertThat(stopped.isComplete()).as("the stop waits for the request in flight").isFalse();
      slow.write(body, half, body.length - half);
      slow.flush();

      // then: it is served, and the node stops once it is answered
      Response answered = read(inFlight);
      assertThat(answered.status).as(answered.body).isEqualTo(200);
      assertThat(new JsonObject(answered.body).getLong("newVersion")).isEqualTo(1);
      await(stopped);
    }

    // and: what was answered is stored
    node = await(CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(NodeOptions.ANY_FREE_PORT)
        .setPort(NodeOptions.ANY_FREE_PORT)));
    try (Socket socket = connect()) {
      Response stream = exchange(socket, "GET", "/topics/" + TOPIC + "/streams/acc-1", null);
      assertThat(new JsonObject(stream.body).getLong("currentVersion")).isEqualTo(1);
    }
  }

  @Test
  void requestsThatComeWhileTheNodeStopsAre503AndHealthIsDown() throws Exception {
    try (Socket first = connect(); Socket second = connect()) {
      // given: on each connection a tail, and a request pipelined behind it (the node takes it up only
      // when the tail's response ends, which is when the node stops)
      String tail = "/topics/" + TOPIC + "/partitions/0/tail?from=earliest";
      send(first, head("GET", tail, -1), head("GET", "/topics/" + TOPIC, -1));
      send(second, head("GET", tail, -1), head("GET", "/health", -1));
      assertThat(readHead(first).status).isEqualTo(200);
      assertThat(readHead(second).status).isEqualTo(200);

      // when
      Future<Void> stopped = node.stop();

      // then: each tail ends cleanly, then the pipelined request is refused
      readChunksToTheEnd(first);
      readChunksToTheEnd(second);
      Response refused = read(first);
      Response health = read(second);
      assertThat(refused.status).as(refused.body).isEqualTo(503);
      assertThat(new JsonObject(refused.body).getString("error")).isEqualTo("the node is stopping");
      assertThat(health.status).as(health.body).isEqualTo(503);
      assertThat(new JsonObject(health.body).getString("status")).isEqualTo("DOWN");
      await(stopped);
    }
  }

  @Test
  void aStoreClosedUnderTheApiIsAnsweredWith503() throws Exception {
    // when
    await(node.store().close());

    // then
    try (Socket socket = connect()) {
      Response describe = exchange(socket, "GET", "/topics/" + TOPIC, null);
      Response append = exchange(socket, "POST", "/topics/" + TOPIC + "/streams/acc-1/events", APPEND_BODY);
      assertThat(describe.status).as(describe.body).isEqualTo(503);
      assertThat(append.status).as(append.body).isEqualTo(503);
      assertThat(new JsonObject(append.body).getString("error")).isNotBlank().doesNotContain("Exception");
    }
  }

  @Test
  void aTailOpenWhenTheNodeStopsEndsCleanly() throws Exception {
    // given: an open tail
    Vertx clientVertx = Vertx.vertx();
    try {
      HttpClient http = clientVertx.createHttpClient();
      Promise<Void> ended = Promise.promise();
      HttpClientRequest request = await(http.request(HttpMethod.GET, node.httpPort(), NodeOptions.DEFAULT_HTTP_HOST,
          "/topics/" + TOPIC + "/partitions/0/tail?from=earliest"));
      HttpClientResponse response = await(request.send().map(opened -> {
        opened.handler(chunk -> { });
        opened.exceptionHandler(ended::tryFail);
        opened.endHandler(ended::tryComplete);
        return opened;
      }));
      assertThat(response.statusCode()).isEqualTo(200);

      // when
      await(node.stop());

      // then: the event stream was ended by the node, not cut off
      await(ended.future());
    } finally {
      await(clientVertx.close());
    }
  }

  // --- raw HTTP/1.1

  /** One answer: status and body (read by content-length). */
  private record Response(int status, String body) {
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(NodeOptions.DEFAULT_HTTP_HOST, node.httpPort());
    socket.setSoTimeout((int) TIMEOUT_MS);
    return socket;
  }

  private static byte[] head(String method, String path, int contentLength) {
    String head = method + " " + path + " HTTP/1.1\r\nhost: localhost\r\n"
        + (contentLength >= 0 ? "content-type: application/json\r\ncontent-length: " + contentLength + "\r\n" : "")
        + "\r\n";
    return head.getBytes(StandardCharsets.US_ASCII);
  }

  private static Response exchange(Socket socket, String method, String path, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    OutputStream out = socket.getOutputStream();
    out.write(head(method, path, body == null ? -1 : bytes.length));
    out.write(bytes);
    out.flush();
    return read(socket);
  }

  private static void send(Socket socket, byte[]... parts) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.write(part);
    }
    // One write: pipelined requests reach the node together.
    socket.getOutputStream().write(all.toByteArray());
    socket.getOutputStream().flush();
  }

  /** An answer whose body has a content-length. */
  private static Response read(Socket socket) throws IOException {
    Head head = readHead(socket);
    return new Response(head.status, new String(socket.getInputStream().readNBytes(head.contentLength),
        StandardCharsets.UTF_8));
  }

  /** Status line and headers of an answer. */
  private record Head(int status, int contentLength) {
  }

  private static Head readHead(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    int contentLength = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        contentLength = Integer.parseInt(lower.substring("content-length:".length()).trim());
      }
    }
    return new Head(status, contentLength);
  }

  /** Reads a chunked body up to its last (empty) chunk: the answer was ended by the node, not cut off. */
  private static void readChunksToTheEnd(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    while (true) {
      int size = Integer.parseInt(line(in).trim(), 16);
      in.readNBytes(size);
      assertThat(line(in)).isEmpty();
      if (size == 0) {
        return;
      }
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed by the node after: " + line.toString(StandardCharsets.US_ASCII));
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
