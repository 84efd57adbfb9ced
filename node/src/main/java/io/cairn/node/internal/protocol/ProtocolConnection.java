package io.cairn.node.internal.protocol;

import io.cairn.client.protocol.ApiKey;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.ErrorFrame;
import io.cairn.client.protocol.FrameParser;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.MalformedFrameException;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.ProtocolReader;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.RequestHeader;
import io.cairn.client.protocol.Requests;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.ResponseHeader;
import io.cairn.node.internal.NodeMetrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One binary-protocol connection: splits the socket's bytes into frames, decodes each request, hands it to
 * the {@link RequestDispatcher} and writes the answers in the order the requests arrived, whatever order
 * they complete in (a queue of pending answers, written from its head). An answer is encoded only when it is
 * written, into a pooled direct buffer ({@link ResponseFrameWriter}).
 *
 * <ul>
 *   <li>In-flight limit: with {@code max.in.flight.requests.per.connection} answers pending, or while the
 *       socket's write queue is full, the connection stops reading (parser and socket paused) until answers
 *       go out: TCP backpressure, never an error.</li>
 *   <li>A frame that cannot be decoded (malformed, oversized, unknown api, unsupported version) gets an
 *       error frame after the answers already due; then the connection is closed and reads nothing more.</li>
 *   <li>Produce with acks 0 is processed but never answered; the requests after it still are, in order.</li>
 *   <li>Idle: with no request in flight and no traffic for {@code connections.max.idle.ms}, it is closed.</li>
 *   <li>Draining (the node stops): requests in flight are answered, new ones get
 *       {@link ErrorCode#NODE_SHUTTING_DOWN}, and the connection closes once nothing is pending.</li>
 * </ul>
 *
 * <p>Thread-safety: every method runs on the connection's context (its event loop); the dispatcher's futures,
 * which complete on the store's contexts, are brought back to it first.
 */
final class ProtocolConnection {

  private static final Logger LOG = LoggerFactory.getLogger(ProtocolConnection.class);
  /** The {@code api} metrics tag of a frame whose header could not be read. */
  static final String UNKNOWN_API = "unknown";

  private final NetSocket socket;
  private final Context context;
  private final Vertx vertx;
  private final RequestDispatcher dispatcher;
  private final ProtocolLimits limits;
  private final NodeMetrics metrics;
  private final BooleanSupplier shuttingDown;
  private final ConnectionInfo info;
  private final FrameParser parser;
  private final ArrayDeque<PendingAnswer> pending = new ArrayDeque<>();
  private final Promise<Void> closed = Promise.promise();
  /** Written on the connection's context, read by diagnostics on any thread. */
  private volatile boolean readingPaused;
  private boolean refusing;
  private boolean draining;
  private boolean closeRequested;
  private boolean flushing;
  private boolean flushAgain;
  private long lastActivityNanos = System.nanoTime();
  private long idleTimerId = -1;

  ProtocolConnection(NetSocket socket, Context context, RequestDispatcher dispatcher, ProtocolLimits limits,
                     NodeMetrics metrics, BooleanSupplier shuttingDown, int advertisedPort) {
    this.socket = socket;
    this.context = context;
    this.vertx = context.owner();
    this.dispatcher = dispatcher;
    this.limits = limits;
    this.metrics = metrics;
    this.shuttingDown = shuttingDown;
    this.info = new ConnectionInfo(socket.localAddress().hostAddress(), advertisedPort);
    this.parser = new FrameParser(limits.maxFrameBytes(), this::onFrame, this::onOversizedFrame);
  }

  /** Starts reading; call once, on the connection's context. */
  void start() {
    socket.handler(parser);
    socket.drainHandler(ignored -> flush());
    socket.exceptionHandler(failure -> LOG.debug("protocol connection {}: {}", socket.remoteAddress(),
        failure.toString()));
    socket.shutdownHandler(ignored -> drain());
    socket.closeHandler(ignored -> onClosed());
    armIdleTimer(limits.connectionsMaxIdleMs());
  }

  /** Completes when the socket is closed. */
  Future<Void> closed() {
    return closed.future();
  }

  /** The node stops: answer what is in flight, refuse what comes, close when nothing is pending. Any thread. */
  void drain() {
    onContext(() -> {
      draining = true;
      flush();
    });
  }

  /** Whether the connection stopped reading (in-flight limit or full write queue). Any thread. */
  boolean isReadingPaused() {
    return readingPaused;
  }

  /** Closes the socket now, answered or not. Any thread. */
  void forceClose() {
    onContext(socket::close);
  }

  private void onFrame(Buffer payload) {
    if (refusing || closeRequested) {
      return;
    }
    long arrivedNanos = System.nanoTime();
    lastActivityNanos = arrivedNanos;
    ProtocolReader in = new ProtocolReader(payload);
    RequestHeader header;
    try {
      header = RequestHeader.decode(in);
    } catch (MalformedFrameException e) {
      refuse(ResponseHeader.CONNECTION_ERROR_CORRELATION_ID, UNKNOWN_API, e, arrivedNanos);
      return;
    }
    String api = header.api().map(ApiKey::apiName).orElse(UNKNOWN_API);
    RequestBody request;
    try {
      request = Requests.decode(header, in);
    } catch (MalformedFrameException e) {
      refuse(header.correlationId(), api, e, arrivedNanos);
      return;
    }
    boolean answered = !(request instanceof Produce.Request produce) || produce.expectsResponse();
    PendingAnswer answer = new PendingAnswer(header.correlationId(), api, arrivedNanos, answered);
    enqueue(answer);
    if (draining || shuttingDown.getAsBoolean()) {
      fail(answer, ErrorCode.NODE_SHUTTING_DOWN, "the node is shutting down; send the request again to it, or to "
          + "another node, later");
    } else {
      Future<Answer> response = dispatcher.dispatch(request, info);
      response.onComplete(result -> onContext(() -> complete(answer, result)));
    }
    updateReading();
  }

  private void onOversizedFrame(MalformedFrameException e) {
    refuse(ResponseHeader.CONNECTION_ERROR_CORRELATION_ID, UNKNOWN_API, e, System.nanoTime());
  }

  /** Queues an error frame after the answers already due and stops reading; the socket closes once it is sent. */
  private void refuse(int correlationId, String api, MalformedFrameException e, long arrivedNanos) {
    LOG.debug("protocol connection {}: {} ({}), closing it", socket.remoteAddress(), e.getMessage(), e.errorCode());
    refusing = true;
    PendingAnswer answer = new PendingAnswer(correlationId, api, arrivedNanos, true);
    enqueue(answer);
    fail(answer, e.errorCode(), ErrorMessages.of(e));
  }

  private void enqueue(PendingAnswer answer) {
    pending.add(answer);
    metrics.protocolRequestStarted();
  }

  private void complete(PendingAnswer answer, AsyncResult<Answer> result) {
    if (result.failed()) {
      Throwable failure = result.cause();
      ErrorCode code = ErrorCode.of(failure);
      if (code == ErrorCode.UNKNOWN_SERVER_ERROR) {
        LOG.warn("{} request (correlation id {}) failed", answer.api, answer.correlationId, failure);
      }
      fail(answer, code, ErrorMessages.of(failure));
      return;
    }
    if (answer.answered) {
      answer.response = result.result().body();
      answer.encoded = result.result().encoded();
    }
    answer.done = true;
    flush();
  }

  private void fail(PendingAnswer answer, ErrorCode code, String message) {
    answer.setError(code, message);
    answer.done = true;
    flush();
  }

  /** Writes the answers at the head of the queue that are ready, then decides whether to read and to close. */
  private void flush() {
    if (flushing) {
      flushAgain = true;
      return;
    }
    flushing = true;
    try {
      do {
        flushAgain = false;
        while (!pending.isEmpty() && pending.peek().done) {
          write(pending.poll());
        }
        updateReading();
      } while (flushAgain);
    } finally {
      flushing = false;
    }
    if (pending.isEmpty() && (refusing || draining) && !closeRequested) {
      closeRequested = true;
      socket.close();
    }
  }

  private void write(PendingAnswer answer) {
    long now = System.nanoTime();
    if (answer.frame != null && !closeRequested) {
      socket.write(answer.frame);
      lastActivityNanos = now;
    } else if (answer.response != null && !closeRequested) {
      writeResponse(answer);
      lastActivityNanos = now;
    }
    metrics.protocolRequestsEnded(1);
    metrics.protocolRequest(answer.api, now - answer.arrivedNanos);
    if (answer.error != null) {
      metrics.protocolRequestError(answer.api, answer.error.name());
    }
  }

  /**
   * Encodes the answer only now, as it is written: its pooled frame buffer lives from here to the write's end, and
   * the buffers the response was read into go back to their pool right after ({@link Answer#encoded()}).
   */
  private void writeResponse(PendingAnswer answer) {
    try {
      ResponseFrameWriter.write(socket, answer.correlationId, answer.response);
    } catch (RuntimeException e) {
      LOG.warn("{} response (correlation id {}) cannot be encoded", answer.api, answer.correlationId, e);
      answer.setError(ErrorCode.UNKNOWN_SERVER_ERROR, "the response cannot be encoded: " + ErrorMessages.of(e));
      socket.write(answer.frame);
    } finally {
      answer.encoded.run();
    }
  }

  private void updateReading() {
    boolean read = !refusing && !closeRequested && pending.size() < limits.maxInFlightRequests()
        && !socket.writeQueueFull();
    if (read && readingPaused) {
      readingPaused = false;
      socket.resume();
      parser.resume();
    } else if (!read && !readingPaused) {
      readingPaused = true;
      parser.pause();
      socket.pause();
    }
  }

  private void armIdleTimer(long delayMs) {
    idleTimerId = vertx.setTimer(Math.max(1, delayMs), ignored -> checkIdle());
  }

  private void checkIdle() {
    if (closed.future().isComplete() || closeRequested) {
      return;
    }
    long idleMs = limits.connectionsMaxIdleMs();
    long quietMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
    if (!pending.isEmpty()) {
      armIdleTimer(idleMs);
    } else if (quietMs >= idleMs) {
      LOG.debug("protocol connection {} idle for {} ms (connections.max.idle.ms), closing it",
          socket.remoteAddress(), quietMs);
      closeRequested = true;
      socket.close();
    } else {
      armIdleTimer(idleMs - quietMs);
    }
  }

  private void onClosed() {
    vertx.cancelTimer(idleTimerId);
    closeRequested = true;
    metrics.protocolRequestsEnded(pending.size()); // never answered: the socket is gone
    pending.clear();
    closed.tryComplete();
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(ignored -> action.run());
    }
  }

  /** A request waiting for its answer to be written; answers leave in the order requests came. */
  private static final class PendingAnswer {

    final int correlationId;
    final String api;
    final long arrivedNanos;
    /** False for Produce with acks 0: processed, never answered. */
    final boolean answered;
    /** The error frame of a failed request, or null. */
    Buffer frame;
    /** The answer of a request that succeeded, encoded when it is written; or null. */
    ResponseBody response;
    /** Run once {@link #response} is encoded. */
    Runnable encoded;
    ErrorCode error;
    boolean done;

    PendingAnswer(int correlationId, String api, long arrivedNanos, boolean answered) {
      this.correlationId = correlationId;
      this.api = api;
      this.arrivedNanos = arrivedNanos;
      this.answered = answered;
    }

    /** Records {@code code} as the outcome and, if the request is answered, encodes its error frame. */
    void setError(ErrorCode code, String message) {
      error = code;
      if (answered) {
        frame = Frames.encodeError(new ErrorFrame(correlationId, code, message));
      }
    }
  }
}
