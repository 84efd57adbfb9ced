package io.cairn.client.internal.net;

import io.cairn.client.NodeAddress;
import io.cairn.client.NodeUnavailableException;
import io.cairn.client.RequestTimeoutException;
import io.cairn.client.protocol.ErrorFrame;
import io.cairn.client.protocol.FrameParser;
import io.cairn.client.protocol.MalformedFrameException;
import io.cairn.client.protocol.ProtocolReader;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.ResponseHeader;
import io.cairn.client.protocol.Responses;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.StoreClosedException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical connection to a node: requests are pipelined on one TCP socket and matched to the answers
 * by order and correlation id (the node answers a connection's requests in order). The socket is opened
 * on demand, closed after {@code connections.max.idle.ms} without traffic, and reopened after a failure
 * with exponential backoff, trying the node addresses in turn.
 *
 * <p>States: {@code IDLE} (no socket, nothing to send) → {@code CONNECTING} → {@code READY}; a failed
 * attempt or a lost socket → {@code BACKOFF} → {@code CONNECTING} again if requests wait, else {@code IDLE};
 * {@link #close()} → {@code CLOSED}. Requests sent while not {@code READY} wait, unsent, and go out in
 * order once connected.
 *
 * <p>Failures: when a socket closes, the requests written to it fail with {@link NodeUnavailableException}
 * ({@link Exchange#written()} true: the node may have executed them); a request not answered by its
 * deadline fails with {@link RequestTimeoutException} and the socket is closed (answers come in order, so
 * nothing behind it could arrive first); a request still unsent at its deadline fails with
 * {@link NodeUnavailableException} ({@link Exchange#written()} false).
 *
 * <p>Thread-safety: every method MUST be called on the client's context ({@link ChannelSettings#context()}).
 */
public final class NodeChannel {

  private static final Logger LOG = LoggerFactory.getLogger(NodeChannel.class);

  enum State { IDLE, CONNECTING, READY, BACKOFF, CLOSED }

  private final ChannelSettings settings;
  private final String name;
  private final ArrayDeque<Exchange> unsent = new ArrayDeque<>();
  private final ArrayDeque<Exchange> awaiting = new ArrayDeque<>();
  private State state = State.IDLE;
  private NetSocket socket;
  private NodeAddress connectedTo;
  private int nextCorrelationId;
  private int failedAttempts;
  private int addressIndex;
  private long timeoutTimerId = -1;
  private long timeoutTimerDeadlineNanos;
  private long idleTimerId = -1;
  private long lastActivityNanos;

  /** A channel named {@code name} in logs (such as {@code main} or {@code long-poll-2}). */
  public NodeChannel(ChannelSettings settings, String name) {
    this.settings = settings;
    this.name = name;
  }

  /**
   * Queues {@code exchange} and sends it as soon as the channel is connected; its deadline starts now. On a
   * closed channel it fails at once with {@link StoreClosedException}.
   */
  public void send(Exchange exchange) {
    if (state == State.CLOSED) {
      exchange.fail(new StoreClosedException("client"));
      return;
    }
    exchange.queued(nextCorrelationId, System.nanoTime());
    nextCorrelationId = nextCorrelationId == Integer.MAX_VALUE ? 0 : nextCorrelationId + 1;
    unsent.addLast(exchange);
    armTimeout(exchange.deadlineNanos());
    switch (state) {
      case READY -> writeUnsent();
      case IDLE -> connect();
      default -> {
        // CONNECTING or BACKOFF: written once connected
      }
    }
  }

  /** The state now (tests). */
  State state() {
    return state;
  }

  /** The node the socket is connected to, or the one that will be tried next. */
  public NodeAddress address() {
    return connectedTo != null ? connectedTo : currentAddress();
  }

  /**
   * Closes the channel for good: pending requests fail with {@link StoreClosedException}, the socket is
   * closed. Idempotent.
   */
  public Future<Void> close() {
    if (state == State.CLOSED) {
      return Future.succeededFuture();
    }
    state = State.CLOSED;
    cancelTimers();
    NetSocket open = socket;
    socket = null;
    StoreClosedException closed = new StoreClosedException("client");
    failAll(unsent, closed);
    failAll(awaiting, closed);
    return open == null ? Future.succeededFuture() : open.close().recover(ignored -> Future.succeededFuture());
  }

  // ---------------------------------------------------------------------------------------------
  // connecting

  private NodeAddress currentAddress() {
    return settings.addresses().get(addressIndex % settings.addresses().size());
  }

  private void connect() {
    state = State.CONNECTING;
    NodeAddress address = currentAddress();
    settings.netClient().connect(address.port(), address.host()).onComplete(result -> {
      if (state == State.CLOSED) {
        if (result.succeeded()) {
          result.result().close();
        }
        return;
      }
      if (result.succeeded()) {
        connected(result.result(), address);
      } else {
        connectFailed(address, result.cause());
      }
    });
  }

  private void connected(NetSocket opened, NodeAddress address) {
    if (failedAttempts > 0) {
      LOG.info("{} connection to node {} open again after {} failed attempts", name, address, failedAttempts);
    } else {
      LOG.debug("{} connection to node {} open", name, address);
    }
    socket = opened;
    connectedTo = address;
    state = State.READY;
    failedAttempts = 0;
    lastActivityNanos = System.nanoTime();
    FrameParser parser = new FrameParser(settings.maxResponseFrameBytes(), frame -> onFrame(opened, frame),
        malformed -> protocolViolation(opened, "a response frame is malformed: " + malformed.getMessage()));
    opened.handler(chunk -> {
      lastActivityNanos = System.nanoTime();
      parser.handle(chunk);
    });
    opened.closeHandler(ignored -> lost(opened, "the node closed the connection"));
    opened.exceptionHandler(failure -> {
      LOG.debug("{} connection to node {} failed", name, address, failure);
      lost(opened, "the connection failed: " + failure);
    });
    armIdleTimer();
    writeUnsent();
  }

  private void connectFailed(NodeAddress address, Throwable cause) {
    failedAttempts++;
    addressIndex++;
    state = State.BACKOFF;
    LOG.debug("{} cannot connect to node {} (attempt {}): {}", name, address, failedAttempts, cause.toString());
    if (failedAttempts >= settings.addresses().size()) {
      NodeUnavailableException unreachable = new NodeUnavailableException("cannot connect to node " + address
          + " (bootstrap.servers " + settings.addresses() + "): " + cause.getMessage(), cause);
      List<Exchange> failFast = new ArrayList<>();
      unsent.removeIf(exchange -> exchange.isFailFast() && failFast.add(exchange));
      failFast.forEach(exchange -> exchange.fail(unreachable));
    }
    if (state == State.BACKOFF) {
      scheduleReconnect();
    }
  }

  /** Waits the reconnect backoff, then connects if requests wait (else goes idle). State is BACKOFF. */
  private void scheduleReconnect() {
    long delayMs = settings.reconnectBackoff().delayMs(Math.max(0, failedAttempts - 1));
    settings.vertx().setTimer(Math.max(1, delayMs), ignored -> {
      if (state != State.BACKOFF) {
        return;
      }
      if (unsent.isEmpty()) {
        state = State.IDLE;
      } else {
        connect();
      }
    });
  }

  /**
   * The socket {@code which} is gone (closed by the node, failed, or closed by us after a timeout). The state
   * leaves READY before the requests written to it fail: their callbacks may send again, and those requests
   * must wait for the next connection.
   */
  private void lost(NetSocket which, String reason) {
    if (which != socket) {
      return;
    }
    socket = null;
    connectedTo = null;
    cancelIdleTimer();
    if (state != State.CLOSED) {
      failedAttempts++;
      state = State.BACKOFF;
    }
    if (!awaiting.isEmpty()) {
      LOG.info("{} connection to node {} lost with {} requests unanswered: {}", name, currentAddress(),
          awaiting.size(), reason);
    } else {
      LOG.debug("{} connection to node {} closed: {}", name, currentAddress(), reason);
    }
    NodeUnavailableException failure = new NodeUnavailableException("connection to node " + currentAddress()
        + " lost before the answer: " + reason);
    failAll(awaiting, failure);
    if (state == State.BACKOFF) {
      scheduleReconnect();
    }
  }

  private void protocolViolation(NetSocket which, String reason) {
    if (which != socket) {
      return;
    }
    LOG.warn("{} closing connection to node {}: {}", name, currentAddress(), reason);
    lost(which, reason);
    which.close();
  }

  // ---------------------------------------------------------------------------------------------
  // requests and answers

  private void writeUnsent() {
    NetSocket open = socket;
    while (state == State.READY && open == socket && !unsent.isEmpty()) {
      Exchange exchange = unsent.pollFirst();
      Buffer frame = exchange.takeFrameForWrite();
      if (exchange.expectsResponse()) {
        awaiting.addLast(exchange);
        open.write(frame);
      } else {
        open.write(frame).onComplete(written -> {
          if (written.succeeded()) {
            exchange.complete(null);
          } else {
            exchange.fail(new NodeUnavailableException("connection to node " + currentAddress()
                + " failed while writing " + exchange + ": " + written.cause().getMessage(), written.cause()));
          }
        });
      }
    }
    lastActivityNanos = System.nanoTime();
  }

  private void onFrame(NetSocket from, Buffer frame) {
    if (from != socket) {
      return;
    }
    ProtocolReader in = new ProtocolReader(frame);
    int correlationId;
    try {
      correlationId = ResponseHeader.decode(in).correlationId();
    } catch (MalformedFrameException e) {
      protocolViolation(from, "a response has no header: " + e.getMessage());
      return;
    }
    if (correlationId == ResponseHeader.CONNECTION_ERROR_CORRELATION_ID) {
      onErrorFrame(from, correlationId, in);
      return;
    }
    Exchange exchange = awaiting.peekFirst();
    if (exchange == null || exchange.correlationId() != correlationId) {
      protocolViolation(from, "an answer with correlation id " + correlationId + " arrived while "
          + (exchange == null ? "no request" : exchange) + " was next");
      return;
    }
    awaiting.pollFirst();
    ResponseBody body;
    try {
      body = Responses.decode(exchange.request(), in);
    } catch (MalformedFrameException e) {
      exchange.fail(new CairnException("the node's answer to " + exchange + " is malformed: " + e.getMessage(),
          false, e));
      protocolViolation(from, "the answer to " + exchange + " is malformed");
      return;
    }
    exchange.complete(body);
  }

  private void onErrorFrame(NetSocket from, int correlationId, ProtocolReader in) {
    String reason;
    try {
      ErrorFrame error = ErrorFrame.decodeBody(correlationId, in);
      reason = "the node refused the connection with " + error.errorCode() + ": " + error.errorMessage();
    } catch (MalformedFrameException e) {
      reason = "a connection-level error frame is malformed: " + e.getMessage();
    }
    protocolViolation(from, reason);
  }

  // ---------------------------------------------------------------------------------------------
  // timers

  private void armTimeout(long deadlineNanos) {
    if (timeoutTimerId != -1 && deadlineNanos - timeoutTimerDeadlineNanos >= 0) {
      return;
    }
    if (timeoutTimerId != -1) {
      settings.vertx().cancelTimer(timeoutTimerId);
    }
    long delayMs = Math.max(1, (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000);
    timeoutTimerDeadlineNanos = deadlineNanos;
    timeoutTimerId = settings.vertx().setTimer(delayMs, ignored -> {
      timeoutTimerId = -1;
      checkDeadlines();
    });
  }

  private void checkDeadlines() {
    long now = System.nanoTime();
    List<Exchange> expiredUnsent = new ArrayList<>();
    unsent.removeIf(exchange -> now - exchange.deadlineNanos() >= 0 && expiredUnsent.add(exchange));
    Exchange expiredAwaiting = null;
    for (Exchange exchange : awaiting) {
      if (now - exchange.deadlineNanos() >= 0) {
        expiredAwaiting = exchange;
        break;
      }
    }
    if (expiredAwaiting != null) {
      awaiting.remove(expiredAwaiting);
      NetSocket open = socket;
      if (open != null) {
        lost(open, expiredAwaiting + " timed out");
        open.close();
      }
      expiredAwaiting.fail(new RequestTimeoutException("no answer to " + expiredAwaiting + " from node "
          + currentAddress() + " within " + expiredAwaiting.timeoutMs() + " ms (request.timeout.ms); the connection "
          + "was closed"));
    }
    for (Exchange exchange : expiredUnsent) {
      exchange.fail(new NodeUnavailableException("no connection to node " + currentAddress() + " within "
          + exchange.timeoutMs() + " ms for " + exchange + " (request.timeout.ms); state " + state));
    }
    long earliest = 0;
    boolean any = false;
    for (ArrayDeque<Exchange> queue : List.of(unsent, awaiting)) {
      for (Exchange exchange : queue) {
        if (!any || exchange.deadlineNanos() - earliest < 0) {
          earliest = exchange.deadlineNanos();
          any = true;
        }
      }
    }
    if (any) {
      armTimeout(earliest);
    }
  }

  private void armIdleTimer() {
    long periodMs = Math.max(1, settings.connectionsMaxIdleMs() / 2);
    idleTimerId = settings.vertx().setPeriodic(periodMs, ignored -> {
      NetSocket open = socket;
      if (open != null && awaiting.isEmpty() && unsent.isEmpty()
          && System.nanoTime() - lastActivityNanos >= settings.connectionsMaxIdleMs() * 1_000_000L) {
        LOG.debug("{} closing idle connection to node {}", name, currentAddress());
        socket = null;
        connectedTo = null;
        cancelIdleTimer();
        state = State.IDLE;
        open.close();
      }
    });
  }

  private void cancelIdleTimer() {
    if (idleTimerId != -1) {
      settings.vertx().cancelTimer(idleTimerId);
      idleTimerId = -1;
    }
  }

  private void cancelTimers() {
    cancelIdleTimer();
    if (timeoutTimerId != -1) {
      settings.vertx().cancelTimer(timeoutTimerId);
      timeoutTimerId = -1;
    }
  }

  /** Fails every exchange of {@code exchanges}, emptied first: callbacks may queue new ones elsewhere. */
  private static void failAll(ArrayDeque<Exchange> exchanges, Throwable failure) {
    List<Exchange> failing = new ArrayList<>(exchanges);
    exchanges.clear();
    failing.forEach(exchange -> exchange.fail(failure));
  }

  @Override
  public String toString() {
    return name + " channel to " + address() + " (" + state + ")";
  }
}
