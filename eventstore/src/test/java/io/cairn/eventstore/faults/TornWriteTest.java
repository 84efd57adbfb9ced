package io.cairn.eventstore.faults;

import static io.cairn.eventstore.contract.StoreTestSupport.appended;
import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.event;
import static io.cairn.eventstore.contract.StoreTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.LogInspector;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.VerifyReport;
import io.cairn.eventstore.internal.log.SegmentFiles;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damage done to a closed store's files, as a crash or a bad disk would leave them. Damage after the
 * recovery point (a torn tail) is truncated away at the next open, keeping every earlier batch;
 * damage before it makes the open fail with a {@link StorageException} naming file and position;
 * missing index files are rebuilt.
 *
 * <p>To put a torn tail after the recovery point, the tests write in two sessions, keep the
 * {@code recovery-point} file of the first, and put it back after the second: that is the state a
 * crash leaves when the second session's batches reached the file but the checkpoint did not.
 */
class TornWriteTest {

  private static final String TOPIC = "torn";
  private static final long SEED = 0x70E2_0001L;

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private EventStore store;
  /** Every event written so far, in offset order (one partition). */
  private final List<StoredEvent> written = new ArrayList<>();
  private final Map<String, Long> versions = new HashMap<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    try {
      if (store != null) {
        store.close().toCompletionStage().toCompletableFuture().join();
      }
    } finally {
      await(vertx.close());
    }
  }

  private EventStore open() {
    return open(new StoreOptions().setDataDir(dataDir));
  }

  private EventStore open(StoreOptions options) {
    store = await(EventStores.openLocal(vertx, options));
    return store;
  }

  private void close() {
    await(store.close());
    store = null;
  }

  /** One session: opens, appends {@code batches} batches round-robin over three aggregates, closes. */
  private void session(int batches, int firstBatch) {
    open();
    for (int b = firstBatch; b < firstBatch + batches; b++) {
      String aggregate = "agg-" + (b % 3);
      long version = versions.getOrDefault(aggregate, 0L);
      int count = 1 + b % 3;
      List<EventData> events = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        events.add(event("E", aggregate + "@" + (version + i + 1) + " " + "p".repeat(40 + b)));
      }
      versions.put(aggregate, appended(await(store.append(AppendRequest.of(TOPIC, aggregate,
          ExpectedVersion.exactly(version), events)))).newVersion());
    }
    written.clear();
    written.addAll(readAll(store, TOPIC, 0));
    close();
  }

  /** Two sessions; returns the first session's recovery-point file content. */
  private byte[] writeTwoSessions(TopicConfig config) {
    open();
    await(store.createTopic(TOPIC, config));
    close();
    session(6, 0);
    byte[] firstRecoveryPoint = LogFiles.readAllBytes(LogFiles.recoveryPointFile(partitionDir()));
    session(5, 6);
    return firstRecoveryPoint;
  }

  /** Puts back the first session's recovery point and removes the marker: a crash in session two. */
  private void crashAfterSecondSession(byte[] firstRecoveryPoint) {
    LogFiles.write(LogFiles.recoveryPointFile(partitionDir()), firstRecoveryPoint);
    LogFiles.deleteCleanShutdownMarker(partitionDir());
  }

  private Path partitionDir() {
    return LogFiles.partitionDir(dataDir, TOPIC, 0);
  }

  private static List<UUID> ids(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::eventId).collect(Collectors.toList());
  }

  /** The store holds exactly the events written below {@code endOffset}, with a consistent stream index. */
  private void assertRecoveredPrefix(long endOffset) {
    List<StoredEvent> expected = written.subList(0, (int) endOffset);
    List<StoredEvent> actual = readAll(store, TOPIC, 0);
    assertThat(ids(actual)).isEqualTo(ids(expected));
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i).payload()).isEqualTo(expected.get(i).payload());
      assertThat(actual.get(i).version()).isEqualTo(expected.get(i).version());
    }
    assertThat(await(store.describeTopic(TOPIC)).partitions().get(0).logEndOffset()).isEqualTo(endOffset);
    for (String aggregate : versions.keySet()) {
      List<StoredEvent> ofAggregate = expected.stream().filter(e -> e.aggregateId().equals(aggregate))
          .collect(Collectors.toList());
      assertThat(await(store.streamVersion(TOPIC, aggregate))).as("version of %s", aggregate)
          .isEqualTo((long) ofAggregate.size());
      assertThat(ids(await(store.readStream(TOPIC, aggregate, 1, 1000)).events())).as("stream %s", aggregate)
          .isEqualTo(ids(ofAggregate));
    }
    String aggregate = "agg-0";
    long version = await(store.streamVersion(TOPIC, aggregate));
    assertThat(appended(await(store.append(AppendRequest.of(TOPIC, aggregate, ExpectedVersion.exactly(version),
        List.of(event("E", "after recovery")))))).firstOffset())
        .as("appends continue right after the recovered end").isEqualTo(endOffset);
  }

  private void assertInspectorFindsNoProblem() {
    close();
    VerifyReport report = LogInspector.verify(dataDir);
    assertThat(report.ok()).as("LogInspector after recovery: %s", report).isTrue();
  }

  @Test
  void lastBatchCutInHalfIsTruncatedToTheLastValidBatch() {
    // given
    byte[] firstRecoveryPoint = writeTwoSessions(new TopicConfig());
    Path log = LogFiles.activeSegment(partitionDir());
    List<LogFiles.Batch> batches = LogFiles.batches(log);
    LogFiles.Batch last = batches.get(batches.size() - 1);
    crashAfterSecondSession(firstRecoveryPoint);

    // when
    LogFiles.truncate(log, last.position() + last.sizeBytes() / 2);
    open();

    // then
    assertRecoveredPrefix(last.baseOffset());
    assertInspectorFindsNoProblem();
  }

  @Test
  void flippedByteInTheTailTruncatesFromTheDamagedBatch() {
    // given
    byte[] firstRecoveryPoint = writeTwoSessions(new TopicConfig());
    Path log = LogFiles.activeSegment(partitionDir());
    List<LogFiles.Batch> batches = LogFiles.batches(log);
    LogFiles.Batch damaged = batches.get(batches.size() - 2);
    crashAfterSecondSession(firstRecoveryPoint);

    // when: a payload byte of the last-but-one batch flips
    LogFiles.flipByte(log, damaged.endPosition() - 3);
    open();

    // then
    assertRecoveredPrefix(damaged.baseOffset());
    assertInspectorFindsNoProblem();
  }

  @Test
  void garbageAfterTheLastBatchIsCutOff() {
    // given
    byte[] firstRecoveryPoint = writeTwoSessions(new TopicConfig());
    Path log = LogFiles.activeSegment(partitionDir());
    long sizeBefore = log.toFile().length();
    crashAfterSecondSession(firstRecoveryPoint);
    byte[] garbage = new byte[333];
    new Random(SEED).nextBytes(garbage);

    // when
    LogFiles.append(log, garbage);
    open();

    // then
    assertRecoveredPrefix(written.size());
    assertInspectorFindsNoProblem();
    assertThat(log.toFile().length()).as("garbage is gone, the one new batch follows")
        .isGreaterThan(sizeBefore).isLessThan(sizeBefore + garbage.length);
  }

  @Test
  void garbageThatLooksLikeABatchHeaderIsCutOff() {
    // given: a plausible header (next offset, magic 2, a length running past the end) and zeros
    byte[] firstRecoveryPoint = writeTwoSessions(new TopicConfig());
    Path log = LogFiles.activeSegment(partitionDir());
    crashAfterSecondSession(firstRecoveryPoint);
    ByteBuffer fake = ByteBuffer.allocate(200);
    fake.putLong(0, written.size());
    fake.putInt(8, 1_000_000);
    fake.put(16, (byte) 2);

    // when
    LogFiles.append(log, fake.array());
    open();

    // then
    assertRecoveredPrefix(written.size());
    assertInspectorFindsNoProblem();
  }

  @Test
  void damageBeforeTheRecoveryPointRefusesToOpenNamingFileAndPosition() {
    // given
    writeTwoSessions(new TopicConfig());
    Path log = LogFiles.activeSegment(partitionDir());
    LogFiles.Batch damaged = LogFiles.batches(log).get(3);
    LogFiles.deleteCleanShutdownMarker(partitionDir());
    LogFiles.flipByte(log, damaged.endPosition() - 2);
    Map<Path, ByteBuffer> before = LogFiles.snapshot(dataDir);

    // when
    Throwable failure = EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir))
        .toCompletionStage().toCompletableFuture().handle((s, e) -> {
          if (s != null) {
            store = s;
          }
          return e;
        }).join();

    // then
    assertThat(store).as("the store must refuse to open").isNull();
    while (failure.getCause() != null && !(failure instanceof StorageException)) {
      failure = failure.getCause();
    }
    assertThat(failure).isInstanceOf(StorageException.class);
    assertThat(failure.getMessage()).contains(log.getFileName().toString())
        .contains(Integer.toString(damaged.position()));
    assertThat(LogFiles.snapshot(dataDir)).as("no file is modified").isEqualTo(before);
  }

  @Test
  void logCutBelowTheRecoveryPointRefusesToOpen() {
    // given: acknowledged, fsynced and checkpointed batches disappear from the end of the file
    writeTwoSessions(new TopicConfig());
    Path log = LogFiles.activeSegment(partitionDir());
    List<LogFiles.Batch> batches = LogFiles.batches(log);
    LogFiles.deleteCleanShutdownMarker(partitionDir());
    LogFiles.truncate(log, batches.get(batches.size() - 2).position());
    Map<Path, ByteBuffer> before = LogFiles.snapshot(dataDir);

    // when
    Throwable failure = EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir))
        .toCompletionStage().toCompletableFuture().handle((s, e) -> {
          if (s != null) {
            store = s;
          }
          return e;
        }).join();

    // then
    assertThat(store).as("data below the recovery point is missing: the store must refuse to open").isNull();
    while (failure.getCause() != null && !(failure instanceof StorageException)) {
      failure = failure.getCause();
    }
    assertThat(failure).isInstanceOf(StorageException.class);
    assertThat(failure.getMessage()).contains(log.getFileName().toString());
    assertThat(LogFiles.snapshot(dataDir)).as("no file is modified").isEqualTo(before);
  }

  @Test
  void deletedOffsetAndTimeIndexFilesAreRebuilt() {
    // given: many small segments with dense index entries
    writeTwoSessions(new TopicConfig().setSegmentBytes(1024).setIndexIntervalBytes(64));
    Path dir = partitionDir();
    assertThat(LogFiles.segmentLogs(dir)).hasSizeGreaterThan(2);
    List<Path> indexes = new ArrayList<>(LogFiles.filesEndingWith(dir, SegmentFiles.OFFSET_INDEX_SUFFIX));
    indexes.addAll(LogFiles.filesEndingWith(dir, SegmentFiles.TIME_INDEX_SUFFIX));
    assertThat(indexes).isNotEmpty();

    // when
    for (Path index : indexes) {
      assertThat(index.toFile().delete()).as("deleted %s", index).isTrue();
    }
    open();

    // then
    for (StoredEvent expected : written) {
      ReadResult read = await(store.read(TOPIC, 0, expected.offset(), 1));
      assertThat(read.events()).as("read at offset %d", expected.offset()).isNotEmpty();
      assertThat(read.events().get(0).eventId()).as("first event read at offset %d", expected.offset())
          .isEqualTo(expected.eventId());
      long firstAtOrAfter = written.stream().filter(e -> e.timestamp() >= expected.timestamp())
          .mapToLong(StoredEvent::offset).min().orElseThrow();
      assertThat(await(store.offsetForTimestamp(TOPIC, 0, expected.timestamp())))
          .as("offset for timestamp of offset %d", expected.offset()).isEqualTo(firstAtOrAfter);
    }
    assertRecoveredPrefix(written.size());
    assertInspectorFindsNoProblem();
    assertThat(LogFiles.filesEndingWith(dir, SegmentFiles.OFFSET_INDEX_SUFFIX)).as("rebuilt offset indexes")
        .isNotEmpty();
  }

  @Test
  void garbageIndexFilesAreRebuiltAfterACrash() {
    // given
    writeTwoSessions(new TopicConfig().setSegmentBytes(1024).setIndexIntervalBytes(64));
    Path dir = partitionDir();
    byte[] garbage = new byte[24];
    Arrays.fill(garbage, (byte) 0x7f);
    for (Path index : LogFiles.filesEndingWith(dir, SegmentFiles.OFFSET_INDEX_SUFFIX)) {
      LogFiles.write(index, garbage);
    }
    for (Path index : LogFiles.filesEndingWith(dir, SegmentFiles.TIME_INDEX_SUFFIX)) {
      LogFiles.write(index, garbage);
    }
    LogFiles.deleteCleanShutdownMarker(dir);

    // when
    open();

    // then
    for (StoredEvent expected : written) {
      ReadResult read = await(store.read(TOPIC, 0, expected.offset(), 1));
      assertThat(read.events().get(0).offset()).as("read at offset %d", expected.offset())
          .isEqualTo(expected.offset());
    }
    assertRecoveredPrefix(written.size());
    assertInspectorFindsNoProblem();
  }

  @Test
  void deletedStreamIndexFilesAreRebuiltFromTheLog() {
    // given: a tiny memtable, so the stream index writes its sorted files
    open(new StoreOptions().setDataDir(dataDir).setStreamIndexMemtableEntries(16));
    await(store.createTopic(TOPIC, new TopicConfig().setSegmentBytes(2048)));
    Random random = new Random(SEED);
    for (int i = 0; i < 120; i++) {
      String aggregate = "agg-" + random.nextInt(7);
      long version = versions.getOrDefault(aggregate, 0L);
      versions.put(aggregate, appended(await(store.append(AppendRequest.of(TOPIC, aggregate,
          ExpectedVersion.exactly(version), List.of(event("E", aggregate + "@" + (version + 1))))))).newVersion());
    }
    written.addAll(readAll(store, TOPIC, 0));
    close();
    List<Path> streamFiles = LogFiles.filesEndingWith(partitionDir(), ".streams");

    // when
    for (Path file : streamFiles) {
      file.toFile().delete();
    }
    open(new StoreOptions().setDataDir(dataDir).setStreamIndexMemtableEntries(16));

    // then
    assertThat(streamFiles).as("the stream index wrote files to delete").isNotEmpty();
    assertRecoveredPrefix(written.size());
    assertThat(Files.exists(partitionDir())).isTrue();
  }

  @Test
  void missingRecoveryPointRecoversByScanningTheWholeLog() {
    // given
    writeTwoSessions(new TopicConfig().setSegmentBytes(1024));
    Path log = LogFiles.activeSegment(partitionDir());
    List<LogFiles.Batch> batches = LogFiles.batches(log);
    LogFiles.Batch last = batches.get(batches.size() - 1);
    LogFiles.deleteCleanShutdownMarker(partitionDir());
    assertThat(LogFiles.recoveryPointFile(partitionDir()).toFile().delete()).isTrue();

    // when
    LogFiles.truncate(log, last.position() + last.sizeBytes() / 3);
    open();

    // then
    assertRecoveredPrefix(last.baseOffset());
    assertInspectorFindsNoProblem();
  }

  @Test
  void producerStateForgetsBatchesThatRecoveryTruncated() {
    // given: one producer appends in both sessions; the second session's last batch is torn
    open();
    await(store.createTopic(TOPIC, new TopicConfig()));
    AppendRequest first = new AppendRequest(TOPIC, "p", ExpectedVersion.NO_STREAM,
        List.of(event("E", "first")), new ProducerInfo(900, (short) 0, 0));
    AppendResult.Appended firstResult = appended(await(store.append(first)));
    close();
    byte[] firstRecoveryPoint = LogFiles.readAllBytes(LogFiles.recoveryPointFile(partitionDir()));
    open();
    AppendRequest second = new AppendRequest(TOPIC, "p", ExpectedVersion.exactly(1),
        List.of(event("E", "second"), event("E", "second too")), new ProducerInfo(900, (short) 0, 1));
    AppendResult.Appended secondResult = appended(await(store.append(second)));
    close();
    Path log = LogFiles.activeSegment(partitionDir());
    LogFiles.Batch last = LogFiles.batches(log).get(1);
    assertThat(last.baseOffset()).isEqualTo(secondResult.firstOffset());
    crashAfterSecondSession(firstRecoveryPoint);
    LogFiles.truncate(log, last.position() + last.sizeBytes() - 1);

    // when: the producer retries both batches
    open();
    AppendResult firstRetry = await(store.append(first));
    AppendResult secondRetry = await(store.append(second));

    // then: the first is a duplicate, the lost second is stored anew (never "already stored")
    assertThat(appended(firstRetry)).isEqualTo(new AppendResult.Appended(0, firstResult.firstOffset(),
        firstResult.lastOffset(), 1, 1, true));
    assertThat(appended(secondRetry)).isEqualTo(new AppendResult.Appended(0, 1, 2, 2, 3, false));
    assertThat(readAll(store, TOPIC, 0)).extracting(StoredEvent::eventId).containsExactly(
        first.events().get(0).eventId(), second.events().get(0).eventId(), second.events().get(1).eventId());
    assertInspectorFindsNoProblem();
  }

  @Test
  void eventIdRetryOfATruncatedBatchIsStoredAnew() {
    // given
    byte[] firstRecoveryPoint = writeTwoSessions(new TopicConfig());
    Path log = LogFiles.activeSegment(partitionDir());
    List<LogFiles.Batch> batches = LogFiles.batches(log);
    LogFiles.Batch last = batches.get(batches.size() - 1);
    List<StoredEvent> lost = written.subList((int) last.baseOffset(), written.size());
    String aggregate = lost.get(0).aggregateId();
    long expectedVersion = lost.get(0).version() - 1;
    crashAfterSecondSession(firstRecoveryPoint);
    LogFiles.truncate(log, last.position() + 1);
    open();
    List<EventData> retried = lost.stream()
        .map(e -> new EventData(e.eventId(), e.type(), e.payload(), e.headers())).collect(Collectors.toList());

    // when
    AppendResult retry = await(store.append(AppendRequest.of(TOPIC, aggregate,
        ExpectedVersion.exactly(expectedVersion), retried)));

    // then
    assertThat(appended(retry).duplicate()).as("the batch was lost, so the retry is new").isFalse();
    assertThat(appended(retry).firstOffset()).isEqualTo(last.baseOffset());
    assertThat(ids(readAll(store, TOPIC, 0))).isEqualTo(ids(written));
  }

  /** Where a byte of a {@code .streams} file is flipped: its header, its entry blocks, or its tail (bloom, CRCs). */
  enum StreamFileRegion {
    HEADER, ENTRIES, TAIL;

    long position(long fileBytes) {
      switch (this) {
        case HEADER:
          return 9;
        case ENTRIES:
          return fileBytes / 2;
        default:
          return fileBytes - 9;
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StreamFileRegion.class)
  void corruptStreamIndexFileIsDetectedAndRebuilt(StreamFileRegion region) {
    // given: a clean shutdown wrote the stream index files
    writeTwoSessions(new TopicConfig());
    List<Path> streamFiles = LogFiles.filesEndingWith(partitionDir(), ".streams");
    assertThat(streamFiles).as("stream index files after a clean close").isNotEmpty();

    // when
    for (Path file : streamFiles) {
      LogFiles.flipByte(file, region.position(file.toFile().length()));
    }
    open();

    // then
    assertRecoveredPrefix(written.size());
  }

  @Test
  void truncatedStreamIndexFileIsDetectedAndRebuilt() {
    // given
    writeTwoSessions(new TopicConfig());
    List<Path> streamFiles = LogFiles.filesEndingWith(partitionDir(), ".streams");
    assertThat(streamFiles).isNotEmpty();

    // when
    for (Path file : streamFiles) {
      LogFiles.truncate(file, file.toFile().length() - 5);
    }
    open();

    // then
    assertRecoveredPrefix(written.size());
  }
}
