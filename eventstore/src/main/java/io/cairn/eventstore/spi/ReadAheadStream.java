package io.cairn.eventstore.spi;

import io.cairn.eventstore.StoreClosedException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The backpressure half of an {@code EventStore.subscribe} implementation: a {@link ReadStream} that reads
 * ahead one chunk at a time ({@link #readAhead()}), only while the handler has demand, and hands items out as
 * {@code pause}, {@code resume} and {@code fetch} allow. Subclasses say how to start and how to read the next
 * chunk; the local store reads its partition, the network client sends long-poll Fetch requests.
 *
 * <p>Contract: the stream starts ({@link #begin()}) when the first non-null handler is set. Setting the handler
 * to {@code null} or calling {@link #close()} ends it: the end handler is called once. A chunk that fails with
 * {@link StoreClosedException} ends the stream quietly; any other failure goes to the exception handler, then
 * the stream ends. Handlers run on {@code context}.
 *
 * <p>Thread-safety: every public method may be called from any thread. Handlers are volatile, set at once (so a
 * failure right after {@code subscribe} finds the exception handler set before the handler); all other state is
 * touched on {@code context} only; {@code pause} called on it takes effect at once.
 *
 * @param <T> the item type
 */
public abstract class ReadAheadStream<T> implements ReadStream<T> {

  private final Context context;
  private final ArrayDeque<T> buffer = new ArrayDeque<>();
  private volatile Handler<T> handler;
  private volatile Handler<Void> endHandler;
  private volatile Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean begun;
  private boolean started;
  private boolean reading;
  private boolean ended;

  /** A stream whose handlers and subclass calls all run on {@code context}. */
  protected ReadAheadStream(Context context) {
    this.context = context;
  }

  /**
   * Prepares the first {@link #readAhead()} (resolves the start position). Called once, on the context, when
   * the first handler is set; a failure fails the stream.
   */
  protected abstract Future<Void> begin();

  /**
   * Reads the next chunk of items; an empty chunk is fine (a long poll that timed out), the stream asks again
   * while there is demand. Called on the context, never twice at once, only after {@link #begin()} succeeded.
   * The future MUST complete on the context.
   */
  protected abstract Future<List<T>> readAhead();

  /** Called once on the context when the stream has ended, before the end handler. */
  protected void onEnded() {
  }

  /** The context the stream runs on. */
  protected final Context context() {
    return context;
  }

  @Override
  public ReadAheadStream<T> handler(Handler<T> handler) {
    this.handler = handler;
    context.runOnContext(ignored -> {
      if (handler == null) {
        end();
      } else if (!begun) {
        begun = true;
        begin().onComplete(begun -> {
          if (begun.failed()) {
            failOrEnd(begun.cause());
          } else {
            started = true;
            pump();
          }
        });
      } else {
        pump();
      }
    });
    return this;
  }

  @Override
  public ReadAheadStream<T> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadAheadStream<T> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public ReadAheadStream<T> pause() {
    // inline on the context, so a handler that pauses gets no further item from the running pump
    if (((ContextInternal) context).isRunningOnContext()) {
      demand = 0;
    } else {
      context.runOnContext(ignored -> demand = 0);
    }
    return this;
  }

  @Override
  public ReadAheadStream<T> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadAheadStream<T> fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("fetch amount must be >= 0, is " + amount);
    }
    // always queued, never inline: a handler calling fetch(1) per item must not recurse into pump
    context.runOnContext(ignored -> {
      demand = Long.MAX_VALUE - demand < amount ? Long.MAX_VALUE : demand + amount;
      pump();
    });
    return this;
  }

  /** Ends the stream (the store or client closed): the end handler is called once. Any thread. */
  public void close() {
    context.runOnContext(ignored -> end());
  }

  private void pump() {
    Handler<T> current = handler;
    while (!ended && current != null && demand > 0 && !buffer.isEmpty()) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      current.handle(buffer.pollFirst());
      current = handler;
    }
    if (!ended && started && current != null && demand > 0 && buffer.isEmpty() && !reading) {
      reading = true;
      readAhead().onComplete(chunk -> {
        reading = false;
        if (ended) {
          return;
        }
        if (chunk.failed()) {
          failOrEnd(chunk.cause());
        } else {
          buffer.addAll(chunk.result());
          pump();
        }
      });
    }
  }

  private void failOrEnd(Throwable failure) {
    if (ended) {
      return;
    }
    Handler<Throwable> onFailure = exceptionHandler;
    if (onFailure != null && !(failure instanceof StoreClosedException)) {
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
    onEnded();
    Handler<Void> onEnd = endHandler;
    if (onEnd != null) {
      onEnd.handle(null);
    }
  }
}
