package io.cairn.node.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy between a client and a node, to fail the network on demand (a fake at the network boundary):
 * {@link #holdAnswers()} keeps forwarding requests to the node but stops passing its answers back (the node
 * executes them; the client never hears), {@link #cutAll()} closes every proxied connection, and
 * {@link #refuse(boolean)} closes new connections at once. Thread-safe.
 */
final class TcpProxy implements AutoCloseable {

  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final int targetPort;
  private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicBoolean holding = new AtomicBoolean();
  private final AtomicBoolean refusing = new AtomicBoolean();

  private TcpProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(this::accept);
  }

  /** A proxy on a free local port forwarding to {@code 127.0.0.1:targetPort}. */
  static Future<TcpProxy> start(Vertx vertx, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, targetPort);
    return proxy.server.listen(0, "127.0.0.1").map(ignored -> proxy);
  }

  int port() {
    return server.actualPort();
  }

  String bootstrap() {
    return "127.0.0.1:" + port();
  }

  /** From now on, answers from the node are dropped (requests still reach it). */
  void holdAnswers() {
    holding.set(true);
  }

  /** Answers flow again (those dropped meanwhile stay lost). */
  void passAnswers() {
    holding.set(false);
  }

  /** Whether new connections are closed at once. */
  void refuse(boolean refuse) {
    refusing.set(refuse);
  }

  /** Closes every proxied connection, both sides. */
  void cutAll() {
    for (NetSocket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  /** Proxied connections open (client side and node side count one each). */
  int openSockets() {
    return sockets.size();
  }

  private void accept(NetSocket downstream) {
    if (refusing.get()) {
      downstream.close();
      return;
    }
    downstream.pause();
    client.connect(targetPort, "127.0.0.1").onComplete(connected -> {
      if (connected.failed()) {
        downstream.close();
        return;
      }
      NetSocket upstream = connected.result();
      sockets.add(downstream);
      sockets.add(upstream);
      downstream.handler(upstream::write);
      upstream.handler(chunk -> {
        if (!holding.get()) {
          downstream.write(chunk);
        }
      });
      downstream.closeHandler(ignored -> {
        sockets.remove(downstream);
        upstream.close();
      });
      upstream.closeHandler(ignored -> {
        sockets.remove(upstream);
        downstream.close();
      });
      downstream.resume();
    });
  }

  @Override
  public void close() {
    cutAll();
    server.close();
    client.close();
  }
}
