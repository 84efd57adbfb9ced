package io.cairn.eventstore.internal;

import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.LogInspector;
import io.cairn.eventstore.OutOfOrderSequenceException;
import io.cairn.eventstore.PartitionPlacement;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.UnknownTopicException;
import io.cairn.eventstore.internal.producer.ProducerIdAllocator;
import io.cairn.eventstore.internal.stream.StreamIndex;
import io.cairn.eventstore.testing.FaultyStorageIo;
import io.cairn.eventstore.spi.StoreObserver;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
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

  @Test
  void partitionContextIsTheOwnersForEachPartitionAndNamesABadTopicOrPartition() throws Exception {
    // given
    EventStore store = open(64);
    await(store.createTopic("t", new TopicConfig().setPartitions(2)));
    PartitionPlacement placement = (PartitionPlacement) store;

    // when
    Context first = placement.partitionContext("t", 0);
    Context second = placement.partitionContext("t", 1);
    Context runningFirst = await(Future.<Context>future(promise -> first.runOnContext(v ->
        promise.complete(Vertx.currentContext()))));

    // then
    assertThat(first).isNotSameAs(second).isSameAs(placement.partitionContext("t", 0));
    assertThat(runningFirst).isSameAs(first);
    assertThatThrownBy(() -> placement.partitionContext("t", 2)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("partition = 2").hasMessageContaining("0 to 1");
    assertThatThrownBy(() -> placement.partitionContext("nope", 0)).isInstanceOf(UnknownTopicException.class);
    await(store.close());
    assertThatThrownBy(() -> placement.partitionContext("t", 0)).isInstanceOf(StoreClosedException.class);
  }

  @ParameterizedTest
  @EnumSource(FlushMode.class)
  void appendEachWritesInListOrderAcrossWriteLimitsAndSegmentRollsAndReadsBackAfterRestart(FlushMode mode)
      throws Exception {
    // given: 4 appends per aggregate in one list (each must wait for the one before), batches of ~150
    // bytes against a 1 000-byte max.message.bytes (several writes) and 2 KiB segments (rolls)
    EventStore store = open(64);
    await(store.createTopic("t", new TopicConfig().setFlushMode(mode).setMaxMessageBytes(1000)
        .setSegmentBytes(2048).setIndexIntervalBytes(256)));
    int aggregates = 25;
    int rounds = 4;
    List<AppendRequest> requests = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (int a = 0; a < aggregates; a++) {
        requests.add(event("agg-" + a, round, "agg-" + a + "/" + (round + 1) + "/" + "x".repeat(40)));
      }
    }

    // when
    List<Future<AppendResult>> futures = store.appendEach(requests);

    // then
    for (int i = 0; i < requests.size(); i++) {
      AppendResult result = await(futures.get(i));
      assertThat(result).as("request %d", i).isEqualTo(new AppendResult.Appended(0, i, i, i / aggregates + 1,
          i / aggregates + 1, false));
    }
    await(store.close());
    assertThat(LogInspector.verify(dataDir).problems()).isEmpty();
    assertThat(LogInspector.verify(dataDir).segments()).as("segments rolled").isGreaterThan(3);
    store = open(64);
    for (int offset : new int[] {0, 37, 61, 99}) {
      ReadResult read = await(store.read("t", 0, offset, 200));
      assertThat(read.events().get(0).offset()).as("read from offset %d", offset).isEqualTo(offset);
      assertThat(new String(read.events().get(0).payload(), UTF_8))
          .startsWith(requests.get(offset).aggregateId() + "/");
    }
    for (int a = 0; a < aggregates; a++) {
      String id = "agg-" + a;
      StreamSlice slice = await(store.readStream("t", id, 1, 10));
      assertThat(slice.events()).extracting(e -> new String(e.payload(), UTF_8).substring(0, id.length() + 2))
          .containsExactly(id + "/1", id + "/2", id + "/3", id + "/4");
    }
    await(store.close());
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
  void topicsCreatedFromAVerticleOutliveIt() throws Exception {
    // given a topic created from inside a verticle, as the node's protocol server does
    EventStore store = open(1024);
    VerticleBase creator = new VerticleBase() {
      @Override
      public Future<?> start() {
        return store.createTopic("t", new TopicConfig());
      }
    };
    String creatorId = await(vertx.deployVerticle(creator));
    // when that verticle is undeployed
    await(vertx.undeploy(creatorId));
    // then its partitions were not undeployed with it: appends work and the store closes cleanly
    assertThat(await(store.append(event("a", 0, "a/1")))).isInstanceOf(AppendResult.Appended.class);
    await(store.close());
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
  void segmentsDeletedByRetentionAreClosedOffThePartitionOwner() throws Exception {
    // given a topic with tiny segments and a size limit, checked every 20 ms, on a storage that records closes
    FaultyStorageIo io = new FaultyStorageIo();
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setRetentionCheckIntervalMs(20).setStorageIo(io)));
    await(store.createTopic("t", new TopicConfig().setSegmentBytes(2048).setRetentionBytes(4096)));
    String ownerThread = ownerThreadOf(store, "t");

    // when enough events for retention to delete segments are appended
    for (int v = 0; v < 200; v++) {
      await(store.append(event("a", v, "a/" + (v + 1))));
    }

    // then the deleted segments' files are closed, and not on the owner's thread (the close frees the page
    // cache)
    pollUntil(() -> !deletedSegmentCloses(io).isEmpty(), Duration.ofSeconds(20),
        "closes of segments deleted by retention");
    assertThat(deletedSegmentCloses(io)).extracting(FaultyStorageIo.Close::thread).doesNotContain(ownerThread);
    assertThat(await(store.describeTopic("t")).partitions().get(0).logStartOffset()).isPositive();
    await(store.close());
  }

  /** The closes of {@code .log} files that no longer exist: segments deleted by retention. */
  private static List<FaultyStorageIo.Close> deletedSegmentCloses(FaultyStorageIo io) {
    return io.closes().stream()
        .filter(close -> close.path().getFileName().toString().endsWith(".log") && !Files.exists(close.path()))
        .toList();
  }

  private String ownerThreadOf(EventStore store, String topic) throws Exception {
    Context owner = ((PartitionPlacement) store).partitionContext(topic, 0);
    return await(Future.<String>future(promise -> owner.runOnContext(v ->
        promise.complete(Thread.currentThread().getName()))));
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
    List<Path> chunks = awaitChunkFiles(dataDir.resolve("t-0"));
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
  void streamIndexChunksMergedAwayAreClosedOffThePartitionOwner() throws Exception {
    // given a store whose stream index writes a chunk file every 16 entries, on a storage that records closes
    FaultyStorageIo io = new FaultyStorageIo();
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setStreamIndexMemtableEntries(16).setStorageIo(io)));
    await(store.createTopic("t", new TopicConfig()));
    String ownerThread = ownerThreadOf(store, "t");

    // when enough events for a dozen chunk files, and so for merges, are appended
    for (int i = 0; i < 16 * 12; i++) {
      await(store.append(event("agg-" + i, 0, "e" + i)));
    }

    // then the chunks merged away are closed, and not on the owner's thread (a close frees the page cache)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<FaultyStorageIo.Close> chunkCloses = List.of();
    while (chunkCloses.isEmpty() && System.nanoTime() < deadline) {
      chunkCloses = io.closes().stream()
          .filter(close -> close.path().getFileName().toString().endsWith(StreamIndex.FILE_SUFFIX))
          .toList();
      if (chunkCloses.isEmpty()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
    }
    assertThat(chunkCloses).as("closes of merged-away chunk files").isNotEmpty();
    assertThat(chunkCloses).extracting(FaultyStorageIo.Close::thread).doesNotContain(ownerThread);
    await(store.close());
  }

  @Test
  void fetchesAreServedWhileEveryStreamIndexJobHangsOnTheDisk() throws Exception {
    // given a store of 6 partitions whose stream index chunk writes hang, as on a stalled disk
    FaultyStorageIo io = new FaultyStorageIo();
    io.holdWrites(file -> file.getFileName().toString().contains(StreamIndex.FILE_SUFFIX));
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setStreamIndexMemtableEntries(16).setStorageIo(io)));
    try {
      int partitions = 6;
      await(store.createTopic("t", new TopicConfig().setPartitions(partitions)));

      // when every partition fills memtables, so that more chunk writes hang than there are disk threads
      for (int i = 0; i < partitions * 28; i++) {
        await(store.append(event("agg-" + i, 0, "e" + i)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (io.heldWrites() < LocalEventStore.DISK_THREADS && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      }
      assertThat(io.heldWrites()).as("chunk writes hanging").isGreaterThanOrEqualTo(LocalEventStore.DISK_THREADS);
      assertThat(((LocalEventStore) store).jobBudget().running())
          .as("the hanging jobs of several partitions, counted in the store's one budget").isGreaterThanOrEqualTo(2);

      // then reads from the log still complete, on threads the hanging jobs do not hold
      for (int p = 0; p < partitions; p++) {
        FetchResult fetched = store.fetch("t", p, 0, 1 << 20, 0).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        assertThat(fetched.events()).as("partition %d", p).isNotEmpty();
      }
    } finally {
      io.releaseWrites();
    }
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

  // ---------------------------------------------------------------- produced (multi-aggregate) batches

  /** Produces rounds of batches that interleave {@code aggregates} aggregates (A B A C ...); returns each one's payloads. */
  private static Map<String, List<String>> produceInterleaved(EventStore store, int partitions, int rounds,
                                                              int aggregates, long seed) throws Exception {
    Random random = new Random(seed);
    Map<String, List<String>> written = new TreeMap<>();
    for (int round = 0; round < rounds; round++) {
      Map<Integer, List<KeyedEvent>> byPartition = new TreeMap<>();
      int events = 1 + random.nextInt(12);
      for (int e = 0; e < events; e++) {
        String id = "agg-" + random.nextInt(aggregates);
        List<String> payloads = written.computeIfAbsent(id, k -> new ArrayList<>());
        String payload = id + "/" + (payloads.size() + 1);
        payloads.add(payload);
        byPartition.computeIfAbsent(Partitioner.partitionFor(id, partitions), p -> new ArrayList<>())
            .add(new KeyedEvent(id, EventData.of("Happened", payload.getBytes(UTF_8))));
      }
      List<Future<ProduceResult>> sent = new ArrayList<>();
      byPartition.forEach((partition, batch) -> sent.add(store.produce("t", partition,
          EventBatches.encode(batch, random.nextBoolean() ? CompressionType.LZ4 : CompressionType.NONE,
              ProducerInfo.NONE, System.currentTimeMillis()))));
      for (Future<ProduceResult> result : sent) {
        assertThat(await(result).duplicate()).isFalse();
      }
    }
    return written;
  }

  private static void assertStreams(EventStore store, Map<String, List<String>> written) throws Exception {
    for (Map.Entry<String, List<String>> stream : written.entrySet()) {
      StreamSlice slice = await(store.readStream("t", stream.getKey(), 1, 10_000));
      assertThat(slice.events()).extracting(e -> new String(e.payload(), UTF_8)).as("stream %s", stream.getKey())
          .isEqualTo(stream.getValue());
      for (int v = 0; v < slice.events().size(); v++) {
        assertThat(slice.events().get(v).version()).as("version %d of %s", v + 1, stream.getKey()).isEqualTo(v + 1);
      }
      assertThat(slice.currentVersion()).isEqualTo(stream.getValue().size());
      assertThat(await(store.streamVersion("t", stream.getKey()))).isEqualTo(stream.getValue().size());
    }
  }

  @ParameterizedTest
  @EnumSource(FlushMode.class)
  void producedBatchesStayReadableAcrossIndexFlushesCrashesAndRestarts(FlushMode mode) throws Exception {
    // given interleaved multi-aggregate batches and a tiny memtable, so the index spills into chunk files,
    // sometimes between two runs of one batch
    EventStore store = open(16);
    await(store.createTopic("t", new TopicConfig().setPartitions(2).setFlushMode(mode).setSegmentBytes(4096)));
    Map<String, List<String>> written = produceInterleaved(store, 2, 120, 25, 7);
    assertStreams(store, written);
    // when the store restarts cleanly, then as after a crash that lost the newer half of the index chunk
    // files (their range, which may start inside a batch, is re-fed from the log)
    await(store.close());
    store = open(16);
    assertStreams(store, written);
    await(store.close());
    deleteCleanShutdownMarkers();
    for (int partition = 0; partition < 2; partition++) {
      deleteNewerHalfOfChunkFiles(dataDir.resolve("t-" + partition));
    }
    store = open(16);
    // then every stream reads back whole with dense versions, and appends continue after them
    assertStreams(store, written);
    List<String> stream = written.get("agg-3");
    assertThat(await(store.append(event("agg-3", stream.size(), "next")))).isInstanceOf(AppendResult.Appended.class);
    assertThat(await(store.append(event("agg-3", stream.size(), "stale"))))
        .isInstanceOfSatisfying(AppendResult.VersionConflict.class,
            c -> assertThat(c.actualVersion()).isEqualTo(stream.size() + 1));
    await(store.close());
  }

  @Test
  void indexRebuiltFromTheLogWhileRunningIndexesEveryRunOfProducedBatches() throws Exception {
    // given produced batches whose index spilled into chunk files, and a tiny version cache
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setStreamIndexMemtableEntries(32).setStreamCacheEntries(16)));
    await(store.createTopic("t", new TopicConfig()));
    Map<String, List<String>> written = produceInterleaved(store, 1, 60, 30, 11);
    awaitChunkFiles(dataDir.resolve("t-0"));
    // when every chunk file rots while the store runs
    rotEveryChunkFile(dataDir.resolve("t-0"));
    // then the rebuilt index finds every run of every stream
    assertStreams(store, written);
    await(store.close());
  }

  /**
   * Flips a bit in every 4 KiB of every chunk file of {@code partitionDir}. A merge running meanwhile may delete a
   * file between the listing and its read; the pass then starts again on the files there are now.
   */
  private static void rotEveryChunkFile(Path partitionDir) throws IOException {
    for (int pass = 1; ; pass++) {
      try {
        for (Path chunk : chunkFiles(partitionDir)) {
          byte[] bytes = Files.readAllBytes(chunk);
          for (int at = 56 + 5; at < bytes.length; at += 4096) {
            bytes[at] ^= 0x40;
          }
          Files.write(chunk, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
        return;
      } catch (NoSuchFileException mergedAway) {
        if (pass == 10) {
          throw mergedAway;
        }
      }
    }
  }

  private static void deleteNewerHalfOfChunkFiles(Path partitionDir) throws Exception {
    List<Path> chunks = chunkFiles(partitionDir);
    assertThat(chunks).as("chunk files of %s", partitionDir).hasSizeGreaterThan(1);
    for (Path chunk : chunks.subList(chunks.size() / 2, chunks.size())) {
      Files.delete(chunk);
    }
  }

  private static List<Path> awaitChunkFiles(Path partitionDir) {
    pollUntil(() -> !chunkFiles(partitionDir).isEmpty(), Duration.ofSeconds(20),
        "stream index chunk files in " + partitionDir);
    return chunkFiles(partitionDir);
  }

  /** The stream index's {@code .streams} chunk files of {@code partitionDir}, oldest first. */
  private static List<Path> chunkFiles(Path partitionDir) {
    try (var files = Files.list(partitionDir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".streams")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void compactionOfProducedMultiAggregateBatchesKeepsTheLatestRecordOfEachAggregate() throws Exception {
    // given a compacted topic with small segments and produced batches interleaving three aggregates
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setRetentionCheckIntervalMs(20)));
    await(store.createTopic("t", new TopicConfig().setCleanupPolicy(CleanupPolicy.COMPACT).setSegmentBytes(2048)
        .setDeleteRetentionMs(0)));
    for (int round = 1; round <= 40; round++) {
      int v = round;
      await(store.produce("t", 0, EventBatches.encode(List.of(
          new KeyedEvent("a", EventData.of("E", ("a/" + (2 * v - 1)).getBytes(UTF_8))),
          new KeyedEvent("b", EventData.of("E", ("b/" + v).getBytes(UTF_8))),
          new KeyedEvent("a", EventData.of("E", ("a/" + 2 * v).getBytes(UTF_8))),
          new KeyedEvent("c", EventData.of("E", ("c/" + v).getBytes(UTF_8)))),
          CompressionType.NONE, ProducerInfo.NONE, System.currentTimeMillis())));
    }
    await(store.produce("t", 0, EventBatches.encode(List.of(new KeyedEvent("c", EventData.of("Deleted", null)),
        new KeyedEvent("b", EventData.of("E", "b/41".getBytes(UTF_8)))), CompressionType.NONE, ProducerInfo.NONE,
        System.currentTimeMillis())));
    for (int i = 0; i < 20; i++) { // rolls past the tombstone so it sits in a closed segment
      await(store.append(event("d", i, "d/" + (i + 1))));
    }
    long before = countAll(store);
    // when compaction runs
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    long after = before;
    while (after >= before && System.nanoTime() < deadline) {
      after = countAll(store);
    }
    // then each stream reads its latest event with its version; c is gone; appends continue
    assertThat(after).isLessThan(before);
    StreamSlice a = await(store.readStream("t", "a", 1, 1000));
    assertThat(a.events()).extracting(e -> new String(e.payload(), UTF_8)).last().isEqualTo("a/80");
    assertThat(a.events()).extracting(e -> e.version()).last().isEqualTo(80L);
    assertThat(a.events().size()).isLessThan(80);
    StreamSlice b = await(store.readStream("t", "b", 1, 1000));
    assertThat(b.events()).extracting(e -> new String(e.payload(), UTF_8)).last().isEqualTo("b/41");
    assertThat(b.events()).extracting(e -> e.version()).last().isEqualTo(41L);
    assertThat(await(store.streamVersion("t", "b"))).isEqualTo(41);
    assertThat(await(store.append(event("a", 80, "a/81")))).isInstanceOf(AppendResult.Appended.class);
    assertThat(await(store.readStream("t", "a", 81, 10)).events())
        .extracting(e -> new String(e.payload(), UTF_8)).containsExactly("a/81");
    await(store.close());
  }

  // ---------------------------------------------------------------- producer ids

  @Test
  void producerIdsAreReservedInDurableBlocksAndContinueAfterARestart() throws Exception {
    // given
    EventStore store = open(1024);
    long first = await(store.initProducerId()).id();
    Path file = dataDir.resolve("meta").resolve(ProducerIdAllocator.FILE_NAME);
    assertThat(Files.readString(file)).as("the block is durable before the id is handed out")
        .startsWith("cairn-producer-ids 1\n" + (first + ProducerIdAllocator.BLOCK_SIZE) + "\n");
    for (int i = 1; i < ProducerIdAllocator.BLOCK_SIZE + 3; i++) {
      assertThat(await(store.initProducerId()).id()).isEqualTo(first + i);
    }
    assertThat(Files.readString(file)).contains("\n" + (first + 2 * ProducerIdAllocator.BLOCK_SIZE) + "\n");
    // when
    await(store.close());
    store = open(1024);
    // then the next id starts after every reserved block
    assertThat(await(store.initProducerId()).id()).isEqualTo(first + 2 * ProducerIdAllocator.BLOCK_SIZE);
    await(store.close());
  }

  @Test
  void damagedProducerIdFileMakesOpenFailInsteadOfGuessing() throws Exception {
    // given
    EventStore store = open(1024);
    await(store.initProducerId());
    await(store.close());
    Path file = dataDir.resolve("meta").resolve(ProducerIdAllocator.FILE_NAME);
    Files.writeString(file, Files.readString(file).replace("1000", "1001"));
    // when
    Throwable failure = EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir))
        .toCompletionStage().toCompletableFuture().handle((s, e) -> e).get(30, TimeUnit.SECONDS);
    // then
    assertThat(failure).isInstanceOf(StorageException.class).hasMessageContaining(ProducerIdAllocator.FILE_NAME)
        .hasMessageContaining("CRC");
  }

  // ---------------------------------------------------------------- observer

  @Test
  void observerHearsEveryLogFsyncAndAFailingObserverIsIgnored() throws Exception {
    // given an observer that records fsyncs and fails every other call
    List<String> heard = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    StoreObserver observer = new StoreObserver() {
      @Override
      public void logFlushed(String topic, int partition, long durationNanos) {
        heard.add(topic + "-" + partition + ":" + (durationNanos > 0));
        if (calls.incrementAndGet() % 2 == 0) {
          throw new IllegalStateException("observer bug");
        }
      }
    };
    EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)
        .setObserver(observer)));
    await(store.createTopic("t", new TopicConfig().setPartitions(2)));
    // when durable appends are acknowledged (each after an fsync)
    for (int i = 0; i < 10; i++) {
      assertThat(await(store.append(event("a", i, "a/" + (i + 1))))).isInstanceOf(AppendResult.Appended.class);
    }
    // then
    int partition = Partitioner.partitionFor("a", 2);
    assertThat(heard).isNotEmpty().allSatisfy(h -> assertThat(h).isEqualTo("t-" + partition + ":true"));
    assertThat(heard.size()).isGreaterThanOrEqualTo(2);
    await(store.close());
  }

  // ---------------------------------------------------------------- Kafka interoperability

  @Test
  void aProducedRecordIsStoredTheSameWhetherItsEventHeaderComesFirstOrNot() throws Exception {
    // given: the same records built by Kafka's builder twice, cairn.e first (stored in one copy of each record) and
    // cairn.e after a user header (stored field by field, cairn.e moved first)
    EventStore store = open(1024);
    await(store.createTopic("first", new TopicConfig()));
    await(store.createTopic("second", new TopicConfig()));
    UUID[] ids = {new UUID(1, 1), new UUID(1, 2), new UUID(1, 3)};
    String[] keys = {"a", "b", "a"};

    // when
    for (String topic : List.of("first", "second")) {
      MemoryRecordsBuilder kafka = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2,
          Compression.NONE, TimestampType.CREATE_TIME, 0, RecordBatch.NO_TIMESTAMP, 7L, (short) 0, 0, false,
          RecordBatch.NO_PARTITION_LEADER_EPOCH);
      for (int i = 0; i < keys.length; i++) {
        RecordHeader event = new RecordHeader("cairn.e", ByteBuffer.allocate(32).putLong(0L)
            .putLong(ids[i].getMostSignificantBits()).putLong(ids[i].getLeastSignificantBits())
            .put("Happened".getBytes(UTF_8)).array());
        RecordHeader trace = new RecordHeader("trace", ("t" + i).getBytes(UTF_8));
        org.apache.kafka.common.header.Header[] headers = topic.equals("first")
            ? new org.apache.kafka.common.header.Header[] {event, trace}
            : new org.apache.kafka.common.header.Header[] {trace, event};
        kafka.appendWithOffset(i, 1_700_000_000_000L + 10 - i, keys[i].getBytes(UTF_8), ("v" + i).getBytes(UTF_8),
            headers);
      }
      await(store.produce(topic, 0, kafka.build().buffer()));
    }

    // then: byte for byte the same stored batch, versions per aggregate in cairn.e
    ByteBuffer first = await(store.fetch("first", 0, 0, 1 << 20, 0)).records();
    ByteBuffer second = await(store.fetch("second", 0, 0, 1 << 20, 0)).records();
    assertThat(first).isEqualTo(second);
    List<Long> versions = new ArrayList<>();
    for (Record record : MemoryRecords.readableRecords(first).batches().iterator().next()) {
      versions.add(ByteBuffer.wrap(record.headers()[0].value()).getLong());
    }
    assertThat(versions).containsExactly(1L, 1L, 2L);
    await(store.close());
  }

  @Test
  void aFetchWithBuffersReadsIntoTheCallersBufferAndRefusesOneTooSmall() throws Exception {
    // given: two events, and a caller's buffer that holds old bytes
    EventStore store = open(1024);
    await(store.createTopic("t", new TopicConfig()));
    await(store.append(event("acc-1", 0, "one")));
    await(store.append(event("acc-1", 1, "two")));
    ByteBuffer callers = ByteBuffer.allocate(64 * 1024);
    callers.put(new byte[1000]).limit(2000);
    List<Integer> asked = new ArrayList<>();

    // when
    FetchResult fetched = await(store.fetch("t", 0, 0, 1 << 20, 0, bytes -> {
      asked.add(bytes);
      return callers;
    }));

    // then: the records are a view of the caller's buffer, from its start, and read as without buffers
    FetchResult plain = await(store.fetch("t", 0, 0, 1 << 20, 0));
    assertThat(asked).singleElement().isEqualTo(plain.records().remaining());
    assertThat(fetched.records()).isEqualTo(plain.records());
    callers.put(0, (byte) (callers.get(0) ^ 1));
    assertThat(fetched.records()).as("shares the caller's bytes").isNotEqualTo(plain.records());

    // when: a buffer smaller than the bytes it asked for
    Future<FetchResult> refused = store.fetch("t", 0, 0, 1 << 20, 0, bytes -> ByteBuffer.allocate(bytes - 1));

    // then
    assertThatThrownBy(() -> await(refused)).hasRootCauseInstanceOf(IllegalStateException.class)
        .rootCause().hasMessageContaining("capacity of " + (asked.get(0) - 1));
    await(store.close());
  }

  @Test
  void aBatchBuiltByKafkasRecordBuilderIsProducedAndKafkaReadsTheStoredOne() throws Exception {
    // given: a batch as Kafka's producer builds it (lz4, idempotent, a timestamp per record)
    EventStore store = open(1024);
    await(store.createTopic("t", new TopicConfig()));
    MemoryRecordsBuilder kafka = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2,
        Compression.of(org.apache.kafka.common.record.internal.CompressionType.LZ4).build(), TimestampType.CREATE_TIME,
        0, RecordBatch.NO_TIMESTAMP, 7L, (short) 0, 0, false, RecordBatch.NO_PARTITION_LEADER_EPOCH);
    String[] keys = {"a", "b", "a"};
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      UUID id = UUID.randomUUID();
      ids.add(id);
      org.apache.kafka.common.header.Header[] headers = {
          new RecordHeader("cairn.e", ByteBuffer.allocate(32).putLong(0L).putLong(id.getMostSignificantBits())
              .putLong(id.getLeastSignificantBits()).put("Happened".getBytes(UTF_8)).array()),
          new RecordHeader("trace", ("t" + i).getBytes(UTF_8))};
      kafka.appendWithOffset(i, 1_700_000_000_000L + i, keys[i].getBytes(UTF_8), ("v" + i).getBytes(UTF_8), headers);
    }
    // when
    ProduceResult result = await(store.produce("t", 0, kafka.build().buffer()));
    // then Cairn stamped versions per aggregate and kept the rest
    assertThat(result).isEqualTo(new ProduceResult(0, 0, 2, false));
    StreamSlice a = await(store.readStream("t", "a", 1, 10));
    assertThat(a.events()).extracting(e -> e.version()).containsExactly(1L, 2L);
    assertThat(a.events()).extracting(e -> e.eventId()).containsExactly(ids.get(0), ids.get(2));
    assertThat(a.events()).extracting(e -> e.timestamp()).containsExactly(1_700_000_000_000L, 1_700_000_000_002L);
    assertThat(a.events().get(1).headers()).containsExactly(io.cairn.eventstore.Header.of("trace", "t2"));
    // and Kafka's reader decodes the stored batch, the version in cairn.e, producer fields kept
    ByteBuffer stored = await(store.fetch("t", 0, 0, 1 << 20, 0)).records();
    RecordBatch batch = MemoryRecords.readableRecords(stored).batches().iterator().next();
    assertThat(batch.producerId()).isEqualTo(7L);
    assertThat(batch.baseSequence()).isZero();
    List<Long> versions = new ArrayList<>();
    for (Record record : batch) {
      org.apache.kafka.common.header.Header event = record.headers()[0];
      assertThat(event.key()).isEqualTo("cairn.e");
      assertThat(new String(event.value(), 24, event.value().length - 24, UTF_8)).isEqualTo("Happened");
      versions.add(ByteBuffer.wrap(event.value()).getLong());
    }
    assertThat(versions).containsExactly(1L, 1L, 2L);
    await(store.close());
  }
}
