package io.cairn.bench;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocks a benchmark's main thread on a Vert.x future. Only for the harness's own (non Vert.x)
 * threads: never call it on an event loop. Stateless.
 */
public final class Awaits {

  private Awaits() {
  }

  /**
   * The result of {@code future}, waiting at most {@code timeout}. A failure is rethrown as it is
   * when it is unchecked, else wrapped in a {@link BenchException}; a timeout throws a
   * {@link BenchException} naming {@code what}.
   */
  public static <T> T await(Future<T> future, Duration timeout, String what) {
    try {
      return future.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BenchException(what + " did not finish within " + timeout.toMillis() + " ms", e);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new BenchException(what + " failed: " + e, e);
    }
  }
}
