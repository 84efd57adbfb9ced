package io.cairn.node.internal.protocol;

import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.ErrorFrame;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.ResponseHeader;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.EventStore;
import io.cairn.node.internal.NodeMetrics;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's binary-protocol server (docs/protocol.md): {@code networkThreads} {@link ProtocolVerticle}s
 * sharing one port, a {@link ConnectionRegistry} enforcing {@code max.connections} across them, and one
 * {@link RequestDispatcher} over the store.
 *
 * <p>Lifecycle: {@link #start} binds (all instances share the configured port, or one free port for 0);
 * {@link #shutdown()} stops accepting, answers requests in flight while refusing new
 * ones with {@link ErrorCode#NODE_SHUTTING_DOWN}, ends long polls early, and closes every connection, within
 * {@code shutdown.grace.ms}. The verticles stay deployed until Vert.x closes (see
 * {@link ProtocolVerticle#shutdown()}). Thread-safe.
 */
public final class ProtocolServer {

  private static final Logger LOG = LoggerFactory.getLogger(ProtocolServer.class);
  /** The port Vert.x reads as "a free port, shared by every server asking for it". */
  private static final int SHARED_FREE_PORT = -1;

  private final Vertx vertx;
  private final ProtocolLimits limits;
  private final NodeMetrics metrics;
  private final RequestDispatcher dispatcher;
  private final ConnectionRegistry registry;
  private final AtomicBoolean shuttingDown = new AtomicBoolean();
  private final Promise<Void> shutdownSignal = Promise.promise();
  private final List<ProtocolVerticle> verticles = new CopyOnWriteArrayList<>();
  private final Promise<Void> stopped = Promise.promise();
  private volatile int port;

  private ProtocolServer(Vertx vertx, EventStore store, NodeMetrics metrics, ProtocolLimits limits, String nodeVersion) {
    this.vertx = vertx;
    this.limits = limits;
    this.metrics = metrics;
    this.registry = new ConnectionRegistry(limits.maxConnections());
    this.dispatcher = new RequestDispatcher(vertx, store, nodeVersion, shutdownSignal.future());
  }

  /**
   * Binds {@code host:port} on {@code networkThreads} event loops. Fails with a {@link CairnException} naming the
   * address when it cannot be bound; nothing stays deployed then.
   */
  public static Future<ProtocolServer> start(Vertx vertx, EventStore store, NodeMetrics metrics, ProtocolLimits limits,
                                             String host, int port, int networkThreads, String nodeVersion) {
    ProtocolServer server = new ProtocolServer(vertx, store, metrics, limits, nodeVersion);
    // Vert.x shares a port between servers that ask for the same one; -1 asks for one free port shared by all.
    int listenPort = port == 0 ? SHARED_FREE_PORT : port;
    return vertx.deployVerticle(() -> new ProtocolVerticle(server, host, listenPort),
            new DeploymentOptions().setInstances(networkThreads))
        .map(id -> server)
        .recover(failure -> Future.failedFuture(new CairnException("cannot listen for the binary protocol on "
            + host + ":" + port + " (port): " + failure.getMessage(), false, failure)));
  }

  /** The bound port. */
  public int actualPort() {
    return port;
  }

  /** Binary-protocol connections open now. */
  public int openConnections() {
    return registry.openConnections();
  }

  /** Connections that stopped reading because of backpressure (in-flight limit, full write queue), now. */
  int pausedConnections() {
    return registry.pausedConnections();
  }

  /**
   * Stops the server (see the class comment); the future completes when every connection is closed, at most
   * about {@code shutdown.grace.ms} later. Every call returns the same future.
   */
  public Future<Void> shutdown() {
    if (shuttingDown.compareAndSet(false, true)) {
      shutdownSignal.tryComplete();
      Future<Void> drained = registry.drainAll();
      long graceTimer = vertx.setTimer(Math.max(1, limits.shutdownGraceMs()), ignored -> registry.closeAll());
      Future.join(drained, shutdownServers()).onComplete(ignored -> {
        vertx.cancelTimer(graceTimer);
        registry.closeAll();
        stopped.complete();
      });
    }
    return stopped.future();
  }

  ProtocolLimits limits() {
    return limits;
  }

  /** {@code verticle} bound its server to {@code actualPort} (the same for all of them). */
  void bound(ProtocolVerticle verticle, int actualPort) {
    verticles.add(verticle);
    port = actualPort;
  }

  /** A new connection, on the event loop of the verticle that accepted it. */
  void accept(NetSocket socket, Context context) {
    if (shuttingDown.get()) {
      refuse(socket, ErrorCode.NODE_SHUTTING_DOWN, "the node is shutting down");
      return;
    }
    if (!registry.tryAdmit()) {
      refuse(socket, ErrorCode.CONNECTION_LIMIT_REACHED, "the node has max.connections = "
          + limits.maxConnections() + " connections open; try again later");
      return;
    }
    ProtocolConnection connection = new ProtocolConnection(socket, context, dispatcher, limits, metrics,
        shuttingDown::get, port);
    metrics.protocolConnectionOpened();
    registry.add(connection);
    connection.closed().onComplete(ignored -> metrics.protocolConnectionClosed());
    connection.start();
  }

  private void refuse(NetSocket socket, ErrorCode code, String message) {
    LOG.debug("protocol connection from {} refused: {}", socket.remoteAddress(), message);
    metrics.protocolRequestError(ProtocolConnection.UNKNOWN_API, code.name());
    socket.write(Frames.encodeError(new ErrorFrame(ResponseHeader.CONNECTION_ERROR_CORRELATION_ID, code, message)))
        .onComplete(ignored -> socket.close());
  }

  private Future<Void> shutdownServers() {
    List<Future<Void>> stopped = new ArrayList<>();
    for (ProtocolVerticle verticle : verticles) {
      stopped.add(verticle.shutdown());
    }
    return Future.join(stopped).mapEmpty();
  }
}
