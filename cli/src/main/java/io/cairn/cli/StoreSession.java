package io.cairn.cli;

import io.cairn.eventstore.EventStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One command's use of an {@link EventStore}: its own Vert.x instance and the store of a
 * {@link StoreTarget} (the local store in a data directory, or a running node through the network
 * client), awaited from the calling (non Vert.x) thread, then closed in reverse order. Commands see
 * only {@link #store()}, the same API whichever target it is.
 *
 * <p>Every wait is bounded by the session's timeout; a timeout becomes a
 * {@link CommandFailedException} that names the operation. A failed future rethrows its cause
 * unchanged, so the CLI's error handler can map {@link io.cairn.eventstore.CairnException}s to exit
 * codes. Not thread-safe: one command thread uses it.
 */
final class StoreSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StoreSession.class);

  private final Vertx vertx;
  private final EventStore store;
  private final StoreTarget target;
  private final long timeoutMs;

  private StoreSession(Vertx vertx, EventStore store, StoreTarget target, long timeoutMs) {
    this.vertx = vertx;
    this.store = store;
    this.target = target;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Starts Vert.x and opens {@code target}'s store. If opening fails, Vert.x is closed again before
   * the failure is rethrown.
   */
  static StoreSession open(StoreTarget target, long timeoutMs) {
    // A CLI run reads no classpath resources through Vert.x: no file cache directory to create.
    Vertx vertx = Vertx.vertx(new VertxOptions().setFileSystemOptions(
        new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    try {
      LOG.debug("opening {}", target.description());
      EventStore store = awaitOrFail(target.open(vertx), "opening " + target.description(), timeoutMs);
      return new StoreSession(vertx, store, target, timeoutMs);
    } catch (RuntimeException | Error e) {
      closeQuietly(vertx, timeoutMs);
      throw e;
    }
  }

  /** The open store. */
  EventStore store() {
    return store;
  }

  /** The session's Vert.x instance, for commands that follow the store on a context of their own. */
  Vertx vertx() {
    return vertx;
  }

  /** What the store is, for messages: "the store in DIR", "the node at HOST:PORT". */
  String description() {
    return target.description();
  }

  /** The bound on each wait, in ms. */
  long timeoutMs() {
    return timeoutMs;
  }

  /**
   * Waits for {@code future}; {@code what} names the operation in a timeout message
   * ("reading partition 0 of bank.account").
   */
  <T> T await(Future<T> future, String what) {
    return awaitOrFail(future, what, timeoutMs);
  }

  /** Closes the store, then Vert.x; a failure to close the store is rethrown after Vert.x closed. */
  @Override
  public void close() {
    try {
      awaitOrFail(store.close(), "closing " + target.description(), timeoutMs);
    } finally {
      closeQuietly(vertx, timeoutMs);
    }
  }

  private static <T> T awaitOrFail(Future<T> future, String what, long timeoutMs) {
    try {
      return future.await(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new CommandFailedException("timed out after " + timeoutMs + " ms " + what
          + " (raise it with --timeout-ms)", ExitCodes.FAILURE, e);
    }
  }

  private static void closeQuietly(Vertx vertx, long timeoutMs) {
    try {
      vertx.close().await(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | RuntimeException e) {
      LOG.warn("Vert.x did not close cleanly within {} ms", timeoutMs, e);
    }
  }
}
