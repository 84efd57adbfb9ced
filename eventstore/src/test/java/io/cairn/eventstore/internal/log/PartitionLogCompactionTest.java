package io.cairn.eventstore.internal.log;

import static io.cairn.eventstore.internal.log.CompactionTestSupport.Rec;
import static io.cairn.eventstore.internal.log.CompactionTestSupport.append;
import static io.cairn.eventstore.internal.log.CompactionTestSupport.compact;
import static io.cairn.eventstore.internal.log.CompactionTestSupport.compactConfig;
import static io.cairn.eventstore.internal.log.CompactionTestSupport.lastPerKey;
import static io.cairn.eventstore.internal.log.CompactionTestSupport.readAll;
import static io.cairn.eventstore.internal.log.CompactionTestSupport.writeTopicMeta;
import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.VerifyReport;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Compaction of closed segments: semantics, the swap protocol and crash safety, gaps, Kafka as oracle. */
class PartitionLogCompactionTest {

  private static final String TOPIC = "snap";
  private static final long SEED = 42_4242L;
  private static final long DAY_MS = 24L * 60 * 60 * 1000;

  @TempDir
  Path dataDir;

  private final RecordBatchBuilder builder = new RecordBatchBuilder();
  private final List<PartitionLog> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (PartitionLog log : opened) {
      log.close();
    }
    builder.close();
  }

  private Path dir() {
    return dataDir.resolve(TOPIC + "-0");
  }

  private PartitionLog open(TopicConfig config) {
    PartitionLog log = PartitionLog.open(dir(), config, StorageIo.DEFAULT, () -> START_MS);
    opened.add(log);
    return log;
  }

  /** Writes {@code rounds} rounds of one single-record batch per key k0..k{keys-1}; returns what was written. */
  private List<Rec> writeRounds(PartitionLog log, int keys, int rounds, Random random) {
    List<Rec> written = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < keys; k++) {
        String key = "k" + random.nextInt(keys);
        written.add(append(log, builder, START_MS + written.size(), key, "v" + written.size() + "-" + round));
      }
    }
    return written;
  }

  /** What compaction must leave with the whole log mapped and no tombstones: latest per key below the active base. */
  private static List<Rec> expectedAfterCompaction(List<Rec> written, long activeBaseOffset) {
    Map<String, Rec> last = lastPerKey(written);
    return written.stream()
        .filter(r -> r.offset() >= activeBaseOffset || r.key() == null || last.get(r.key()).offset() == r.offset())
        .toList();
  }

  private long activeBase(PartitionLog log) {
    long[] bases = log.segmentBaseOffsets();
    return bases[bases.length - 1];
  }

  @Test
  void onlyTheLatestRecordPerKeySurvivesInClosedSegmentsAndOffsetsAreUnchanged() {
    // given
    PartitionLog log = open(compactConfig(1024));
    List<Rec> written = writeRounds(log, 10, 20, new Random(SEED));
    long activeBase = activeBase(log);
    long sizeBefore = log.sizeInBytes();
    assertThat(log.segmentCount()).isGreaterThan(3);

    // when
    CompactionResult result = compact(log, START_MS, DAY_MS).orElseThrow();

    // then
    assertThat(result.installed()).isTrue();
    assertThat(result.lowestRewrittenBaseOffset()).hasValue(0);
    assertThat(result.bytesReclaimed()).isEqualTo(sizeBefore - log.sizeInBytes()).isPositive();
    List<Rec> visible = readAll(log);
    assertThat(visible).as("seed %d", SEED).containsExactlyElementsOf(expectedAfterCompaction(written, activeBase));
    assertThat(lastPerKey(visible)).isEqualTo(lastPerKey(written));
    assertThat(log.logEndOffset()).isEqualTo(written.size());
  }

  @Test
  void aBatchKeepingSomeRecordsKeepsItsBaseOffsetLastOffsetAndProducerFields() {
    // given: one batch k1, k2, k1, k1 with a producer, then a roll
    PartitionLog log = open(compactConfig(1024));
    builder.reset(0, 7, CompressionType.NONE, 1234L, (short) 3, 10, START_MS);
    String[] keys = {"k1", "k2", "k1", "k1"};
    for (int i = 0; i < keys.length; i++) {
      builder.addRecord(START_MS + i, keys[i].getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8),
          List.of());
    }
    log.append(builder.build());
    forceRoll(log);

    // when
    compact(log, START_MS, DAY_MS).orElseThrow();

    // then: records 1 (k2) and 3 (k1) remain in one batch with the original header fields
    ByteBuffer batch = log.readBatches(0, 1, Long.MAX_VALUE);
    assertThat(BatchHeader.baseOffset(batch, 0)).isEqualTo(0);
    assertThat(BatchHeader.lastOffset(batch, 0)).isEqualTo(3);
    assertThat(BatchHeader.recordsCount(batch, 0)).isEqualTo(2);
    assertThat(BatchHeader.producerId(batch, 0)).isEqualTo(1234L);
    assertThat(BatchHeader.producerEpoch(batch, 0)).isEqualTo((short) 3);
    assertThat(BatchHeader.baseSequence(batch, 0)).isEqualTo(10);
    assertThat(BatchHeader.partitionLeaderEpoch(batch, 0)).isEqualTo(7);
    assertThat(BatchHeader.maxTimestamp(batch, 0)).isEqualTo(START_MS + 3);
    assertThat(readAll(log)).extracting(Rec::offset).startsWith(1L, 3L);
  }

  /** Rolls the active segment by appending a batch with a record that is larger than the segment. */
  private void forceRoll(PartitionLog log) {
    int before = log.segmentCount();
    while (log.segmentCount() == before) {
      append(log, builder, START_MS, null, "x".repeat(600));
    }
  }

  @Test
  void recordsWithANullKeyAreKept() {
    // given
    PartitionLog log = open(compactConfig(1024));
    List<Rec> written = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      written.add(append(log, builder, START_MS, i % 2 == 0 ? null : "k", "v" + i));
    }
    long activeBase = activeBase(log);

    // when
    compact(log, START_MS, DAY_MS).orElseThrow();

    // then
    List<Rec> visible = readAll(log);
    assertThat(visible.stream().filter(r -> r.key() == null).toList())
        .containsExactlyElementsOf(written.stream().filter(r -> r.key() == null).toList());
    assertThat(visible).containsExactlyElementsOf(expectedAfterCompaction(written, activeBase));
  }

  @Test
  void aTombstoneIsKeptUntilDeleteRetentionPassedThenRemovedWithItsKey() {
    // given: k=v1, k=tombstone at START_MS, then other keys filling segments
    PartitionLog log = open(compactConfig(1024));
    append(log, builder, START_MS, "k", "v1");
    Rec tombstone = append(log, builder, START_MS, "k", null);
    for (int i = 0; i < 30; i++) {
      append(log, builder, START_MS, "other" + i, "x");
    }
    assertThat(activeBase(log)).isGreaterThan(tombstone.offset());

    // when: compacted before the retention passed
    compact(log, START_MS + DAY_MS - 1, DAY_MS).orElseThrow();

    // then: the tombstone stays, the old value is gone
    assertThat(readAll(log).stream().filter(r -> "k".equals(r.key())).toList()).containsExactly(tombstone);
    assertThat(log.prepareCompaction(START_MS + DAY_MS, DAY_MS)).as("nothing expired yet at exactly the horizon")
        .isEmpty();

    // when: compacted after the retention passed
    CompactionResult later = compact(log, START_MS + DAY_MS + 1, DAY_MS).orElseThrow();

    // then
    assertThat(later.recordsRemoved()).isEqualTo(1);
    assertThat(readAll(log).stream().filter(r -> "k".equals(r.key())).toList()).isEmpty();
  }

  @Test
  void theActiveSegmentIsNeverTouched() throws IOException {
    // given
    PartitionLog log = open(compactConfig(1024));
    writeRounds(log, 5, 20, new Random(SEED));
    long activeBase = activeBase(log);
    byte[] activeBytes = Files.readAllBytes(SegmentFiles.logFile(dir(), activeBase));

    // when
    compact(log, START_MS, DAY_MS).orElseThrow();

    // then
    assertThat(Files.readAllBytes(SegmentFiles.logFile(dir(), activeBase))).isEqualTo(activeBytes);
    assertThat(activeBase(log)).isEqualTo(activeBase);
  }

  @Test
  void compactionIsIdempotent() {
    // given: a compacted log
    PartitionLog log = open(compactConfig(1024));
    writeRounds(log, 8, 20, new Random(SEED));
    compact(log, START_MS, DAY_MS).orElseThrow();
    List<Rec> once = readAll(log);
    Map<String, String> files = LogTestSupport.fingerprint(dir());

    // when: nothing new was closed, so there is nothing to plan
    Optional<CompactionJob> none = log.prepareCompaction(START_MS, DAY_MS);

    // then
    assertThat(none).isEmpty();
    assertThat(LogTestSupport.fingerprint(dir())).isEqualTo(files);
    assertThat(readAll(log)).isEqualTo(once);
  }

  @Test
  void aSecondJobOverAlreadyCleanSegmentsRewritesNothingMore() {
    // given: a compacted log, then only new null-key data rolling a segment (nothing superseded)
    PartitionLog log = open(compactConfig(1024));
    writeRounds(log, 8, 20, new Random(SEED));
    compact(log, START_MS, DAY_MS).orElseThrow();
    List<Rec> once = readAll(log);
    forceRoll(log);

    // when
    CompactionResult second = compact(log, START_MS, DAY_MS).orElseThrow();

    // then
    assertThat(second.installed()).isTrue();
    assertThat(second.rewrittenBaseOffsets()).isEmpty();
    assertThat(readAll(log)).startsWith(once.toArray(new Rec[0]));
  }

  @Test
  void appendsContinueWhileAJobRunsAndTheInstallKeepsThem() throws Exception {
    // given
    PartitionLog log = open(compactConfig(1024));
    Random random = new Random(SEED);
    List<Rec> written = new ArrayList<>(writeRounds(log, 10, 20, random));
    CompactionJob job = log.prepareCompaction(START_MS, DAY_MS).orElseThrow();
    long plannedActiveBase = activeBase(log);

    // when: the job runs on another thread while this (owner) thread appends and rolls
    AtomicReference<Throwable> crashed = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        job.run();
      } catch (Throwable t) {
        crashed.set(t);
      }
    }, "compaction-worker");
    worker.start();
    written.addAll(writeRounds(log, 10, 10, random));
    worker.join();
    written.addAll(writeRounds(log, 10, 2, random));
    CompactionResult result = log.installCompaction(job);

    // then
    assertThat(crashed.get()).isNull();
    assertThat(job.failure()).isEmpty();
    assertThat(result.installed()).isTrue();
    List<Rec> visible = readAll(log);
    assertThat(lastPerKey(visible)).isEqualTo(lastPerKey(written));
    assertThat(visible.stream().filter(r -> r.offset() >= plannedActiveBase).toList())
        .containsExactlyElementsOf(written.stream().filter(r -> r.offset() >= plannedActiveBase).toList());
    assertThat(log.logEndOffset()).isEqualTo(written.size());
  }

  @Test
  void aReaderHoldingAnOldSegmentKeepsReadingItsOldBytes() throws IOException {
    // given: a reader's segment taken before the install
    PartitionLog log = open(compactConfig(1024));
    writeRounds(log, 4, 20, new Random(SEED));
    CompactionJob job = log.prepareCompaction(START_MS, DAY_MS).orElseThrow();
    job.run();
    ByteBuffer before = log.readBatches(0, 100_000, Long.MAX_VALUE);

    // when
    log.installCompaction(job);

    // then: the old bytes were fine, and new reads see the cleaned segment
    assertThat(LogTestSupport.baseOffsets(before)).isNotEmpty();
    assertThat(log.readBatches(0, 100_000, Long.MAX_VALUE).remaining()).isLessThan(before.remaining());
  }

  @Test
  void aFailedJobIsNotInstalledAndLeavesNoFiles() throws IOException {
    // given: a map too small for the keys of one segment
    PartitionLog log = open(compactConfig(64 * 1024));
    log.setCompactionMapBytes(2L * 1024 * KeyOffsetMap.SLOT_BYTES);
    for (int i = 0; i < 2000; i++) {
      append(log, builder, START_MS, "key-" + i, "v");
    }
    forceRollBig(log);
    List<Rec> before = readAll(log);

    // when
    CompactionResult result = compact(log, START_MS, DAY_MS).orElseThrow();

    // then
    assertThat(result.installed()).isFalse();
    assertThat(result.problem()).hasValueSatisfying(p -> assertThat(p).contains("cannot hold the keys"));
    assertThat(readAll(log)).isEqualTo(before);
    try (Stream<Path> files = Files.list(dir())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains(SegmentFiles.CLEANED_SUFFIX) || n.contains(SegmentFiles.SWAP_SUFFIX));
    }
  }

  private void forceRollBig(PartitionLog log) {
    int before = log.segmentCount();
    while (log.segmentCount() == before) {
      append(log, builder, START_MS, null, "x".repeat(30_000));
    }
  }

  @Test
  void aSmallKeyMapCompactsTheOldestSegmentsFirstAndLaterJobsFinish() {
    // given: ~1200 distinct keys over many segments, a map of at most ~700 keys
    PartitionLog log = open(compactConfig(8 * 1024));
    log.setCompactionMapBytes(2L * 1024 * KeyOffsetMap.SLOT_BYTES);
    Random random = new Random(SEED);
    List<Rec> written = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      written.add(append(log, builder, START_MS, "key-" + random.nextInt(1200), "v" + i));
    }
    long activeBase = activeBase(log);

    // when: jobs run until none is planned
    List<CompactionResult> results = new ArrayList<>();
    for (Optional<CompactionResult> r = compact(log, START_MS, DAY_MS); r.isPresent();
         r = compact(log, START_MS, DAY_MS)) {
      results.add(r.get());
      assertThat(r.get().installed()).as("job %d: %s", results.size(), r.get()).isTrue();
      assertThat(lastPerKey(readAll(log))).isEqualTo(lastPerKey(written));
    }

    // then: more than one job was needed, and now every closed segment is clean
    assertThat(results.size()).isGreaterThan(1);
    assertThat(results.get(results.size() - 1).cleanedUpToOffset()).isEqualTo(activeBase);
    List<Rec> visible = readAll(log);
    assertThat(visible.stream().filter(r -> r.offset() < activeBase).map(Rec::key).distinct().count())
        .isEqualTo(visible.stream().filter(r -> r.offset() < activeBase).count());
  }

  // ---------------------------------------------------------------- crash safety of the swap

  private enum CrashPoint { AFTER_RUN, PHASE1_PARTIAL, PHASE1_DONE, PHASE2_PARTIAL, PHASE2_LOG_ONLY }

  @ParameterizedTest
  @EnumSource(CrashPoint.class)
  void aCrashAtAnyStepOfTheSwapRecoversToTheOldOrTheNewLogNeverAMix(CrashPoint crashPoint) throws IOException {
    // given: a job that ran, not installed; the log is closed and the files are left as a crash would
    writeTopicMeta(dataDir, TOPIC, CleanupPolicy.COMPACT);
    PartitionLog log = open(compactConfig(1024));
    List<Rec> written = writeRounds(log, 6, 20, new Random(SEED));
    long activeBase = activeBase(log);
    CompactionJob job = log.prepareCompaction(START_MS, DAY_MS).orElseThrow();
    job.run();
    List<Long> cleanedBases = job.cleaned().stream().map(CompactionJob.Cleaned::baseOffset).toList();
    assertThat(cleanedBases.size()).isGreaterThan(1);
    log.close();
    opened.clear();
    simulateSwapUpTo(crashPoint, cleanedBases);

    // when
    PartitionLog reopened = open(compactConfig(1024));

    // then
    List<Rec> visible = readAll(reopened);
    boolean rolledForward = crashPoint != CrashPoint.AFTER_RUN && crashPoint != CrashPoint.PHASE1_PARTIAL;
    assertThat(visible).as("crash %s", crashPoint)
        .containsExactlyElementsOf(rolledForward ? expectedAfterCompaction(written, activeBase) : written);
    try (Stream<Path> files = Files.list(dir())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains(SegmentFiles.CLEANED_SUFFIX) || n.contains(SegmentFiles.SWAP_SUFFIX));
    }
    reopened.close();
    opened.clear();
    VerifyReport report = LogVerifier.verify(dataDir);
    assertThat(report.problems()).as("crash %s: %s", crashPoint, report).isEmpty();
    // and: the reopened log compacts (again) to the compacted state
    PartitionLog again = open(compactConfig(1024));
    compact(again, START_MS, DAY_MS);
    assertThat(readAll(again)).containsExactlyElementsOf(expectedAfterCompaction(written, activeBase));
  }

  private void simulateSwapUpTo(CrashPoint crashPoint, List<Long> bases) throws IOException {
    if (crashPoint == CrashPoint.AFTER_RUN) {
      return;
    }
    int phase1Segments = crashPoint == CrashPoint.PHASE1_PARTIAL ? 1 : bases.size();
    for (int i = 0; i < phase1Segments; i++) {
      for (Path file : files(bases.get(i))) {
        rename(file, SegmentFiles.CLEANED_SUFFIX, SegmentFiles.SWAP_SUFFIX);
      }
    }
    if (crashPoint == CrashPoint.PHASE2_PARTIAL) {
      for (Path file : List.of(SegmentFiles.logFile(dir(), bases.get(0)), SegmentFiles.timeIndexFile(dir(), bases.get(0)),
          SegmentFiles.offsetIndexFile(dir(), bases.get(0)))) {
        rename(file, SegmentFiles.SWAP_SUFFIX, "");
      }
    }
    if (crashPoint == CrashPoint.PHASE2_LOG_ONLY) {
      rename(SegmentFiles.logFile(dir(), bases.get(0)), SegmentFiles.SWAP_SUFFIX, "");
    }
  }

  private List<Path> files(long base) {
    return List.of(SegmentFiles.offsetIndexFile(dir(), base), SegmentFiles.timeIndexFile(dir(), base),
        SegmentFiles.logFile(dir(), base));
  }

  private static void rename(Path file, String fromSuffix, String toSuffix) throws IOException {
    Files.move(SegmentFiles.withSuffix(file, fromSuffix), SegmentFiles.withSuffix(file, toSuffix),
        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  // ---------------------------------------------------------------- gaps: recovery and verify

  @Test
  void recoveryAfterACrashAcceptsTheGapsOfACompactedLog() throws IOException {
    // given: a compacted log whose recovery point and clean-shutdown marker are gone (full scan)
    writeTopicMeta(dataDir, TOPIC, CleanupPolicy.COMPACT);
    PartitionLog log = open(compactConfig(1024));
    writeRounds(log, 6, 20, new Random(SEED));
    compact(log, START_MS, DAY_MS).orElseThrow();
    List<Rec> compacted = readAll(log);
    long end = log.logEndOffset();
    log.close();
    opened.clear();
    Files.delete(dir().resolve(SegmentFiles.CLEAN_SHUTDOWN_FILE));
    Files.delete(dir().resolve(SegmentFiles.RECOVERY_POINT_FILE));

    // when
    PartitionLog reopened = open(compactConfig(1024));

    // then
    assertThat(reopened.recoveryReport().clean()).isFalse();
    assertThat(reopened.recoveryReport().bytesTruncated()).isZero();
    assertThat(reopened.logEndOffset()).isEqualTo(end);
    assertThat(readAll(reopened)).isEqualTo(compacted);
    assertThat(LogVerifier.verify(dataDir).problems()).isEmpty();
  }

  @Test
  void aGapIsATornTailInADeletePolicyTopicButValidInACompactedOne() throws IOException {
    // given: a segment file with a batch at 0..4 and then one at 10..10
    Files.createDirectories(dir());
    ByteBuffer first = TestBatches.batch(0, 5, START_MS, 10);
    ByteBuffer gapped = TestBatches.batch(10, 1, START_MS, 10);
    ByteBuffer both = ByteBuffer.allocate(first.remaining() + gapped.remaining()).put(first).put(gapped).flip();
    Files.write(SegmentFiles.logFile(dir(), 0), both.array());
    Path copy = dataDir.resolve("copy.log");
    Files.copy(SegmentFiles.logFile(dir(), 0), copy);

    // when: verified and opened as a delete-policy topic
    writeTopicMeta(dataDir, TOPIC, CleanupPolicy.DELETE);
    VerifyReport strict = LogVerifier.verify(dataDir);
    PartitionLog deleteLog = open(new TopicConfig());

    // then: the gap is reported and truncated away
    assertThat(strict.problems()).anySatisfy(p -> assertThat(p.message()).contains("offsets must be dense"));
    assertThat(deleteLog.logEndOffset()).isEqualTo(5);
    deleteLog.close();
    opened.clear();

    // when: the same file in a compacted topic
    Files.copy(copy, SegmentFiles.logFile(dir(), 0), StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(dir().resolve(SegmentFiles.CLEAN_SHUTDOWN_FILE));
    Files.deleteIfExists(SegmentFiles.offsetIndexFile(dir(), 0));
    Files.deleteIfExists(SegmentFiles.timeIndexFile(dir(), 0));
    writeTopicMeta(dataDir, TOPIC, CleanupPolicy.COMPACT);
    VerifyReport relaxed = LogVerifier.verify(dataDir);
    PartitionLog compactLog = open(compactConfig(1024));

    // then
    assertThat(relaxed.problems()).isEmpty();
    assertThat(compactLog.logEndOffset()).isEqualTo(11);
    assertThat(LogTestSupport.baseOffsets(compactLog.readBatches(5, 10_000, Long.MAX_VALUE))).containsExactly(10L);
  }

  // ---------------------------------------------------------------- Kafka as the oracle

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void kafkaReadsCompactedSegmentsWithTheSameRecordsAtTheSameOffsets(CompressionType compression) throws IOException {
    // given: batches of 1-3 records over few keys, compressed, compacted
    PartitionLog log = open(compactConfig(2048).setPreallocate(false)); // Kafka also reads the open active segment
    Random random = new Random(SEED);
    for (int i = 0; i < 150; i++) {
      int count = 1 + random.nextInt(3);
      String[] keys = new String[count];
      String[] values = new String[count];
      for (int r = 0; r < count; r++) {
        keys[r] = random.nextInt(10) == 0 ? null : "k" + random.nextInt(8);
        values[r] = random.nextInt(10) == 0 ? null : "value-" + i + "-" + r;
      }
      append(log, builder, compression, START_MS + i, keys, values);
    }
    compact(log, START_MS, DAY_MS).orElseThrow();
    List<Rec> ours = readAll(log);

    // when: Kafka reads every segment file
    List<Rec> kafka = new ArrayList<>();
    long previousLast = -1;
    for (long base : log.segmentBaseOffsets()) {
      try (FileRecords records = FileRecords.open(SegmentFiles.logFile(dir(), base).toFile(), false)) {
        for (FileChannelRecordBatch batch : records.batches()) {
          batch.ensureValid();
          assertThat(batch.baseOffset()).isGreaterThan(previousLast);
          assertThat((int) batch.compressionType().id).isEqualTo(compression.id());
          previousLast = batch.lastOffset();
          for (Record record : batch) {
            kafka.add(new Rec(record.offset(), record.hasKey() ? StandardCharsets.UTF_8.decode(record.key()).toString()
                : null, record.hasValue() ? StandardCharsets.UTF_8.decode(record.value()).toString() : null,
                record.timestamp()));
          }
        }
      }
    }

    // then
    assertThat(kafka).as("seed %d, %s", SEED, compression).isEqualTo(ours);
  }
}
