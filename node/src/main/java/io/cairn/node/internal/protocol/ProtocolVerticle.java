package io.cairn.node.internal.protocol;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the protocol port: a {@link NetServer} on {@code host:port} whose connections
 * the {@link ProtocolServer} accepts. Several instances on the same port share it (Vert.x hands each new
 * connection to one of them, round-robin).
 */
final class ProtocolVerticle extends VerticleBase {

  private final ProtocolServer owner;
  private final String host;
  private final int port;
  private NetServer server;

  ProtocolVerticle(ProtocolServer owner, String host, int port) {
    this.owner = owner;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true))
        .connectHandler(socket -> owner.accept(socket, context));
    return server.listen().onSuccess(bound -> owner.bound(this, bound.actualPort()));
  }

  /**
   * Stops accepting and gives open connections {@code shutdown.grace.ms} to finish before they are closed. The
   * verticle stays deployed until Vert.x closes: the store may have deployed its partitions from this
   * verticle's context, which makes them its children, and they must outlive the server until the store
   * closes them.
   */
  Future<Void> shutdown() {
    return server.shutdown(owner.limits().shutdownGraceMs(), TimeUnit.MILLISECONDS);
  }
}
