package io.cairn.client.internal.consumer;

import io.cairn.client.TopicPartition;
import io.cairn.client.internal.core.ClientCore;
import io.cairn.client.internal.core.OffsetLookup;
import io.cairn.client.internal.core.RetryRule;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.ListOffsets;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoredEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code EventStore.subscribe} over the network: a backpressured {@link ReadStream} of one partition driven
 * by long-poll Fetch requests ({@code fetch.max.wait.ms}, {@code max.partition.fetch.bytes}). It reads ahead
 * one Fetch answer at most, and only while the handler has demand; a paused stream sends nothing. Handlers
 * run on the context that created the subscription. The stream ends when the handler is set to null or the
 * client closes; a failure (unknown topic or partition, or an error that outlived {@code delivery.timeout.ms}
 * of retries) goes to the exception handler, then the stream ends.
 *
 * <p>It starts when the first handler is set. Thread-safety: every method may be called from any thread; the
 * handlers are volatile fields set at once (a failure right after {@code subscribe} finds the exception handler
 * set before the handler), everything else is touched on the subscription's context only.
 */
public final class FetchSubscription implements ReadStream<StoredEvent> {

  private final ClientCore core;
  private final Context context;
  private final TopicPartition partition;
  private final Consumer<FetchSubscription> onEnd;
  private final StartPosition start;
  private final ArrayDeque<StoredEvent> buffer = new ArrayDeque<>();
  // set on the caller's thread, so that a failure right after subscribe finds the handlers set before it
  private volatile Handler<StoredEvent> handler;
  private volatile Handler<Void> endHandler;
  private volatile Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private long nextOffset = -1;
  private boolean started;
  private boolean fetching;
  private boolean ended;

  /**
   * A subscription that starts (resolves {@code start}, then fetches) when its first handler is set.
   * {@code onEnd} is told once when the stream ends (the client forgets it).
   */
  public FetchSubscription(ClientCore core, String topic, int partition, StartPosition start,
                           Consumer<FetchSubscription> onEnd) {
    this.core = core;
    this.context = core.vertx().getOrCreateContext();
    this.partition = new TopicPartition(topic, partition);
    this.onEnd = onEnd;
    this.start = start;
  }

  private void begin() {
    started = true;
    resolve(start).onComplete(resolved -> {
      if (resolved.failed()) {
        fail(resolved.cause());
      } else {
        nextOffset = resolved.result();
        pump();
      }
    });
  }

  private Future<Long> resolve(StartPosition start) {
    if (start instanceof StartPosition.AtOffset at) {
      return Future.succeededFuture(at.offset());
    }
    long timestamp;
    if (start instanceof StartPosition.AtTimestamp at) {
      timestamp = Math.max(0, at.timestampMs());
    } else if (start instanceof StartPosition.Latest) {
      timestamp = ListOffsets.LATEST_TIMESTAMP;
    } else {
      timestamp = ListOffsets.EARLIEST_TIMESTAMP;
    }
    return OffsetLookup.offset(core.calls(), core.main(), partition, timestamp);
  }

  @Override
  public FetchSubscription handler(Handler<StoredEvent> handler) {
    this.handler = handler;
    context.runOnContext(ignored -> {
      if (handler == null) {
        end();
      } else if (!started) {
        begin();
      } else {
        pump();
      }
    });
    return this;
  }

  @Override
  public FetchSubscription exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public FetchSubscription endHandler(Handler<Void> handler) {
    this.endHandler = handler;
    return this;
  }

  @Override
  public FetchSubscription pause() {
    context.runOnContext(ignored -> demand = 0);
    return this;
  }

  @Override
  public FetchSubscription resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public FetchSubscription fetch(long amount) {
    if (amount > 0) {
      context.runOnContext(ignored -> {
        demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
        pump();
      });
    }
    return this;
  }

  /** Ends the stream (the client closed): the end handler is called once. Any thread. */
  public void close() {
    context.runOnContext(ignored -> end());
  }

  private void pump() {
    Handler<StoredEvent> current = handler;
    while (!ended && current != null && demand > 0 && !buffer.isEmpty()) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      current.handle(buffer.pollFirst());
      current = handler;
    }
    if (!ended && current != null && demand > 0 && buffer.isEmpty() && !fetching && nextOffset >= 0) {
      readAhead();
    }
  }

  private void readAhead() {
    fetching = true;
    int maxWaitMs = core.options().fetchMaxWaitMs();
    int maxBytes = core.options().maxPartitionFetchBytes();
    long from = nextOffset;
    Fetch.Request request = new Fetch.Request(maxWaitMs, maxBytes, List.of(new Fetch.TopicData(partition.topic(),
        List.of(new Fetch.PartitionData(partition.partition(), from, maxBytes)))));
    core.calls().<Fetch.Response>call(core.longPolls(), request, RetryRule.ALWAYS, maxWaitMs)
        .map(response -> PartitionFetch.decode(partition.topic(), from,
            PartitionFetch.find(response, partition.topic(), partition.partition())))
        .onComplete(fetched -> {
          fetching = false;
          if (ended) {
            return;
          }
          if (fetched.failed()) {
            if (fetched.cause() instanceof StoreClosedException) {
              end();
            } else {
              fail(fetched.cause());
            }
            return;
          }
          buffer.addAll(fetched.result().events());
          nextOffset = fetched.result().nextOffset();
          pump();
        });
  }

  private void fail(Throwable failure) {
    if (ended) {
      return;
    }
    Handler<Throwable> onFailure = exceptionHandler;
    if (onFailure != null) {
      onFailure.handle(failure);
    }
    end();
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    buffer.clear();
    onEnd.accept(this);
    Handler<Void> onEndHandler = endHandler;
    if (onEndHandler != null) {
      onEndHandler.handle(null);
    }
  }
}
