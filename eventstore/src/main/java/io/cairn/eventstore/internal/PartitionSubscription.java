package io.cairn.eventstore.internal;

import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.internal.partition.Partition;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;

/**
 * A catch-up-then-live subscription to one partition as a backpressured {@link ReadStream}. It reads
 * ahead one fetch ({@value #FETCH_MAX_BYTES} bytes) at most, and only while there is demand; at the
 * high watermark it waits for the partition to signal new acknowledged records. Handlers run on the
 * context that created the subscription. Setting the handler to {@code null} ends the subscription.
 *
 * <p>All state is touched on the subscriber's context only.
 */
final class PartitionSubscription implements ReadStream<StoredEvent> {

  /** Bytes fetched per read-ahead. */
  static final int FETCH_MAX_BYTES = 1024 * 1024;

  private final Context context;
  private final Partition partition;
  private final ArrayDeque<StoredEvent> buffer = new ArrayDeque<>();
  private Handler<StoredEvent> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private long nextOffset = -1;
  private boolean fetching;
  private boolean ended;

  PartitionSubscription(Vertx vertx, Partition partition, StartPosition start) {
    this.context = vertx.getOrCreateContext();
    this.partition = partition;
    context.runOnContext(v -> resolveStart(start).onComplete(ar -> {
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        nextOffset = ar.result();
        pump();
      }
    }));
  }

  private Future<Long> resolveStart(StartPosition start) {
    if (start instanceof StartPosition.AtOffset at) {
      return Future.succeededFuture(Math.max(at.offset(), partition.logStartOffset()));
    } else if (start instanceof StartPosition.AtTimestamp at) {
      return partition.offsetForTimestamp(at.timestampMs());
    } else if (start instanceof StartPosition.Latest) {
      return Future.succeededFuture(partition.highWatermark());
    }
    return Future.succeededFuture(partition.logStartOffset());
  }

  @Override
  public PartitionSubscription handler(Handler<StoredEvent> handler) {
    this.handler = handler;
    if (handler == null) {
      context.runOnContext(v -> end());
    } else {
      context.runOnContext(v -> pump());
    }
    return this;
  }

  @Override
  public PartitionSubscription exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public PartitionSubscription endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public PartitionSubscription pause() {
    context.runOnContext(v -> demand = 0);
    return this;
  }

  @Override
  public PartitionSubscription resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public PartitionSubscription fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("fetch amount must be >= 0, is " + amount);
    }
    context.runOnContext(v -> {
      demand = Long.MAX_VALUE - demand < amount ? Long.MAX_VALUE : demand + amount;
      pump();
    });
    return this;
  }

  private void pump() {
    if (ended || nextOffset < 0) {
      return;
    }
    while (demand > 0 && !buffer.isEmpty() && handler != null && !ended) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(buffer.poll());
    }
    if (buffer.isEmpty() && demand > 0 && handler != null && !fetching && !ended) {
      fetching = true;
      // pump runs on the subscriber's context, so the read's result comes back to it
      partition.read(nextOffset, FETCH_MAX_BYTES).onComplete(this::onFetched);
    }
  }

  private void onFetched(AsyncResult<ReadResult> fetched) {
    fetching = false;
    if (fetched.failed()) {
      fail(fetched.cause());
      return;
    }
    ReadResult result = fetched.result();
    nextOffset = result.nextOffset();
    buffer.addAll(result.events());
    if (result.events().isEmpty()) {
      fetching = true;
      partition.awaitHighWatermarkAbove(nextOffset).onComplete(ar -> {
        fetching = false;
        if (ar.failed()) {
          end();
        } else {
          pump();
        }
      });
    } else {
      pump();
    }
  }

  private void fail(Throwable cause) {
    Handler<Throwable> onError = exceptionHandler;
    if (onError != null) {
      onError.handle(cause);
    }
    end();
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    buffer.clear();
    Handler<Void> onEnd = endHandler;
    if (onEnd != null) {
      onEnd.handle(null);
    }
  }
}
