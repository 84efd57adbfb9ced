package io.cairn.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Runs {@code loops} closed loops: each loop has exactly one request in flight and issues its next one
 * when the previous completes. A request that completes while it is being issued (an already
 * completed future) does not recurse: with an executor for the loop, the next step is handed to it
 * (so that one loop cannot hog the thread that completes requests at once, and the others get their
 * turn); without one, the loop trampolines, so the stack stays flat. The first failure (a failed
 * future or an exception from {@link Step#next}) stops every loop at its next step and fails the
 * result. Thread-safe: completions may arrive on any thread.
 */
public final class ClosedLoops {

  /**
   * What {@link Step#next} returns when its loop is done. A distinct instance: Vert.x shares one
   * instance for every {@code Future.succeededFuture()}, which must not read as "stop".
   */
  public static final Future<?> STOP = Future.succeededFuture(new Object());

  private final Step step;
  private final AtomicInteger active;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Promise<Void> promise = Promise.promise();

  private ClosedLoops(int loops, Step step) {
    this.step = step;
    this.active = new AtomicInteger(loops);
  }

  /** Issues the requests of one loop. */
  @FunctionalInterface
  public interface Step {

    /**
     * Issues loop {@code loop}'s next request and returns its future, or returns {@link #STOP} when the
     * loop is done. Calls for one loop never overlap; they may come from different threads, each
     * call happening after the previous request of that loop completed.
     */
    Future<?> next(int loop);
  }

  /**
   * Starts the loops from the calling thread, trampolining requests that complete at once; the future
   * completes when all loops have stopped.
   */
  public static Future<Void> run(int loops, Step step) {
    return run(loops, step, loop -> null);
  }

  /**
   * Starts the loops; {@code executors} gives each loop the executor that takes its next step when a
   * request completed while it was being issued (null: trampoline). The future completes when all
   * loops have stopped.
   */
  public static Future<Void> run(int loops, Step step, IntFunction<Executor> executors) {
    if (loops < 1) {
      throw new BenchException("closed loops: loops = " + loops + ": must be at least 1");
    }
    ClosedLoops runner = new ClosedLoops(loops, step);
    for (int i = 0; i < loops; i++) {
      runner.new Loop(i, executors.apply(i)).requestNext();
    }
    return runner.promise.future();
  }

  /** Executors that run each loop on its own Vert.x context (event loop), assigned round robin. */
  public static IntFunction<Executor> onVertxContexts(Vertx vertx) {
    return loop -> {
      Context context = vertx.getOrCreateContext();
      return task -> context.runOnContext(v -> task.run());
    };
  }

  private final class Loop {
    private final int id;
    private final Executor executor;
    private final AtomicInteger pending = new AtomicInteger();
    // set while the step runs; a completion that sees it ran inline, on the issuing stack
    private volatile boolean issuing;
    private boolean finished;

    Loop(int id, Executor executor) {
      this.id = id;
      this.executor = executor;
    }

    void requestNext() {
      if (pending.getAndIncrement() != 0) {
        return;
      }
      do {
        stepOnce();
      } while (pending.decrementAndGet() != 0);
    }

    private void stepOnce() {
      if (finished) {
        return;
      }
      if (failure.get() != null) {
        finish();
        return;
      }
      Future<?> request;
      issuing = true;
      try {
        try {
          request = step.next(id);
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
          finish();
          return;
        }
        if (request == STOP) {
          finish();
          return;
        }
        request.onComplete(ar -> {
          if (ar.failed()) {
            failure.compareAndSet(null, ar.cause());
          }
          if (issuing && executor != null) {
            executor.execute(this::requestNext);
          } else {
            requestNext();
          }
        });
      } finally {
        issuing = false;
      }
    }

    private void finish() {
      finished = true;
      if (active.decrementAndGet() == 0) {
        Throwable cause = failure.get();
        if (cause == null) {
          promise.complete();
        } else {
          promise.fail(cause);
        }
      }
    }
  }
}
