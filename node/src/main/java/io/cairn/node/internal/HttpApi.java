package io.cairn.node.internal;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicExistsException;
import io.cairn.eventstore.UnknownTopicException;
import io.cairn.node.json.CairnJson;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of a node (the REST-proxy role, {@code docs/http-api.md}): JSON endpoints over an
 * {@link EventStore}, Server-Sent Events tails, {@code /openapi.json}, {@code /health} and
 * {@code /metrics}.
 *
 * <p>Errors are JSON {@code {"error": message, "field"?: name}}: bad input 400 naming the field,
 * unknown topic or partition 404, existing topic 409, version conflict 409 with the actual version,
 * oversized body 413, storage failure or closed store 503, anything else 500 (logged, no stack trace in
 * the answer). Handlers run on the HTTP server's event loop and never block; {@code /metrics} renders its text on
 * a worker thread.
 *
 * <p>Stopping: once the store no longer serves ({@code storeOpen} false), requests to the
 * {@value #TOPICS_PREFIX} endpoints that arrive are answered 503 at once, before their body is read;
 * requests already past that point are served to the end. Tails are backpressured: a tail whose client
 * reads slower than events come pauses its subscription while the response's write queue is full, so
 * a slow client holds at most one write queue of events (plus the subscription's one read-ahead) in
 * the node.
 */
public final class HttpApi {

  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  /** Where the hand-written OpenAPI document lives on the class path. */
  public static final String OPENAPI_RESOURCE = "/io/cairn/node/openapi.json";
  public static final String JSON = "application/json";
  public static final String EVENT_STREAM = "text/event-stream";
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  /** Route label of requests that matched no endpoint. */
  public static final String UNMATCHED_ROUTE = "unmatched";
  /** Path prefix of the endpoints that use the store; refused with 503 while the node stops. */
  public static final String TOPICS_PREFIX = "/topics";
  /** The error message of requests refused because the node is stopping. */
  public static final String STOPPING = "the node is stopping";

  private static final String ROUTE_LABEL_KEY = "cairn.route";
  private static final String TOPIC = "topic";
  private static final String AGGREGATE_ID = "aggregateId";
  private static final String PARTITION = "partition";
  private static final int OK = 200;
  private static final int CREATED = 201;
  private static final int NO_CONTENT = 204;
  private static final int BAD_REQUEST = 400;
  private static final int NOT_FOUND = 404;
  private static final int METHOD_NOT_ALLOWED = 405;
  private static final int CONFLICT = 409;
  private static final int PAYLOAD_TOO_LARGE = 413;
  private static final int INTERNAL_ERROR = 500;
  private static final int UNAVAILABLE = 503;

  private final Vertx vertx;
  private final EventStore store;
  private final NodeMetrics metrics;
  private final int maxBodyBytes;
  private final BooleanSupplier storeOpen;
  private final Buffer openApi;
  private final Set<Tail> tails = ConcurrentHashMap.newKeySet();
  private volatile boolean tailsClosed;

  /**
   * An API over {@code store}; {@code storeOpen} tells {@code /health} whether the store serves;
   * bodies larger than {@code maxBodyBytes} are answered with 413.
   */
  public HttpApi(Vertx vertx, EventStore store, NodeMetrics metrics, int maxBodyBytes, BooleanSupplier storeOpen) {
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.maxBodyBytes = maxBodyBytes;
    this.storeOpen = storeOpen;
    this.openApi = loadOpenApi();
  }

  /** A router serving every endpoint. */
  public Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::measure);
    route(router, HttpMethod.GET, "/health", false, this::health);
    route(router, HttpMethod.GET, "/metrics", false, this::metrics);
    route(router, HttpMethod.GET, "/openapi.json", false, this::openApi);
    route(router, HttpMethod.GET, "/topics", false, this::listTopics);
    route(router, HttpMethod.POST, "/topics", true, this::createTopic);
    route(router, HttpMethod.GET, "/topics/:topic", false, this::describeTopic);
    route(router, HttpMethod.DELETE, "/topics/:topic", false, this::deleteTopic);
    route(router, HttpMethod.POST, "/topics/:topic/streams/:aggregateId/events", true, this::append);
    route(router, HttpMethod.GET, "/topics/:topic/streams/:aggregateId", false, this::readStream);
    route(router, HttpMethod.GET, "/topics/:topic/partitions/:partition/events", false, this::readPartition);
    route(router, HttpMethod.GET, "/topics/:topic/partitions/:partition/tail", false, this::tail);
    router.errorHandler(NOT_FOUND, ctx -> error(ctx, NOT_FOUND, "no endpoint " + ctx.request().method() + " "
        + ctx.normalizedPath() + " (see /openapi.json)"));
    router.errorHandler(METHOD_NOT_ALLOWED, ctx -> error(ctx, METHOD_NOT_ALLOWED, "method "
        + ctx.request().method() + " not allowed on " + ctx.normalizedPath()));
    router.errorHandler(PAYLOAD_TOO_LARGE, ctx -> error(ctx, PAYLOAD_TOO_LARGE,
        "request body larger than " + maxBodyBytes + " bytes (http.max.body.bytes)"));
    router.errorHandler(INTERNAL_ERROR, ctx -> fail(ctx, ctx.failure() == null
        ? new IllegalStateException("request failed with status " + ctx.statusCode()) : ctx.failure()));
    return router;
  }

  /**
   * Ends every Server-Sent Events tail and answers new ones with 503 (used when the node stops);
   * the future completes when they are ended.
   */
  public Future<Void> closeTails() {
    tailsClosed = true;
    return Future.join(tails.stream().map(Tail::close).toList()).mapEmpty();
  }

  private void route(Router router, HttpMethod method, String path, boolean hasBody, Handler<RoutingContext> handler) {
    String label = method + " " + path;
    boolean usesStore = path.startsWith(TOPICS_PREFIX);
    // Labelled on a route of its own: Vert.x Web requires the body handler to be a route's first handler.
    router.route(method, path).handler(ctx -> {
      ctx.put(ROUTE_LABEL_KEY, label);
      if (usesStore && !storeOpen.getAsBoolean()) {
        error(ctx, UNAVAILABLE, STOPPING);
      } else {
        ctx.next();
      }
    });
    var route = router.route(method, path);
    if (hasBody) {
      route.handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    }
    route.handler(ctx -> {
      try {
        handler.handle(ctx);
      } catch (RuntimeException e) {
        fail(ctx, e);
      }
    });
  }

  private void measure(RoutingContext ctx) {
    long startNanos = System.nanoTime();
    String method = ctx.request().method().name();
    ctx.addEndHandler(ignored -> {
      String label = ctx.get(ROUTE_LABEL_KEY);
      metrics.httpRequest(label == null ? UNMATCHED_ROUTE : label, method, ctx.response().getStatusCode(),
          System.nanoTime() - startNanos);
    });
    ctx.next();
  }

  private void health(RoutingContext ctx) {
    boolean up = storeOpen.getAsBoolean();
    json(ctx, up ? OK : UNAVAILABLE, new JsonObject().put("status", up ? "UP" : "DOWN"));
  }

  /**
   * Renders the exposition on a worker thread, not on this event loop, which may also serve a partition or
   * protocol connections: a first scrape loads and runs cold code for ~100 ms, and a later one takes a few ms
   * that appends and fetches on the same loop would otherwise wait for.
   */
  private void metrics(RoutingContext ctx) {
    metrics.refreshPartitions(store)
        .transform(ignored -> vertx.executeBlocking(metrics::scrape, false))
        .onComplete(scraped -> {
          if (ctx.response().ended()) {
            return;
          }
          if (scraped.succeeded()) {
            ctx.response().putHeader("content-type", PROMETHEUS_TEXT).end(scraped.result());
          } else {
            ctx.fail(scraped.cause());
          }
        });
  }

  private void openApi(RoutingContext ctx) {
    ctx.response().putHeader("content-type", JSON).end(openApi);
  }

  private void listTopics(RoutingContext ctx) {
    store.listTopics().onComplete(ar -> answer(ctx, ar.map(names -> new JsonArray(names)), OK));
  }

  private void createTopic(RoutingContext ctx) {
    Requests.NewTopic topic = Requests.newTopic(Requests.jsonObject(ctx.body().buffer()));
    TopicConfig config = topic.config();
    store.createTopic(topic.name(), config).onComplete(ar -> answer(ctx, ar.map(CairnJson::topic), CREATED));
  }

  private void describeTopic(RoutingContext ctx) {
    store.describeTopic(ctx.pathParam(TOPIC)).onComplete(ar -> answer(ctx, ar.map(CairnJson::topic), OK));
  }

  private void deleteTopic(RoutingContext ctx) {
    store.deleteTopic(ctx.pathParam(TOPIC)).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().setStatusCode(NO_CONTENT).end();
      } else {
        fail(ctx, ar.cause());
      }
    });
  }

  private void append(RoutingContext ctx) {
    String topic = ctx.pathParam(TOPIC);
    AppendRequest request = Requests.append(topic, ctx.pathParam(AGGREGATE_ID), Requests.jsonObject(ctx.body().buffer()));
    long startNanos = System.nanoTime();
    store.append(request).onComplete(ar -> {
      long durationNanos = System.nanoTime() - startNanos;
      if (ar.failed()) {
        metrics.append(topic, NodeMetrics.OUTCOME_ERROR, request.events().size(), durationNanos);
        fail(ctx, ar.cause());
      } else if (ar.result() instanceof AppendResult.Appended appended) {
        metrics.append(topic, appended.duplicate() ? NodeMetrics.OUTCOME_DUPLICATE : NodeMetrics.OUTCOME_APPENDED,
            request.events().size(), durationNanos);
        json(ctx, OK, CairnJson.appended(appended));
      } else if (ar.result() instanceof AppendResult.VersionConflict conflict) {
        metrics.append(topic, NodeMetrics.OUTCOME_CONFLICT, request.events().size(), durationNanos);
        json(ctx, CONFLICT, CairnJson.conflict(conflict));
      }
    });
  }

  private void readStream(RoutingContext ctx) {
    long fromVersion = Requests.longParam(ctx.queryParams(), "fromVersion", Requests.FIRST_VERSION,
        Requests.FIRST_VERSION, Long.MAX_VALUE);
    int maxCount = (int) Requests.longParam(ctx.queryParams(), "maxCount", Requests.DEFAULT_MAX_COUNT, 1,
        Requests.MAX_MAX_COUNT);
    store.readStream(ctx.pathParam(TOPIC), ctx.pathParam(AGGREGATE_ID), fromVersion, maxCount)
        .onComplete(ar -> answer(ctx, ar.map(EventJson::slice), OK));
  }

  private void readPartition(RoutingContext ctx) {
    int partition = partition(ctx);
    long fromOffset = Requests.longParam(ctx.queryParams(), "fromOffset", 0, 0, Long.MAX_VALUE);
    int maxBytes = (int) Requests.longParam(ctx.queryParams(), "maxBytes", Requests.DEFAULT_MAX_BYTES, 1,
        Requests.MAX_MAX_BYTES);
    store.read(ctx.pathParam(TOPIC), partition, fromOffset, maxBytes)
        .onComplete(ar -> answer(ctx, ar.map(EventJson::read), OK));
  }

  private void tail(RoutingContext ctx) {
    String topic = ctx.pathParam(TOPIC);
    int partition = partition(ctx);
    StartPosition start = Requests.startPosition(ctx.queryParams().get("from"), "from");
    // Check topic and partition first so that a typo is a 404, not an empty event stream.
    store.describeTopic(topic).onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else if (partition >= ar.result().partitions().size()) {
        fail(ctx, new UnknownTopicException(topic, partition, ar.result().partitions().size()));
      } else {
        startTail(ctx, topic, partition, start);
      }
    });
  }

  private void startTail(RoutingContext ctx, String topic, int partition, StartPosition start) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      return;
    }
    if (tailsClosed) {
      error(ctx, UNAVAILABLE, STOPPING);
      return;
    }
    ReadStream<StoredEvent> events;
    try {
      events = store.subscribe(topic, partition, start);
    } catch (RuntimeException e) {
      // The topic went away since it was described: answer before the event stream's headers go out.
      fail(ctx, e);
      return;
    }
    response.setChunked(true).putHeader("content-type", EVENT_STREAM).putHeader("cache-control", "no-cache");
    Tail tail = new Tail(vertx.getOrCreateContext(), topic, partition, events, response);
    // Registered before the headers go out, so a stop that follows them always finds it.
    tails.add(tail);
    // A comment line sends the headers at once, so the client knows the tail is open.
    response.write(": tail " + topic + "-" + partition + "\n\n");
    tail.start();
  }

  private static int partition(RoutingContext ctx) {
    return (int) Requests.parseLong(ctx.pathParam(PARTITION), PARTITION, 0, TopicConfig.MAX_PARTITIONS - 1);
  }

  private void answer(RoutingContext ctx, io.vertx.core.AsyncResult<?> result, int status) {
    if (result.failed()) {
      fail(ctx, result.cause());
    } else {
      Object body = result.result();
      ctx.response().setStatusCode(status).putHeader("content-type", JSON)
          .end(body instanceof JsonObject object ? object.toBuffer() : ((JsonArray) body).toBuffer());
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.response().setStatusCode(status).putHeader("content-type", JSON).end(body.toBuffer());
    }
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    json(ctx, statusOf(failure), errorBody(failure));
    if (statusOf(failure) == INTERNAL_ERROR) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
    }
  }

  private static int statusOf(Throwable failure) {
    if (failure instanceof InvalidInputException) {
      return BAD_REQUEST;
    }
    if (failure instanceof UnknownTopicException) {
      return NOT_FOUND;
    }
    if (failure instanceof TopicExistsException) {
      return CONFLICT;
    }
    if (failure instanceof StorageException || failure instanceof StoreClosedException) {
      return UNAVAILABLE;
    }
    return INTERNAL_ERROR;
  }

  private static JsonObject errorBody(Throwable failure) {
    if (failure instanceof InvalidInputException invalid) {
      return new JsonObject().put("error", invalid.getMessage()).put("field", invalid.field());
    }
    if (statusOf(failure) == INTERNAL_ERROR) {
      return new JsonObject().put("error", "internal error (logged by the node)");
    }
    return new JsonObject().put("error", failure.getMessage());
  }

  private static Buffer loadOpenApi() {
    try (InputStream in = HttpApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException(OPENAPI_RESOURCE + " is missing from the class path"));
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + OPENAPI_RESOURCE, e);
    }
  }

  /**
   * One open Server-Sent Events tail: its subscription, its response and the context they run on.
   * Every method but {@link #close()} runs on that context.
   */
  private final class Tail {
    private final Context context;
    private final String topic;
    private final int partition;
    private final ReadStream<StoredEvent> events;
    private final HttpServerResponse response;
    private final Counter sentEvents;
    private boolean paused;
    private boolean finished;

    Tail(Context context, String topic, int partition, ReadStream<StoredEvent> events, HttpServerResponse response) {
      this.context = context;
      this.topic = topic;
      this.partition = partition;
      this.events = events;
      this.response = response;
      this.sentEvents = metrics.tailEvents(topic);
    }

    void start() {
      tails.add(this);
      metrics.tailOpened();
      response.closeHandler(ignored -> stop());
      events.exceptionHandler(failure -> {
        LOG.warn("tail of {}-{} failed: {}", topic, partition, failure.toString());
        if (!response.ended() && !response.closed()) {
          response.write("event: error\ndata: " + errorBody(failure).encode() + "\n\n");
        }
      });
      events.endHandler(ignored -> finish());
      events.handler(this::send);
    }

    private void send(StoredEvent event) {
      if (response.ended() || response.closed()) {
        return;
      }
      response.write("id: " + event.offset() + "\ndata: " + EventJson.event(event).encode() + "\n\n");
      sentEvents.increment();
      if (!paused && response.writeQueueFull()) {
        paused = true;
        metrics.tailPaused();
        events.pause();
        response.drainHandler(drained -> resume());
      }
    }

    private void resume() {
      if (paused && !finished) {
        paused = false;
        metrics.tailResumed();
        events.resume();
      }
    }

    /** Ends the subscription; the response is ended unless the client is gone. */
    void stop() {
      events.handler(null);
      finish();
    }

    private void finish() {
      if (finished) {
        return;
      }
      finished = true;
      tails.remove(this);
      if (paused) {
        paused = false;
        metrics.tailResumed();
      }
      metrics.tailClosed();
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }

    /** Ends the tail from any thread. */
    Future<Void> close() {
      return Future.future(promise -> context.runOnContext(ignored -> {
        stop();
        promise.complete();
      }));
    }
  }
}
