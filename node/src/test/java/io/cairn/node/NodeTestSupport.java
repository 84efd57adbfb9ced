package io.cairn.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Helpers shared by the node's tests: waiting for a condition with a deadline, and reading a node's metrics. */
public final class NodeTestSupport {

  /** How long {@link #awaitCondition} waits. */
  public static final long CONDITION_TIMEOUT_MS = 20_000;
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private NodeTestSupport() {
  }

  /** Polls {@code condition} until it holds; fails naming {@code what} after {@value #CONDITION_TIMEOUT_MS} ms. */
  public static void awaitCondition(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONDITION_TIMEOUT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + CONDITION_TIMEOUT_MS + " ms waiting for " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** The Prometheus text of the node whose HTTP API listens on 127.0.0.1:{@code httpPort}. */
  public static String scrapeMetrics(int httpPort) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
