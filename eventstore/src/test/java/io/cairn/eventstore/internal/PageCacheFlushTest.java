package io.cairn.eventstore.internal;

import static io.cairn.eventstore.contract.StoreTestSupport.assertHoldsFor;
import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.spi.StoreObserver;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a {@link FlushMode#PAGE_CACHE} partition fsyncs in the background: once
 * {@link StoreOptions#pageCacheFlushBytes()} bytes were appended, and at the latest after
 * {@link StoreOptions#pageCacheFlushIntervalMs()}. Real store, real files; fsyncs are counted by the
 * {@link StoreObserver}, which hears every fsync that made appended records durable.
 */
class PageCacheFlushTest {

  private static final int EVENT_BYTES = 1024;

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private final AtomicInteger flushes = new AtomicInteger();
  private final StoreObserver countingFlushes = new StoreObserver() {
    @Override
    public void logFlushed(String topic, int partition, long durationNanos) {
      flushes.incrementAndGet();
    }
  };

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() {
    await(vertx.close());
  }

  private EventStore open(long flushIntervalMs, long flushBytes) {
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setPageCacheFlushIntervalMs(flushIntervalMs).setPageCacheFlushBytes(flushBytes).setObserver(countingFlushes)));
    await(store.createTopic("t", new TopicConfig().setFlushMode(FlushMode.PAGE_CACHE)));
    return store;
  }

  private static void appendEvent(EventStore store, long expectedVersion) {
    await(store.append(AppendRequest.of("t", "a", ExpectedVersion.exactly(expectedVersion),
        List.of(EventData.of("Happened", new byte[EVENT_BYTES])))));
  }

  @Test
  void appendsBelowTheByteThresholdWaitForTheIntervalAndCrossingItFlushesAtOnce() {
    // given an interval far beyond the test and a threshold of four events
    EventStore store = open(TimeUnit.HOURS.toMillis(1), 4 * EVENT_BYTES);

    // when one event is appended
    appendEvent(store, 0);

    // then no fsync comes for over a maintenance period (the timer ticks every second, flushing nothing)
    assertHoldsFor(() -> flushes.get() == 0, Duration.ofMillis(1_500), "no fsync below the byte threshold");

    // and when the appended bytes cross the threshold, an fsync follows without waiting for the interval
    for (int version = 1; version <= 4; version++) {
      appendEvent(store, version);
    }
    pollUntil(() -> flushes.get() >= 1, Duration.ofSeconds(10), "an fsync after " + 5 * EVENT_BYTES + " bytes");
    await(store.close());
  }

  @Test
  void aShortIntervalFlushesEveryFewMillisecondsNotEverySecond() {
    // given an interval of 20 ms and a threshold no append reaches
    EventStore store = open(20, 1L << 30);
    long start = System.nanoTime();

    // when twenty appends each wait for the fsync that covers them
    for (int version = 0; version < 20; version++) {
      int before = flushes.get();
      appendEvent(store, version);
      pollUntil(() -> flushes.get() > before, Duration.ofSeconds(10), "an fsync after append " + version);
    }

    // then they took well under the 20 s that a flush per second would have taken
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    await(store.close());
  }
}
