package io.cairn.aggregates.internal;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommandDeadlinesTest {

  private static final long TIMEOUT_MS = 100;

  private Vertx vertx;
  private Context context;
  private CommandDeadlines deadlines;
  private final List<String> expired = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    deadlines = new CommandDeadlines(vertx, TIMEOUT_MS);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  @Test
  void anEntryThatOutlivesItsDeadlineExpiresNoEarlierThanIt() {
    // given
    TestEntry slow = onContext(() -> add("slow"));

    // when
    pollUntil(() -> expired.contains("slow"), Duration.ofSeconds(10), "the slow entry to expire");

    // then
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(slow.expiredAtNanos - slow.addedAtNanos);
    assertThat(waitedMs).isGreaterThanOrEqualTo(TIMEOUT_MS);
    assertThat(onContext(() -> deadlines.size())).isZero();
  }

  @Test
  void anEntryDoneInTimeNeverExpires() {
    // given: one entry done at once, and a later one left open to show when the first deadline has passed
    TestEntry quick = onContext(() -> add("quick"));
    onContext(() -> {
      quick.done = true;
      deadlines.dropDone();
      return null;
    });
    onContext(() -> add("marker"));

    // when: the marker's deadline, later than the quick entry's, passes
    pollUntil(() -> expired.contains("marker"), Duration.ofSeconds(10), "the marker entry to expire");

    // then
    assertThat(expired).containsExactly("marker");
  }

  @Test
  void entriesExpireInTheOrderTheyWereAddedAndDoneOnesAreSkipped() {
    // given
    List<TestEntry> entries = onContext(() -> {
      List<TestEntry> added = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        added.add(add("e" + i));
      }
      return added;
    });
    // e2 completes before its deadline, while e0 (older, still open) keeps it in the queue
    onContext(() -> {
      entries.get(2).done = true;
      deadlines.dropDone();
      return null;
    });

    // when
    pollUntil(() -> expired.size() == 4, Duration.ofSeconds(10), "four entries to expire");

    // then
    assertThat(expired).containsExactly("e0", "e1", "e3", "e4");
    assertThat(onContext(() -> deadlines.size())).isZero();
  }

  @Test
  void anEntryAddedAfterAnExpiryGetsATimerOfItsOwn() {
    // given: the first entry expired and the queue ran empty
    onContext(() -> add("first"));
    pollUntil(() -> expired.contains("first"), Duration.ofSeconds(10), "the first entry to expire");

    // when
    onContext(() -> add("second"));

    // then
    pollUntil(() -> expired.contains("second"), Duration.ofSeconds(10), "the second entry to expire");
    assertThat(expired).containsExactly("first", "second");
  }

  private TestEntry add(String name) {
    TestEntry entry = new TestEntry(name);
    entry.addedAtNanos = System.nanoTime();
    deadlines.add(entry);
    return entry;
  }

  /** Runs {@code action} on the deadlines' context (as the gateway does) and returns its value. */
  private <T> T onContext(Supplier<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(ignored -> promise.complete(action.get()));
    Future<T> future = promise.future();
    return await(future);
  }

  private final class TestEntry extends CommandDeadlines.Entry {
    private final String name;
    private volatile boolean done;
    private volatile long addedAtNanos;
    private volatile long expiredAtNanos;

    TestEntry(String name) {
      this.name = name;
    }

    @Override
    boolean isDone() {
      return done;
    }

    @Override
    void expire() {
      assertThat(Vertx.currentContext()).isSameAs(context);
      expiredAtNanos = System.nanoTime();
      done = true;
      expired.add(name);
    }
  }
}
