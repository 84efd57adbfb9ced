package io.cairn.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} renders the exposition on a worker thread, never on the event loop that serves the
 * request (which may also serve a partition's owner or protocol connections). The API runs on a real local store
 * behind a real HTTP server; a gauge of the test's own notes the thread that reads it during the rendering.
 */
class HttpApiMetricsTest {

  private static final long TIMEOUT_MS = 15_000;

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private EventStore store;
  private NodeMetrics metrics;
  private HttpServer server;
  private WebClient client;

  @BeforeEach
  void startApi() throws Exception {
    vertx = Vertx.vertx();
    store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)));
    await(store.createTopic("bank.account", new TopicConfig()));
    metrics = new NodeMetrics();
    HttpApi api = new HttpApi(vertx, store, metrics, 64 * 1024, () -> true);
    server = await(vertx.createHttpServer().requestHandler(api.router()).listen(0, "127.0.0.1"));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stopApi() throws Exception {
    client.close();
    await(server.close());
    await(store.close());
    metrics.close();
    await(vertx.close());
  }

  @Test
  void theExpositionIsRenderedOnAWorkerThreadNotOnTheEventLoop() throws Exception {
    // given: a gauge that notes which thread reads it, which is the thread rendering the exposition
    AtomicReference<Thread> renderedOn = new AtomicReference<>();
    Gauge.builder("test.rendering.thread", () -> {
      renderedOn.set(Thread.currentThread());
      return 1;
    }).register(metrics.registry());

    // when
    HttpResponse<Buffer> response = await(client.get(server.actualPort(), "127.0.0.1", "/metrics").send());

    // then: the whole exposition, the test's gauge included, rendered off the event loop
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsString()).contains("test_rendering_thread 1.0")
        .contains("cairn_partition_log_end_offset{partition=\"0\",topic=\"bank.account\"} 0");
    assertThat(renderedOn.get()).isNotNull();
    assertThat(renderedOn.get().getName()).startsWith("vert.x-worker-thread");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
