package io.cairn.eventstore.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StoredEvent;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Helpers shared by the contract suite and the fault-injection tests: waiting for futures with a
 * deadline, reading whole partitions, polling for a condition. Stateless and thread-safe.
 */
public final class StoreTestSupport {

  /** Longest a single store call may take in a test before it counts as hung. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  /** Bytes asked for per page when a test reads a whole partition. */
  public static final int PAGE_BYTES = 64 * 1024;
  private static final long POLL_INTERVAL_MS = 5;

  private StoreTestSupport() {
  }

  /** The value of {@code future}, failing the test if it fails or takes longer than {@link #CALL_TIMEOUT}. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("store call failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("store call did not complete within " + CALL_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * The failure of the future {@code call} returns. The contract says every failure comes back as a
   * failed future, so a call that throws at once, succeeds or hangs fails the test.
   */
  public static Throwable failureOf(Supplier<? extends Future<?>> call) {
    Future<?> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      throw new AssertionError("the call threw " + e + " instead of returning a failed future", e);
    }
    try {
      Object value = future.toCompletionStage().toCompletableFuture()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, but the call succeeded with " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("expected a failure, but the call did not complete within " + CALL_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Asserts that {@code result} is {@link AppendResult.Appended} and returns it. */
  public static AppendResult.Appended appended(AppendResult result) {
    assertThat(result).as("append result").isInstanceOf(AppendResult.Appended.class);
    return (AppendResult.Appended) result;
  }

  /** Asserts that {@code result} is {@link AppendResult.VersionConflict} and returns it. */
  public static AppendResult.VersionConflict conflict(AppendResult result) {
    assertThat(result).as("append result").isInstanceOf(AppendResult.VersionConflict.class);
    return (AppendResult.VersionConflict) result;
  }

  /** An event with a random id, the given type and a UTF-8 payload. */
  public static EventData event(String type, String payload) {
    return EventData.of(type, payload.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Every event of a partition from {@code fromOffset} up to its high watermark, page by page.
   * Fails the test if a page does not advance.
   */
  public static List<StoredEvent> readAll(EventStore store, String topic, int partition, long fromOffset) {
    List<StoredEvent> all = new ArrayList<>();
    long next = fromOffset;
    while (true) {
      ReadResult page = await(store.read(topic, partition, next, PAGE_BYTES));
      if (page.events().isEmpty()) {
        assertThat(page.nextOffset()).as("nextOffset of an empty page of %s-%d", topic, partition)
            .isEqualTo(next);
        return all;
      }
      assertThat(page.nextOffset()).as("nextOffset after reading %s-%d from %d", topic, partition, next)
          .isGreaterThan(next);
      for (StoredEvent event : page.events()) {
        if (event.offset() >= next) {
          all.add(event);
        }
      }
      next = page.nextOffset();
    }
  }

  /** Every event of a partition, from offset 0. */
  public static List<StoredEvent> readAll(EventStore store, String topic, int partition) {
    return readAll(store, topic, partition, 0);
  }

  /** Waits until {@code condition} holds, failing the test with {@code what} after {@code timeout}. */
  public static void pollUntil(BooleanSupplier condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeout + " waiting for " + what);
      }
      pause(POLL_INTERVAL_MS);
    }
  }

  /** Checks that {@code condition} keeps holding for the whole of {@code period}. */
  public static void assertHoldsFor(BooleanSupplier condition, Duration period, String what) {
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      if (!condition.getAsBoolean()) {
        fail("stopped holding within " + period + ": " + what);
      }
      pause(POLL_INTERVAL_MS);
    }
  }

  /** Busy-waits until the wall clock has moved past {@code millis}, so the next append gets a later timestamp. */
  public static void awaitClockAfter(long millis) {
    pollUntil(() -> System.currentTimeMillis() > millis, Duration.ofSeconds(5), "the clock to pass " + millis);
  }

  /** Lower-case hex SHA-256 of {@code bytes} ("null" for a null payload). */
  public static String sha256(byte[] bytes) {
    if (bytes == null) {
      return "null";
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
