package io.cairn.node;

import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StorageException;
import io.cairn.node.internal.HttpApi;
import io.cairn.node.internal.NodeMetrics;
import io.cairn.node.internal.protocol.ProtocolLimits;
import io.cairn.node.internal.protocol.ProtocolServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Cairn node: one local {@link EventStore} served over the binary protocol (docs/protocol.md)
 * and over HTTP (the REST-proxy role) with health and Prometheus metrics. Start it with
 * {@link #start(NodeOptions)}; it owns its own Vert.x instance.
 *
 * <p>Lifecycle: {@code start} opens (and, after a crash, recovers) the store, binds the HTTP server and
 * the protocol server and logs exactly one line
 * {@value #READY_PREFIX}{@code data=DIR, http=HOST:PORT, protocol=HOST:PORT}. {@link #stop()} stops
 * accepting connections, ends Server-Sent Events tails, lets in-flight requests of both servers finish
 * (up to {@link NodeOptions#shutdownGraceMs()}; new protocol requests meanwhile get
 * {@code NODE_SHUTTING_DOWN}), closes the store (which flushes and writes the clean-shutdown marker)
 * and closes Vert.x. Thread-safe: {@code stop} may be called from any thread,
 * more than once; every call returns the same future.
 */
public final class CairnNode {

  /** Start of the one log line a node writes when it serves requests. */
  public static final String READY_PREFIX = "Cairn node ready: ";

  private static final Logger LOG = LoggerFactory.getLogger(CairnNode.class);
  /** Where Maven records the node jar's version. */
  private static final String POM_PROPERTIES = "/META-INF/maven/io.cairn/cairn-node/pom.properties";
  /** The version reported (ApiVersions) when the node runs from classes rather than its jar. */
  static final String DEVELOPMENT_VERSION = "development";

  private final NodeOptions options;
  private final Vertx vertx;
  private final EventStore store;
  private final NodeMetrics metrics;
  private final HttpApi api;
  private final HttpServer server;
  private final ProtocolServer protocol;
  private final long metricsTimerId;
  private final AtomicBoolean storeOpen;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Promise<Void> stopped = Promise.promise();

  private CairnNode(NodeOptions options, Vertx vertx, EventStore store, NodeMetrics metrics, HttpApi api,
                    HttpServer server, ProtocolServer protocol, AtomicBoolean storeOpen) {
    this.storeOpen = storeOpen;
    this.options = options;
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.api = api;
    this.server = server;
    this.protocol = protocol;
    this.metricsTimerId = vertx.setPeriodic(options.metricsRefreshIntervalMs(),
        ignored -> metrics.refreshPartitions(store));
  }

  /**
   * Starts a node with a copy of {@code options} (validated: {@link io.cairn.eventstore.InvalidInputException}
   * naming the option). Fails with {@link StorageException} if the store cannot be opened, with a
   * {@link CairnException} if the HTTP or the protocol port cannot be bound; whatever was opened is closed
   * again.
   */
  public static Future<CairnNode> start(NodeOptions options) {
    NodeOptions copy = new NodeOptions(options).validate();
    String version = version();
    Path dataDir = copy.dataDir().orElseThrow().toAbsolutePath();
    Vertx vertx = Vertx.vertx();
    NodeMetrics metrics = new NodeMetrics();
    AtomicBoolean storeOpen = new AtomicBoolean();
    // Completed without a Vert.x context: its listeners must still run after this Vert.x is closed.
    Promise<CairnNode> result = Promise.promise();
    EventStores.openLocal(vertx, copy.storeOptions(dataDir, metrics))
        .compose(store -> {
          storeOpen.set(true);
          Future<CairnNode> served;
          try {
            served = serve(copy, vertx, store, metrics, storeOpen, version);
          } catch (RuntimeException e) {
            served = Future.failedFuture(e);
          }
          return served.recover(failure -> store.close().transform(ignored -> Future.failedFuture(failure)));
        })
        .onComplete(started -> {
          if (started.succeeded()) {
            LOG.info("{}data={}, http={}:{}, protocol={}:{}", READY_PREFIX, dataDir, copy.httpHost(),
                started.result().httpPort(), copy.host(), started.result().protocolPort());
            result.complete(started.result());
          } else {
            metrics.close();
            vertx.close().onComplete(ignored -> result.fail(started.cause()));
          }
        });
    return result.future();
  }

  private static Future<CairnNode> serve(NodeOptions copy, Vertx vertx, EventStore store, NodeMetrics metrics,
                                         AtomicBoolean storeOpen, String version) {
    HttpApi api = new HttpApi(vertx, store, metrics, copy.httpMaxBodyBytes(), storeOpen::get);
    HttpServer server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(copy.httpHost()).setPort(copy.httpPort()))
        .connectionHandler(connection -> {
          metrics.connectionOpened();
          connection.closeHandler(ignored -> metrics.connectionClosed());
        })
        .requestHandler(api.router());
    return server.listen()
        .recover(failure -> Future.failedFuture(new CairnException("cannot listen for HTTP on "
            + copy.httpHost() + ":" + copy.httpPort() + " (" + NodeOptions.HTTP_PORT + "): "
            + failure.getMessage(), false, failure)))
        .compose(bound -> ProtocolServer.start(vertx, store, metrics, protocolLimits(copy), copy.host(), copy.port(),
                copy.numNetworkThreads(), version)
            .map(protocol -> new CairnNode(copy, vertx, store, metrics, api, bound, protocol, storeOpen))
            .recover(failure -> bound.close().transform(ignored -> Future.failedFuture(failure))));
  }

  private static ProtocolLimits protocolLimits(NodeOptions options) {
    return new ProtocolLimits(options.socketRequestMaxBytes(), options.maxInFlightRequestsPerConnection(),
        options.connectionsMaxIdleMs(), options.maxConnections(), options.shutdownGraceMs());
  }

  /** The node's version from its jar, or {@value #DEVELOPMENT_VERSION}. */
  static String version() {
    try (InputStream in = CairnNode.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in == null) {
        return DEVELOPMENT_VERSION;
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", DEVELOPMENT_VERSION);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + POM_PROPERTIES + " from the cairn-node jar", e);
    }
  }

  /** The port the HTTP server listens on (the bound one when {@link NodeOptions#httpPort()} is 0). */
  public int httpPort() {
    return server.actualPort();
  }

  /** The port the binary protocol listens on (the bound one when {@link NodeOptions#port()} is 0). */
  public int protocolPort() {
    return protocol.actualPort();
  }

  /** The options the node runs with (a copy). */
  public NodeOptions options() {
    return new NodeOptions(options);
  }

  /** The store the node serves; in-process callers may use it directly. */
  public EventStore store() {
    return store;
  }

  /**
   * Stops the node cleanly (see the class comment); the future completes when the store and Vert.x are
   * closed and fails if closing the store failed.
   */
  public Future<Void> stop() {
    if (stopping.compareAndSet(false, true)) {
      storeOpen.set(false);
      vertx.cancelTimer(metricsTimerId);
      Path dataDir = options.dataDir().orElseThrow();
      api.closeTails()
          .transform(ignored -> Future.join(server.shutdown(options.shutdownGraceMs(), TimeUnit.MILLISECONDS),
              protocol.shutdown()))
          .transform(ignored -> store.close())
          .onComplete(closed -> {
            metrics.close();
            vertx.close().onComplete(ignored -> {
              if (closed.succeeded()) {
                LOG.info("Cairn node stopped: data={}", dataDir.toAbsolutePath());
                stopped.complete();
              } else {
                LOG.error("Cairn node stopped, but closing the store failed: data={}", dataDir.toAbsolutePath(),
                    closed.cause());
                stopped.fail(closed.cause());
              }
            });
          });
    }
    return stopped.future();
  }
}
