package io.cairn.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Server-Sent Events client that stops reading does not make the node buffer the partition: the
 * tail's subscription pauses while the response's write queue is full (seen in {@code /metrics}), having
 * written only what the socket buffers hold, and resumes when the client reads again, losing nothing.
 */
class HttpTailBackpressureTest {

  /** Generous: the test moves about 32 MiB, and CI machines may be busy. */
  private static final long TIMEOUT_MS = 120_000;
  private static final String TOPIC = "bank.account";
  private static final int EVENTS = 8_000;
  private static final int EVENTS_PER_APPEND = 100;
  private static final int PAYLOAD_BYTES = 3 * 1024;
  /** Small and fixed: the kernel does not grow the client's buffer while it does not read. */
  private static final int CLIENT_RECEIVE_BUFFER_BYTES = 32 * 1024;
  private static final Pattern TAIL_EVENTS = Pattern.compile(
      "cairn_http_tail_events_total\\{topic=\"" + Pattern.quote(TOPIC) + "\"} ([0-9.E]+)");

  @TempDir
  Path dataDir;

  private CairnNode node;
  private Vertx clientVertx;

  @BeforeEach
  void startNode() throws Exception {
    node = await(CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(NodeOptions.ANY_FREE_PORT)
        .setPort(NodeOptions.ANY_FREE_PORT)));
    clientVertx = Vertx.vertx();
  }

  @AfterEach
  void stopNode() throws Exception {
    await(clientVertx.close());
    await(node.stop());
  }

  @Test
  void aClientThatDoesNotReadPausesTheTailInsteadOfGrowingTheNodesMemory() throws Exception {
    // given: a partition of about 32 MiB of events as SSE (their payloads in base64), far more than the
    // socket buffers on both ends hold (up to 4 MiB each on Linux)
    await(node.store().createTopic(TOPIC, new TopicConfig().setPartitions(1).set(TopicConfig.FLUSH_MODE, "page-cache")));
    byte[] payload = new byte[PAYLOAD_BYTES];
    new Random(42).nextBytes(payload);
    for (int appended = 0; appended < EVENTS; appended += EVENTS_PER_APPEND) {
      List<EventData> batch = new ArrayList<>();
      for (int i = 0; i < EVENTS_PER_APPEND; i++) {
        batch.add(EventData.of("Blob", payload));
      }
      await(node.store().append(AppendRequest.of(TOPIC, "acc-" + appended, ExpectedVersion.ANY, batch)));
    }

    // when: a client opens a tail from the start and does not read
    HttpClient http = clientVertx.createHttpClient(new HttpClientOptions()
        .setReceiveBufferSize(CLIENT_RECEIVE_BUFFER_BYTES));
    StringBuilder pending = new StringBuilder();
    HttpClientRequest request = await(http.request(HttpMethod.GET, node.httpPort(), NodeOptions.DEFAULT_HTTP_HOST,
        "/topics/" + TOPIC + "/partitions/0/tail?from=earliest"));
    HttpClientResponse response = await(request.send().map(opened -> {
      opened.pause();
      opened.handler(chunk -> receivedEvents.addAndGet(countEvents(pending, chunk)));
      return opened;
    }));
    assertThat(response.statusCode()).isEqualTo(200);

    // then: the node pauses the tail, having sent far less than the partition
    awaitCondition(() -> scrape().contains("cairn_http_tails_paused 1"), "the tail is paused");
    long sentWhenPaused = tailEventsSent();
    assertThat(sentWhenPaused).as("events written to the paused tail, of " + EVENTS).isLessThan(EVENTS / 2);

    // when: the client reads again
    response.resume();

    // then: every event arrives, once, in order, and the tail is no longer paused
    awaitCondition(() -> receivedEvents.get() >= EVENTS || outOfOrder.get() != null, "every event arrives");
    assertThat(outOfOrder.get()).as("events out of order").isNull();
    assertThat(receivedEvents.get()).isEqualTo(EVENTS);
    assertThat(tailEventsSent()).isEqualTo(EVENTS);
    assertThat(scrape()).contains("cairn_http_tails_paused 0", "cairn_http_tails 1");
    await(request.connection().close());
    awaitCondition(() -> scrape().contains("cairn_http_tails 0"), "the tail is closed");
  }

  /** Events the client has counted. */
  private final AtomicLong receivedEvents = new AtomicLong();
  /** The offset the client expects next; touched on the client's event loop only. */
  private long nextOffset;
  /** The first event whose id was not the next offset, for the test thread to report. */
  private final AtomicReference<String> outOfOrder = new AtomicReference<>();

  /** Counts the complete events in {@code chunk}, noting the first whose id is not the next offset. */
  private long countEvents(StringBuilder pending, Buffer chunk) {
    pending.append(chunk.toString(StandardCharsets.UTF_8));
    long events = 0;
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String message = pending.substring(0, end);
      pending.delete(0, end + 2);
      if (message.startsWith("id: ")) {
        long id = Long.parseLong(message.substring(4, message.indexOf('\n')));
        if (id != nextOffset) {
          outOfOrder.compareAndSet(null, "id " + id + " where " + nextOffset + " was expected");
        }
        nextOffset = id + 1;
        events++;
      }
    }
    return events;
  }

  private long tailEventsSent() {
    Matcher matcher = TAIL_EVENTS.matcher(scrape());
    return matcher.find() ? (long) Double.parseDouble(matcher.group(1)) : 0;
  }

  private String scrape() {
    try {
      HttpClient http = clientVertx.createHttpClient();
      try {
        return await(http.request(HttpMethod.GET, node.httpPort(), NodeOptions.DEFAULT_HTTP_HOST, "/metrics")
            .compose(HttpClientRequest::send).compose(HttpClientResponse::body)).toString(StandardCharsets.UTF_8);
      } finally {
        await(http.close());
      }
    } catch (Exception e) {
      throw new AssertionError("scrape failed", e);
    }
  }


  private void awaitCondition(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        String tailMeters = scrape().lines().filter(line -> line.startsWith("cairn_http_tail"))
            .reduce("", (all, line) -> all + "\n  " + line);
        throw new AssertionError("timed out after " + TIMEOUT_MS + " ms waiting until " + what + "; client counted "
            + receivedEvents.get() + " of " + EVENTS + " events; node:" + tailMeters);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
