package io.cairn.eventstore.faults;

import io.cairn.eventstore.testing.FaultyStorageIo;

import static io.cairn.eventstore.contract.StoreTestSupport.appended;
import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.conflict;
import static io.cairn.eventstore.contract.StoreTestSupport.event;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static io.cairn.eventstore.contract.StoreTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.PartitionReadOnlyException;
import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.spi.StorageIo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Disk faults injected through {@link StoreOptions#setStorageIo}: a full disk fails an append with a
 * clear {@link StorageException}, keeps everything acknowledged and lets appends continue once space
 * is free; a failed fsync turns the partition read-only while reads keep working.
 */
class DiskFullTest {

  private static final String TOPIC = "faults";
  private static final long SEED = 0xD15C_F011L;
  private static final int SMALL_MEMTABLE_ENTRIES = 16;

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private FaultyStorageIo io;
  private EventStore store;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    io = new FaultyStorageIo();
    store = open(io);
  }

  @AfterEach
  void close() {
    try {
      io.freeSpace();
      io.failFsync(false);
      if (store != null) {
        store.close().toCompletionStage().toCompletableFuture().join();
      }
    } finally {
      await(vertx.close());
    }
  }

  private EventStore open(StorageIo storageIo) {
    return await(EventStores.openLocal(vertx, options().setStorageIo(storageIo)));
  }

  /** Options of every store in these tests: a tiny stream-index memtable, so index files are written too. */
  private StoreOptions options() {
    return new StoreOptions().setDataDir(dataDir).setStreamIndexMemtableEntries(SMALL_MEMTABLE_ENTRIES);
  }

  private void reopenHealthy() {
    io.freeSpace();
    io.failFsync(false);
    await(store.close());
    store = open(StorageIo.DEFAULT);
  }

  private Future<AppendResult> append(String aggregate, long expectedVersion, EventData... events) {
    return store.append(AppendRequest.of(TOPIC, aggregate, ExpectedVersion.exactly(expectedVersion),
        List.of(events)));
  }

  private static List<UUID> ids(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::eventId).collect(Collectors.toList());
  }

  private static void assertMentions(Throwable failure, String text) {
    StringBuilder chain = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      chain.append(t).append(" <- ");
    }
    assertThat(chain.toString()).as("the failure or its causes say what happened").contains(text);
  }

  @ParameterizedTest(name = "disk full after {0} more bytes")
  @ValueSource(ints = {0, 30, 200})
  void fullDiskFailsTheAppendKeepsAcknowledgedEventsAndRecoversWhenSpaceIsFreed(int bytesBeforeFull) {
    // given
    await(store.createTopic(TOPIC, new TopicConfig()));
    List<UUID> acknowledged = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      EventData e = event("E", "payload-" + i);
      appended(await(append("a", i, e)));
      acknowledged.add(e.eventId());
    }

    // when
    io.diskFullAfter(bytesBeforeFull);
    Throwable failure = failureOf(() -> append("a", 10, event("E", "x".repeat(300)), event("E", "y".repeat(300))));

    // then
    assertThat(failure).isInstanceOf(StorageException.class);
    assertMentions(failure, FaultyStorageIo.DISK_FULL_MESSAGE);
    assertThat(io.failedWrites()).isPositive();
    assertThat(ids(readAll(store, TOPIC, 0))).isEqualTo(acknowledged);
    assertThat(await(store.streamVersion(TOPIC, "a"))).isEqualTo(10L);
    assertThat(await(store.readStream(TOPIC, "a", 1, 100)).events()).hasSize(10);

    // when space is free again
    io.freeSpace();
    EventData after = event("E", "after");
    AppendResult.Appended resumed = appended(await(append("a", 10, after)));

    // then
    assertThat(resumed.firstOffset()).as("no gap and no garbage where the failed append was").isEqualTo(10);
    assertThat(resumed.newVersion()).isEqualTo(11);
    acknowledged.add(after.eventId());
    assertThat(ids(readAll(store, TOPIC, 0))).isEqualTo(acknowledged);
    reopenHealthy();
    assertThat(ids(readAll(store, TOPIC, 0))).isEqualTo(acknowledged);
    assertThat(await(store.streamVersion(TOPIC, "a"))).isEqualTo(11L);
  }

  @Test
  void aFullDiskFailsTheAppendsWrittenTogetherAndNoOther() {
    // given
    await(store.createTopic(TOPIC, new TopicConfig()));
    EventData first = event("E", "first");
    appended(await(append("a", 0, first)));

    // when: a and c are written with one write, b is a version conflict answered without writing
    io.diskFullAfter(50);
    List<Future<AppendResult>> futures = store.appendEach(List.of(
        AppendRequest.of(TOPIC, "a", ExpectedVersion.exactly(1), List.of(event("E", "x".repeat(100)))),
        AppendRequest.of(TOPIC, "b", ExpectedVersion.exactly(1), List.of(event("E", "conflict"))),
        AppendRequest.of(TOPIC, "c", ExpectedVersion.NO_STREAM, List.of(event("E", "y".repeat(100))))));

    // then
    assertMentions(failureOf(() -> futures.get(0)), FaultyStorageIo.DISK_FULL_MESSAGE);
    assertThat(conflict(await(futures.get(1))).actualVersion()).isZero();
    assertMentions(failureOf(() -> futures.get(2)), FaultyStorageIo.DISK_FULL_MESSAGE);
    assertThat(ids(readAll(store, TOPIC, 0))).containsExactly(first.eventId());

    // when space is free again
    io.freeSpace();
    EventData second = event("E", "second");
    EventData third = event("E", "third");
    List<Future<AppendResult>> resumed = store.appendEach(List.of(
        AppendRequest.of(TOPIC, "a", ExpectedVersion.exactly(1), List.of(second)),
        AppendRequest.of(TOPIC, "c", ExpectedVersion.NO_STREAM, List.of(third))));

    // then
    assertThat(appended(await(resumed.get(0))).firstOffset()).as("no gap where the failed write was").isEqualTo(1);
    assertThat(appended(await(resumed.get(1))).firstOffset()).isEqualTo(2);
    reopenHealthy();
    assertThat(ids(readAll(store, TOPIC, 0))).containsExactly(first.eventId(), second.eventId(), third.eventId());
    assertThat(await(store.streamVersion(TOPIC, "c"))).isEqualTo(1L);
  }

  @Test
  void randomDiskFullFaultsNeitherLoseNorInventEvents() {
    // given: small segments so that faults also hit segment rolls
    await(store.createTopic(TOPIC, new TopicConfig().setSegmentBytes(2048).setIndexIntervalBytes(128)));
    Random random = new Random(SEED);
    List<UUID> acknowledged = new ArrayList<>();
    long[] versions = new long[4];
    int failures = 0;

    // when
    for (int step = 0; step < 150; step++) {
      boolean full = random.nextInt(4) == 0;
      if (full) {
        io.diskFullAfter(random.nextInt(150));
      }
      int aggregate = random.nextInt(versions.length);
      List<EventData> events = new ArrayList<>();
      for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
        events.add(event("E", "step-" + step + "-" + "z".repeat(random.nextInt(120))));
      }
      Future<AppendResult> result = store.append(AppendRequest.of(TOPIC, "agg-" + aggregate,
          ExpectedVersion.exactly(versions[aggregate]), events));
      AppendResult outcome = result.toCompletionStage().toCompletableFuture().handle((r, e) -> r).join();
      if (outcome == null) {
        Throwable failure = failureOf(() -> result);
        assertThat(full).as("seed %x step %d: a failure without an injected fault: %s", SEED, step, failure)
            .isTrue();
        assertThat(failure).as("seed %x step %d", SEED, step).isInstanceOf(StorageException.class)
            .isNotInstanceOf(PartitionReadOnlyException.class);
        failures++;
      } else {
        AppendResult.Appended appended = appended(outcome);
        assertThat(appended.firstOffset()).as("seed %x step %d", SEED, step).isEqualTo(acknowledged.size());
        versions[aggregate] = appended.newVersion();
        events.forEach(e -> acknowledged.add(e.eventId()));
      }
      io.freeSpace();
    }

    // then
    assertThat(failures).as("seed %x: some appends must have hit the full disk", SEED).isPositive();
    assertThat(ids(readAll(store, TOPIC, 0))).as("seed %x", SEED).isEqualTo(acknowledged);
    reopenHealthy();
    assertThat(ids(readAll(store, TOPIC, 0))).as("seed %x, after reopen", SEED).isEqualTo(acknowledged);
    for (int a = 0; a < versions.length; a++) {
      assertThat(await(store.streamVersion(TOPIC, "agg-" + a))).as("seed %x, version of agg-%d", SEED, a)
          .isEqualTo(versions[a]);
    }
  }

  @Test
  void failedFsyncMakesThePartitionReadOnlyWhileReadsKeepWorking() {
    // given
    await(store.createTopic(TOPIC, new TopicConfig()));
    await(store.createTopic("healthy", new TopicConfig()));
    List<UUID> acknowledged = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      EventData e = event("E", "payload-" + i);
      appended(await(append("a", i, e)));
      acknowledged.add(e.eventId());
    }

    // when
    io.failFsync(true);
    Throwable failure = failureOf(() -> append("a", 5, event("E", "unlucky")));
    io.failFsync(false);
    Throwable later = failureOf(() -> append("a", 5, event("E", "later")));

    // then
    assertThat(failure).isInstanceOf(StorageException.class);
    assertThat(io.failedForces()).isPositive();
    assertThat(later).as("an fsync failure is never retried as if nothing happened")
        .isInstanceOf(PartitionReadOnlyException.class);
    assertThat(await(store.describeTopic(TOPIC)).partitions().get(0).readOnly()).isTrue();
    List<StoredEvent> read = readAll(store, TOPIC, 0);
    assertThat(ids(read).subList(0, 5)).isEqualTo(acknowledged);
    assertThat(await(store.readStream(TOPIC, "a", 1, 5)).events()).hasSize(5);
    assertThat(appended(await(store.append(AppendRequest.of("healthy", "h", ExpectedVersion.NO_STREAM,
        List.of(event("E", "ok")))))).newVersion()).as("other partitions keep working").isEqualTo(1);

    // when the operator reopens the store on a healthy disk
    reopenHealthy();

    // then
    assertThat(await(store.describeTopic(TOPIC)).partitions().get(0).readOnly()).isFalse();
    assertThat(ids(readAll(store, TOPIC, 0)).subList(0, 5)).isEqualTo(acknowledged);
    long version = await(store.streamVersion(TOPIC, "a"));
    assertThat(version).isBetween(5L, 6L);
    assertThat(appended(await(append("a", version, event("E", "after reopen")))).newVersion())
        .isEqualTo(version + 1);
  }

  @Test
  void fullDiskDuringCloseLosesNothingAcknowledged() {
    // given
    await(store.createTopic(TOPIC, new TopicConfig().setSegmentBytes(2048)));
    List<UUID> acknowledged = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      EventData e = event("E", "payload-" + i + "-" + "q".repeat(50));
      appended(await(append("a", i, e)));
      acknowledged.add(e.eventId());
    }

    // when: the recovery point, the marker, index files and snapshots cannot be written at close
    io.diskFullAfter(0);
    store.close().toCompletionStage().toCompletableFuture().handle((v, e) -> e).join();
    store = null;
    io.freeSpace();
    store = open(StorageIo.DEFAULT);

    // then
    assertThat(ids(readAll(store, TOPIC, 0))).isEqualTo(acknowledged);
    assertThat(await(store.streamVersion(TOPIC, "a"))).isEqualTo(40L);
    assertThat(await(store.readStream(TOPIC, "a", 1, 100)).events()).hasSize(40);
    assertThat(appended(await(append("a", 40, event("E", "after")))).firstOffset()).isEqualTo(40);
  }

  @Test
  void failedFsyncDuringCloseLosesNothingAcknowledged() {
    // given
    await(store.createTopic(TOPIC, new TopicConfig()));
    List<UUID> acknowledged = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      EventData e = event("E", "payload-" + i);
      appended(await(append("a", i, e)));
      acknowledged.add(e.eventId());
    }

    // when
    io.failFsync(true);
    store.close().toCompletionStage().toCompletableFuture().handle((v, e) -> e).join();
    store = null;
    io.failFsync(false);
    store = open(StorageIo.DEFAULT);

    // then
    assertThat(ids(readAll(store, TOPIC, 0))).isEqualTo(acknowledged);
    assertThat(await(store.streamVersion(TOPIC, "a"))).isEqualTo(20L);
  }

  @Test
  void producerIdBlockThatCannotBeWrittenHandsOutNothingAndALaterCallSucceeds() {
    // given: the first block of producer ids cannot be reserved
    io.diskFullAfter(0);

    // when
    Throwable failure = failureOf(() -> store.initProducerId());
    io.freeSpace();
    ProducerId after = await(store.initProducerId());
    ProducerId next = await(store.initProducerId());

    // then
    assertThat(failure).isInstanceOf(StorageException.class).hasMessageContaining("producer ids");
    assertThat(after.id()).isZero();
    assertThat(next.id()).isEqualTo(1);
  }
}
