package io.cairn.client;

import io.cairn.client.protocol.ApiVersions;
import io.cairn.client.protocol.FrameParser;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.ProtocolReader;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.RequestHeader;
import io.cairn.client.protocol.Requests;
import io.cairn.client.protocol.ResponseBody;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake node at the network boundary for client tests that need answers a real node does not give on demand
 * (errors, silence, dropped connections): it decodes request frames with the codec and answers each with what
 * {@link #responder} returns for it; ApiVersions is always answered. A null answer leaves the request
 * unanswered; {@link #CLOSE} closes the connection instead. Thread-safe.
 */
public final class FakeNode implements AutoCloseable {

  /** The answer that makes the node close the connection. */
  public static final ResponseBody CLOSE = ApiVersions.Response.ofAllApis("close");

  /** What the node answers; replaceable at any time. */
  public volatile Function<RequestBody, ResponseBody> responder;
  /** Connections accepted so far. */
  public final AtomicInteger connections = new AtomicInteger();
  /** Every request received, in arrival order (ApiVersions included). */
  public final List<RequestBody> received = new CopyOnWriteArrayList<>();
  private final List<NetSocket> sockets = new CopyOnWriteArrayList<>();
  private final NetServer server;

  private FakeNode(Vertx vertx) {
    this.server = vertx.createNetServer().connectHandler(this::accept);
  }

  /** Listens on {@code 127.0.0.1:port} (0 = any free port). */
  public static Future<FakeNode> start(Vertx vertx, int port) {
    return start(vertx, port, request -> null);
  }

  /**
   * Listens on {@code 127.0.0.1:port} with {@code responder} in place before the first connection can arrive
   * (a client already retrying may send its request the moment the port listens).
   */
  public static Future<FakeNode> start(Vertx vertx, int port, Function<RequestBody, ResponseBody> responder) {
    FakeNode node = new FakeNode(vertx);
    node.responder = responder;
    return node.server.listen(port, "127.0.0.1").map(ignored -> node);
  }

  public int port() {
    return server.actualPort();
  }

  public String bootstrap() {
    return "127.0.0.1:" + port();
  }

  /** Connections open now. */
  public int openSockets() {
    return sockets.size();
  }

  /** The requests received of type {@code type}, in order. */
  public <T extends RequestBody> List<T> received(Class<T> type) {
    return received.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Closes every connection; the node keeps listening. */
  public void dropConnections() {
    sockets.forEach(NetSocket::close);
  }

  private void accept(NetSocket socket) {
    connections.incrementAndGet();
    sockets.add(socket);
    socket.closeHandler(ignored -> sockets.remove(socket));
    socket.handler(new FrameParser(Frames.DEFAULT_MAX_FRAME_BYTES, frame -> {
      ProtocolReader in = new ProtocolReader(frame);
      RequestHeader header = RequestHeader.decode(in);
      RequestBody request = Requests.decode(header, in);
      received.add(request);
      ResponseBody answer = request instanceof ApiVersions.Request
          ? ApiVersions.Response.ofAllApis("fake") : responder.apply(request);
      if (answer == CLOSE) {
        socket.close();
      } else if (answer != null) {
        socket.write(Frames.encodeResponse(header.correlationId(), answer));
      }
    }, malformed -> socket.close()));
  }

  @Override
  public void close() {
    dropConnections();
    server.close();
  }
}
