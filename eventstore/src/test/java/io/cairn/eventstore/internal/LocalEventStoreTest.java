package io.cairn.eventstore.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Behaviour specific to the local store that the contract suite does not cover: the stream index
 * across memtable flushes and restarts, the data-directory lock, clean-shutdown reopen.
 */
class LocalEventStoreTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private EventStore open(int memtableEntries) throws Exception {
    return await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setStreamIndexMemtableEntries(memtableEntries)));
  }

  private static AppendRequest event(String aggregate, long expected, String text) {
    return AppendRequest.of("t", aggregate, ExpectedVersion.exactly(expected),
        List.of(EventData.of("Happened", text.getBytes(UTF_8))));
  }

  @ParameterizedTest
  @EnumSource(FlushMode.class)
  void streamsStayReadableAcrossIndexFlushesAndRestarts(FlushMode mode) throws Exception {
    // given many interleaved aggregates and a tiny memtable, so the index spills into chunk files
    EventStore store = open(64);
    await(store.createTopic("t", new TopicConfig().setPartitions(2).setFlushMode(mode).setSegmentBytes(4096)));
    int aggregates = 40;
    int eventsEach = 25;
    for (int v = 0; v < eventsEach; v++) {
      List<Future<AppendResult>> round = new ArrayList<>();
      for (int a = 0; a < aggregates; a++) {
        round.add(store.append(event("agg-" + a, v, "agg-" + a + "/" + (v + 1))));
      }
      for (Future<AppendResult> f : round) {
        assertThat(await(f)).isInstanceOf(AppendResult.Appended.class);
      }
    }
    // when the store restarts twice, once cleanly and once after losing its clean-shutdown markers
    await(store.close());
    store = open(64);
    assertAllStreams(store, aggregates, eventsEach);
    await(store.close());
    try (var files = Files.walk(dataDir)) {
      for (Path marker : files.filter(p -> p.getFileName().toString().equals("clean-shutdown")).toList()) {
        Files.delete(marker);
      }
    }
    store = open(64);
    // then every stream reads back complete and in order, and appends continue at the right version
    assertAllStreams(store, aggregates, eventsEach);
    assertThat(await(store.append(event("agg-7", eventsEach, "next")))).isInstanceOf(AppendResult.Appended.class);
    assertThat(await(store.append(event("agg-7", eventsEach, "stale"))))
        .isInstanceOfSatisfying(AppendResult.VersionConflict.class,
            c -> assertThat(c.actualVersion()).isEqualTo(eventsEach + 1));
    await(store.close());
  }

  private void assertAllStreams(EventStore store, int aggregates, int eventsEach) throws Exception {
    for (int a = 0; a < aggregates; a++) {
      StreamSlice slice = await(store.readStream("t", "agg-" + a, 1, 1000));
      assertThat(slice.events()).hasSize(eventsEach);
      assertThat(slice.currentVersion()).isEqualTo(eventsEach);
      assertThat(slice.endOfStream()).isTrue();
      for (int v = 0; v < eventsEach; v++) {
        assertThat(slice.events().get(v).version()).isEqualTo(v + 1);
        assertThat(new String(slice.events().get(v).payload(), UTF_8)).isEqualTo("agg-" + a + "/" + (v + 1));
      }
    }
  }

  @Test
  void secondStoreOnTheSameDirectoryIsRefused() throws Exception {
    EventStore store = open(1024);
    Future<EventStore> second = EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir));
    assertThat(second.toCompletionStage().toCompletableFuture().handle((s, e) -> e).get(30, TimeUnit.SECONDS))
        .hasMessageContaining("in use by another Cairn process");
    await(store.close());
  }
}
