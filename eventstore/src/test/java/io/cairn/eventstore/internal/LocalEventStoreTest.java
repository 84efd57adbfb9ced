package io.cairn.eventstore.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.OutOfOrderSequenceException;
import io.cairn.eventstore.ProducerInfo;
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
import org.junit.jupiter.params.provider.ValueSource;

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
    deleteCleanShutdownMarkers();
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

  @ParameterizedTest(name = "clean shutdown: {0}")
  @ValueSource(booleans = {true, false})
  void idempotentProducerStateSurvivesRestart(boolean cleanShutdown) throws Exception {
    // given a producer that stored two batches
    EventStore store = open(1024);
    await(store.createTopic("t", new TopicConfig()));
    ProducerInfo first = new ProducerInfo(42, (short) 0, 0);
    ProducerInfo second = new ProducerInfo(42, (short) 0, 1);
    AppendResult.Appended original = (AppendResult.Appended) await(store.append(producerAppend("a", 0, first)));
    await(store.append(producerAppend("a", 1, second)));
    await(store.close());
    if (!cleanShutdown) {
      deleteCleanShutdownMarkers();
    }
    // when the store restarts and the producer retries its first batch
    store = open(1024);
    AppendResult retried = await(store.append(producerAppend("a", 0, first)));
    // then it gets the original result and nothing new is stored; a gap in sequence is refused
    assertThat(retried).isInstanceOfSatisfying(AppendResult.Appended.class, r -> {
      assertThat(r.duplicate()).isTrue();
      assertThat(r.firstOffset()).isEqualTo(original.firstOffset());
    });
    assertThat(await(store.streamVersion("t", "a"))).isEqualTo(2);
    Throwable gap = store.append(producerAppend("a", 2, new ProducerInfo(42, (short) 0, 5)))
        .toCompletionStage().toCompletableFuture().handle((r, e) -> e).get(30, TimeUnit.SECONDS);
    assertThat(gap).isInstanceOf(OutOfOrderSequenceException.class).hasMessageContaining("expected 2");
    await(store.close());
  }

  private static AppendRequest producerAppend(String aggregate, long expected, ProducerInfo producer) {
    return new AppendRequest("t", aggregate, ExpectedVersion.exactly(expected),
        List.of(EventData.of("Happened", "x".getBytes(UTF_8))), producer);
  }

  private void deleteCleanShutdownMarkers() throws Exception {
    try (var files = Files.walk(dataDir)) {
      for (Path marker : files.filter(p -> p.getFileName().toString().equals("clean-shutdown")).toList()) {
        Files.delete(marker);
      }
    }
  }

  @Test
  void retentionDeletesOldSegmentsAndStreamsContinue() throws Exception {
    // given a topic with tiny segments and a size limit, checked every 20 ms
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setRetentionCheckIntervalMs(20)));
    await(store.createTopic("t", new TopicConfig().setSegmentBytes(2048).setRetentionBytes(4096)));
    for (int v = 0; v < 200; v++) {
      await(store.append(event("a", v, "a/" + (v + 1))));
    }
    // when retention runs
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long logStart = 0;
    while (logStart == 0 && System.nanoTime() < deadline) {
      logStart = await(store.describeTopic("t")).partitions().get(0).logStartOffset();
    }
    // then the oldest events are gone, the rest of the stream reads in order, and appends go on
    assertThat(logStart).isPositive();
    StreamSlice slice = await(store.readStream("t", "a", 1, 1000));
    assertThat(slice.currentVersion()).isEqualTo(200);
    assertThat(slice.events()).isNotEmpty().hasSizeLessThan(200);
    long firstKept = slice.events().get(0).version();
    for (int i = 0; i < slice.events().size(); i++) {
      assertThat(slice.events().get(i).version()).isEqualTo(firstKept + i);
    }
    assertThat(await(store.read("t", 0, 0, 1 << 20)).events().get(0).offset()).isEqualTo(logStart);
    assertThat(await(store.append(event("a", 200, "a/201")))).isInstanceOf(AppendResult.Appended.class);
    await(store.close());
  }

  @Test
  void compactionKeepsTheLatestEventPerAggregateAndStreamsStayReadable() throws Exception {
    // given a compacted topic with small segments: many versions of three aggregates, one of them deleted
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setRetentionCheckIntervalMs(20)));
    await(store.createTopic("t", new TopicConfig().setCleanupPolicy(CleanupPolicy.COMPACT).setSegmentBytes(2048)
        .setDeleteRetentionMs(0)));
    for (int v = 0; v < 60; v++) {
      for (String id : List.of("a", "b", "c")) {
        await(store.append(event(id, v, id + "/" + (v + 1))));
      }
    }
    await(store.append(AppendRequest.of("t", "c", ExpectedVersion.exactly(60),
        List.of(EventData.of("Deleted", null)))));
    await(store.append(event("a", 60, "a/61"))); // rolls past the tombstone so it sits in a closed segment
    long before = countAll(store);
    // when compaction runs
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long after = before;
    while (after >= before && System.nanoTime() < deadline) {
      after = countAll(store);
    }
    // then old versions are gone, each stream reads its latest event with its version, appends go on
    assertThat(after).isLessThan(before);
    StreamSlice b = await(store.readStream("t", "b", 1, 100));
    assertThat(b.events()).extracting(e -> new String(e.payload(), UTF_8)).last().isEqualTo("b/60");
    assertThat(b.events()).extracting(e -> e.version()).last().isEqualTo(60L);
    assertThat(await(store.streamVersion("t", "b"))).isEqualTo(60);
    assertThat(await(store.append(event("b", 60, "b/61")))).isInstanceOf(AppendResult.Appended.class);
    assertThat(await(store.readStream("t", "a", 61, 10)).events())
        .extracting(e -> new String(e.payload(), UTF_8)).containsExactly("a/61");
    await(store.close());
  }

  private static long countAll(EventStore store) throws Exception {
    long count = 0;
    long next = 0;
    while (true) {
      var page = await(store.read("t", 0, next, 1 << 20));
      if (page.events().isEmpty()) {
        return count;
      }
      count += page.events().size();
      next = page.nextOffset();
    }
  }

  @Test
  void streamIndexChunkDamagedWhileRunningIsRebuiltFromTheLog() throws Exception {
    // given a store whose stream index has spilled into chunk files and whose version cache is tiny
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setStreamIndexMemtableEntries(64).setStreamCacheEntries(16)));
    await(store.createTopic("t", new TopicConfig()));
    int aggregates = 40;
    int eventsEach = 10;
    for (int v = 0; v < eventsEach; v++) {
      for (int a = 0; a < aggregates; a++) {
        await(store.append(event("agg-" + a, v, "agg-" + a + "/" + (v + 1))));
      }
    }
    Path partitionDir = dataDir.resolve("t-0");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<Path> chunks = List.of();
    while (chunks.isEmpty() && System.nanoTime() < deadline) {
      try (var files = Files.list(partitionDir)) {
        chunks = files.filter(f -> f.getFileName().toString().endsWith(".streams")).toList();
      }
    }
    assertThat(chunks).isNotEmpty();
    // when every entry block of every chunk file rots on disk while the store runs
    int headerBytes = 56;
    int blockBytes = 4096;
    for (Path chunk : chunks) {
      byte[] bytes = Files.readAllBytes(chunk);
      for (int at = headerBytes + 5; at < bytes.length; at += blockBytes) {
        bytes[at] ^= 0x40;
      }
      Files.write(chunk, bytes);
    }
    // then reads and appends still see every stream whole: the partition rebuilt its index from the log
    assertAllStreams(store, aggregates, eventsEach);
    assertThat(await(store.append(event("agg-3", eventsEach, "next")))).isInstanceOf(AppendResult.Appended.class);
    await(store.close());
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
