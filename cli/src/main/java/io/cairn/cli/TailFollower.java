package io.cairn.cli;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoredEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Follows partitions of one topic live for a command thread: one {@link EventStore#subscribe}
 * subscription per partition, all on one Vert.x context, merged into one queue of {@link Signal}s
 * that the command thread takes and prints. Each partition's events keep their order; partitions
 * interleave as their events arrive.
 *
 * <p>Backpressure: when {@code maxQueuedEvents} events wait for the command thread, every
 * subscription is paused, and resumed once the queue is down to half of that. A subscription may
 * still hand over what it had already read ahead (one fetch), so the queue holds at most
 * {@code maxQueuedEvents} plus one read-ahead per partition: a slow terminal never makes the tail
 * hold a whole partition in memory.
 *
 * <p>Thread-safety: {@link #take()}, {@link #poll()} are for the one command thread; {@link #requestStop()}
 * and {@link #close()} may be called from any thread; the subscriptions' handlers and all their state
 * live on the context.
 */
final class TailFollower {

  /** What the command thread takes from the queue. */
  sealed interface Signal {
  }

  /** An event of a followed partition. */
  record Event(StoredEvent event) implements Signal {
  }

  /** A partition's subscription failed (it ends next). */
  record Failed(int partition, Throwable cause) implements Signal {
  }

  /** A partition's subscription ended without being asked to (the store or node closed it). */
  record Ended(int partition) implements Signal {
  }

  /** {@link #requestStop()} was called. */
  record StopRequested() implements Signal {
  }

  private static final StopRequested STOP = new StopRequested();

  private final Context context;
  private final int pauseAtEvents;
  private final int resumeAtEvents;
  private final BlockingQueue<Signal> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedEvents = new AtomicInteger();
  private final Promise<Void> allEnded = Promise.promise();
  // Confined to the context:
  private final List<ReadStream<StoredEvent>> subscriptions = new ArrayList<>();
  private int endedSubscriptions;
  private boolean closing;
  private volatile boolean paused;
  private volatile boolean stopRequested;

  private TailFollower(Context context, int maxQueuedEvents) {
    if (maxQueuedEvents < 2) {
      throw new IllegalArgumentException("maxQueuedEvents must be at least 2, is " + maxQueuedEvents);
    }
    this.context = context;
    this.pauseAtEvents = maxQueuedEvents;
    this.resumeAtEvents = maxQueuedEvents / 2;
  }

  /**
   * Subscribes to each of {@code partitions} of {@code topic} from {@code start}, on {@code context};
   * the future completes when every subscription is set up, or fails (after ending those already made)
   * if one cannot be.
   */
  static Future<TailFollower> start(EventStore store, Context context, String topic, List<Integer> partitions,
                                    StartPosition start, int maxQueuedEvents) {
    TailFollower follower = new TailFollower(context, maxQueuedEvents);
    Promise<TailFollower> started = Promise.promise();
    context.runOnContext(ignored -> {
      try {
        for (int partition : partitions) {
          follower.follow(store.subscribe(topic, partition, start), partition);
        }
        started.complete(follower);
      } catch (RuntimeException e) {
        follower.endAll();
        started.fail(e);
      }
    });
    return started.future();
  }

  /** The next signal, waiting for one; a {@link StopRequested} once {@link #requestStop()} was called. */
  Signal take() throws InterruptedException {
    if (stopRequested) {
      return STOP;
    }
    return taken(queue.take());
  }

  /** The next signal if one is there, else {@code null}; a {@link StopRequested} once stop was asked. */
  Signal poll() {
    if (stopRequested) {
      return STOP;
    }
    Signal signal = queue.poll();
    return signal == null ? null : taken(signal);
  }

  /** Asks the command thread to stop: its next {@link #take()} or {@link #poll()} answers {@link StopRequested}. */
  void requestStop() {
    stopRequested = true;
    queue.add(STOP);
  }

  /** Whether the subscriptions are paused because the command thread is behind; for tests. */
  boolean paused() {
    return paused;
  }

  /** Events waiting for the command thread; for tests. */
  int queuedEvents() {
    return queuedEvents.get();
  }

  /** Ends every subscription; the future completes when all of them have ended. */
  Future<Void> close() {
    context.runOnContext(ignored -> endAll());
    return allEnded.future();
  }

  private void follow(ReadStream<StoredEvent> subscription, int partition) {
    subscriptions.add(subscription);
    subscription.exceptionHandler(failure -> queue.add(new Failed(partition, failure)));
    subscription.endHandler(ignored -> {
      endedSubscriptions++;
      if (!closing) {
        queue.add(new Ended(partition));
      }
      if (closing && endedSubscriptions == subscriptions.size()) {
        allEnded.tryComplete();
      }
    });
    subscription.handler(event -> {
      queue.add(new Event(event));
      if (queuedEvents.incrementAndGet() >= pauseAtEvents && !paused) {
        paused = true;
        subscriptions.forEach(ReadStream::pause);
      }
    });
  }

  private Signal taken(Signal signal) {
    if (signal instanceof Event && queuedEvents.decrementAndGet() == resumeAtEvents) {
      // Runs after the handler that paused (if any): the context runs tasks in order.
      context.runOnContext(ignored -> {
        if (paused && !closing) {
          paused = false;
          subscriptions.forEach(ReadStream::resume);
        }
      });
    }
    return signal;
  }

  private void endAll() {
    if (closing) {
      return;
    }
    closing = true;
    for (ReadStream<StoredEvent> subscription : subscriptions) {
      subscription.handler(null);
    }
    if (endedSubscriptions == subscriptions.size()) {
      allEnded.tryComplete();
    }
  }
}
