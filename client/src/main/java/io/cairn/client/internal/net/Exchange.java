package io.cairn.client.internal.net;

import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.ProtocolWriter;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.RequestHeader;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.TopicItems;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/**
 * One request on a {@link NodeChannel} and its answer: the encoded frame (encoded once, on any thread; the
 * channel stamps the correlation id when it queues it), how long it may take, and whether any of it was
 * written to a socket, which tells a retry policy whether the node may have executed it.
 *
 * <p>The promise completes with the decoded response body (whatever its error code), or fails with
 * {@link io.cairn.client.NodeUnavailableException} or {@link io.cairn.client.RequestTimeoutException}.
 * Created on any thread; after {@link NodeChannel#send} only the channel's context touches it.
 */
public final class Exchange {

  /** Position of {@code correlation_id} in a request frame: after the size, api key and api version. */
  static final int CORRELATION_ID_POSITION = Frames.SIZE_BYTES + Short.BYTES + Short.BYTES;
  /** Room for the size, a header with a client id, and a small body. */
  static final int SMALL_FRAME_BYTES = 256;
  /** A topic of a Produce request: name length and partition count. */
  static final int PER_TOPIC_BYTES = Short.BYTES + Integer.BYTES;
  /** A partition of a Produce request: partition number and records length. */
  static final int PER_PARTITION_BYTES = Integer.BYTES + Integer.BYTES;

  private final RequestBody request;
  private final Buffer frame;
  private final long timeoutMs;
  private final boolean expectsResponse;
  private final Promise<ResponseBody> promise = Promise.promise();
  private boolean failFast;
  private boolean written;
  private int correlationId;
  private long deadlineNanos;

  private Exchange(RequestBody request, Buffer frame, long timeoutMs) {
    this.request = request;
    this.frame = frame;
    this.timeoutMs = timeoutMs;
    this.expectsResponse = !(request instanceof Produce.Request produce) || produce.expectsResponse();
  }

  /**
   * Encodes {@code request} for {@code clientId}. {@code timeoutMs} bounds the time from {@link NodeChannel#send}
   * to the answer, waiting for a connection included.
   *
   * @throws IllegalArgumentException when a field does not fit its wire type (the message names it)
   */
  public static Exchange of(RequestBody request, String clientId, long timeoutMs) {
    // as Frames.encodeRequest, into a buffer sized for the request: a Produce frame of many batches would
    // otherwise grow (and copy) itself a dozen times
    Buffer frame = Buffer.buffer(sizeHint(request)).appendInt(0);
    ProtocolWriter out = new ProtocolWriter(frame);
    RequestHeader.of(request.apiKey(), 0, clientId).encode(out);
    request.encode(out);
    frame.setInt(0, frame.length() - Frames.SIZE_BYTES);
    return new Exchange(request, frame, timeoutMs);
  }

  /** About the encoded size of {@code request}: exact enough for Produce, whose batches dominate. */
  static int sizeHint(RequestBody request) {
    if (!(request instanceof Produce.Request produce)) {
      return SMALL_FRAME_BYTES;
    }
    long bytes = SMALL_FRAME_BYTES;
    for (TopicItems<Produce.PartitionData> topic : produce.topics()) {
      bytes += PER_TOPIC_BYTES + topic.name().length() * 3L;
      for (Produce.PartitionData partition : topic.partitions()) {
        bytes += PER_PARTITION_BYTES + partition.records().remaining();
      }
    }
    return (int) Math.min(Integer.MAX_VALUE - 8, bytes);
  }

  /**
   * Fails the exchange as soon as a connection attempt to every known address has failed, instead of waiting
   * for its timeout (the first request of a client: a wrong address should fail fast).
   */
  public Exchange failFast() {
    this.failFast = true;
    return this;
  }

  public RequestBody request() {
    return request;
  }

  /** The answer (see the class comment). */
  public Future<ResponseBody> response() {
    return promise.future();
  }

  /** Whether any byte of the request may have reached the node. */
  public boolean written() {
    return written;
  }

  boolean expectsResponse() {
    return expectsResponse;
  }

  boolean isFailFast() {
    return failFast;
  }

  long timeoutMs() {
    return timeoutMs;
  }

  int correlationId() {
    return correlationId;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  /** Stamps the correlation id into the frame and starts the clock. */
  void queued(int correlationId, long nowNanos) {
    this.correlationId = correlationId;
    this.frame.setInt(CORRELATION_ID_POSITION, correlationId);
    this.deadlineNanos = nowNanos + timeoutMs * 1_000_000L;
  }

  /** The frame, marking the exchange as written. */
  Buffer takeFrameForWrite() {
    written = true;
    return frame;
  }

  boolean isComplete() {
    return promise.future().isComplete();
  }

  void complete(ResponseBody body) {
    promise.tryComplete(body);
  }

  void fail(Throwable failure) {
    promise.tryFail(failure);
  }

  @Override
  public String toString() {
    return request.apiKey().apiName() + " #" + correlationId;
  }
}
