package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.testing.FaultyStorageIo;

import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static io.cairn.eventstore.internal.log.LogTestSupport.append;
import static io.cairn.eventstore.internal.log.LogTestSupport.baseOffsets;
import static io.cairn.eventstore.internal.log.LogTestSupport.cut;
import static io.cairn.eventstore.internal.log.LogTestSupport.fingerprint;
import static io.cairn.eventstore.internal.log.LogTestSupport.flipBit;
import static io.cairn.eventstore.internal.log.LogTestSupport.readAll;
import static io.cairn.eventstore.internal.log.LogTestSupport.smallSegments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.record.BatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogRecoveryTest {

  // files that end at their last batch, so damage lands where the tests put it and byte counts are exact;
  // recovery with preallocated zeros is PartitionLogPreallocationTest's
  private static final TopicConfig CONFIG = smallSegments(1024).setPreallocate(false);

  @TempDir
  Path tempDir;

  private final AtomicLong clock = new AtomicLong(START_MS);
  private final List<PartitionLog> opened = new ArrayList<>();
  private FaultyStorageIo io = new FaultyStorageIo();

  private Path dir() {
    return tempDir.resolve("accounts-3");
  }

  private PartitionLog open() {
    PartitionLog log = PartitionLog.open(dir(), CONFIG, io, clock::get);
    opened.add(log);
    return log;
  }

  /** Simulates kill -9: every file handle is gone, nothing more is written, no marker. */
  private void crash() throws IOException {
    io.crash();
    opened.clear();
    io = new FaultyStorageIo();
  }

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  /** Appends {@code count} one-record batches of ~130 bytes; returns their infos. */
  private List<LogAppendInfo> appendBatches(PartitionLog log, int count) {
    List<LogAppendInfo> infos = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      infos.add(append(log, 1, 60, START_MS + log.logEndOffset()));
    }
    return infos;
  }

  private static void durableUpTo(PartitionLog log) {
    log.flush();
    log.checkpointRecoveryPoint(log.logEndOffset());
  }

  private Path logFileOf(LogAppendInfo info) {
    return SegmentFiles.logFile(dir(), info.segmentBaseOffset());
  }

  @Test
  void reopenAfterACleanCloseScansNothingAndContinues() {
    // given
    PartitionLog log = open();
    appendBatches(log, 40);
    assertThat(log.segmentCount()).isGreaterThan(3);
    log.close();
    assertThat(Files.exists(CleanShutdownMarker.path(dir()))).isTrue();

    // when
    PartitionLog reopened = open();

    // then
    RecoveryReport report = reopened.recoveryReport();
    assertThat(report.clean()).isTrue();
    assertThat(report.bytesScanned()).isZero();
    assertThat(report.segmentsScanned()).isZero();
    assertThat(report.indexFilesRebuilt()).isZero();
    assertThat(report.logEndOffset()).isEqualTo(40);
    assertThat(Files.exists(CleanShutdownMarker.path(dir()))).as("marker removed before appends").isFalse();
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, 40).boxed().toList());
    assertThat(reopened.offsetForTimestamp(START_MS + 17)).isEqualTo(17);
    assertThat(append(reopened, 1, 60, START_MS + 40).baseOffset()).isEqualTo(40);
  }

  @Test
  void reopenAfterACrashScansOnlyFromTheSegmentHoldingTheRecoveryPoint() throws IOException {
    // given: a recovery point in the middle of the log, more appends after it
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendBatches(log, 30);
    durableUpTo(log);
    infos.addAll(appendBatches(log, 20));
    long segmentOfPoint = infos.get(29).segmentBaseOffset();
    long bytesFromThere = infos.stream().filter(i -> i.segmentBaseOffset() >= segmentOfPoint)
        .mapToLong(LogAppendInfo::sizeInBytes).sum();
    long segmentsFromThere = Arrays.stream(log.segmentBaseOffsets()).filter(b -> b >= segmentOfPoint).count();
    crash();

    // when
    PartitionLog reopened = open();

    // then
    RecoveryReport report = reopened.recoveryReport();
    assertThat(report.clean()).isFalse();
    assertThat(report.recoveryPoint()).isEqualTo(30);
    assertThat(report.bytesScanned()).isEqualTo(bytesFromThere);
    assertThat(report.segmentsScanned()).isEqualTo(segmentsFromThere);
    assertThat(report.bytesTruncated()).isZero();
    assertThat(reopened.logEndOffset()).isEqualTo(50);
    assertThat(readAll(reopened)).hasSize(50);
    assertThat(reopened.offsetForTimestamp(START_MS + 44)).isEqualTo(44);
  }

  @Test
  void aRecoveryPointOnASegmentBoundaryAlsoScansTheSegmentBeforeIt() throws IOException {
    // given: the recovery point equals the base offset of the (empty) active segment
    PartitionLog log = open();
    while (log.segmentCount() < 2) {
      appendBatches(log, 1);
    }
    long boundary = log.segmentBaseOffsets()[log.segmentCount() - 1];
    log.truncateTo(boundary);
    durableUpTo(log);
    assertThat(log.recoveryPoint()).isEqualTo(boundary);
    appendBatches(log, 2);
    crash();

    // when
    PartitionLog reopened = open();

    // then: the segment before the boundary (whose index files were written after the checkpoint) is scanned
    assertThat(reopened.recoveryReport().segmentsScanned()).isEqualTo(2);
    assertThat(readAll(reopened)).hasSize((int) boundary + 2);
  }

  @Test
  void aTornTailIsTruncatedToTheLastValidBatch() throws IOException {
    // given
    PartitionLog log = open();
    appendBatches(log, 10);
    durableUpTo(log);
    List<LogAppendInfo> tail = appendBatches(log, 3);
    LogAppendInfo last = tail.get(2);
    crash();
    cut(logFileOf(last), last.positionInSegment() + last.sizeInBytes() / 2);

    // when
    PartitionLog reopened = open();

    // then
    assertThat(reopened.logEndOffset()).isEqualTo(last.baseOffset());
    assertThat(reopened.recoveryReport().bytesTruncated()).isEqualTo(last.sizeInBytes() / 2);
    assertThat(Files.size(logFileOf(last))).isEqualTo(last.positionInSegment());
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, 12).boxed().toList());
    assertThat(append(reopened, 1, 60, START_MS).baseOffset()).isEqualTo(12);
  }

  @Test
  void aBitFlipAfterTheRecoveryPointTruncatesThereAndDeletesLaterSegments() throws IOException {
    // given
    PartitionLog log = open();
    appendBatches(log, 10);
    durableUpTo(log);
    List<LogAppendInfo> tail = appendBatches(log, 25);
    LogAppendInfo damaged = tail.get(2);
    long[] segmentsBefore = log.segmentBaseOffsets();
    crash();
    flipBit(logFileOf(damaged), damaged.positionInSegment() + BatchHeader.RECORDS_OFFSET + 3);

    // when
    PartitionLog reopened = open();

    // then
    assertThat(reopened.logEndOffset()).isEqualTo(damaged.baseOffset());
    assertThat(reopened.segmentBaseOffsets()[reopened.segmentCount() - 1]).isEqualTo(damaged.segmentBaseOffset());
    long deleted = Arrays.stream(segmentsBefore).filter(b -> b > damaged.segmentBaseOffset()).count();
    assertThat(reopened.recoveryReport().segmentsDeleted()).isEqualTo(deleted);
    assertThat(deleted).isPositive();
    assertThat(Files.exists(SegmentFiles.logFile(dir(), segmentsBefore[segmentsBefore.length - 1]))).isFalse();
    assertThat(readAll(reopened)).hasSize((int) damaged.baseOffset());
  }

  @Test
  void aBitFlipBeforeTheRecoveryPointIsRefusedWithFileAndPositionAndNothingIsModified() throws IOException {
    // given
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendBatches(log, 30);
    durableUpTo(log);
    appendBatches(log, 3);
    LogAppendInfo damaged = infos.get(28);
    crash();
    flipBit(logFileOf(damaged), damaged.positionInSegment() + BatchHeader.RECORDS_OFFSET + 3);
    Map<String, String> before = fingerprint(dir());

    // when / then
    assertThatThrownBy(this::open)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("batch at position " + damaged.positionInSegment() + " of "
            + logFileOf(damaged) + ": CRC is 0x")
        .hasMessageContaining(", computed 0x")
        .hasMessageContaining("below the recovery point 30");
    assertThat(fingerprint(dir())).isEqualTo(before);
  }

  @Test
  void dataMissingBelowTheRecoveryPointIsRefused() throws IOException {
    // given: the file ends cleanly at a batch boundary, but below the recovery point
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendBatches(log, 30);
    durableUpTo(log);
    crash();
    LogAppendInfo lost = infos.get(29);
    cut(logFileOf(lost), lost.positionInSegment());
    Map<String, String> before = fingerprint(dir());

    // when / then
    assertThatThrownBy(this::open)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("the log ends at offset 29")
        .hasMessageContaining("recovery point is 30");
    assertThat(fingerprint(dir())).isEqualTo(before);
  }

  @Test
  void nonDenseOffsetsAfterTheRecoveryPointAreTruncated() throws IOException {
    // given: a valid batch (good CRC) whose base offset skips ahead, appended to the active file
    PartitionLog log = open();
    appendBatches(log, 5);
    durableUpTo(log);
    LogAppendInfo last = appendBatches(log, 1).get(0);
    crash();
    ByteBuffer skipping = TestBatches.batch(last.baseOffset() + 2, 1, START_MS, 10);
    Files.write(logFileOf(last), skipping.array(), StandardOpenOption.APPEND);

    // when
    PartitionLog reopened = open();

    // then
    assertThat(reopened.logEndOffset()).isEqualTo(last.baseOffset() + 1);
    assertThat(reopened.recoveryReport().bytesTruncated()).isEqualTo(skipping.capacity());
  }

  @Test
  void zeroesAfterTheLastBatchAreTruncated() throws IOException {
    // given
    PartitionLog log = open();
    LogAppendInfo last = appendBatches(log, 4).get(3);
    crash();
    Files.write(logFileOf(last), new byte[4096], StandardOpenOption.APPEND);

    // when: no recovery point at all: everything is scanned
    PartitionLog reopened = open();

    // then
    assertThat(reopened.recoveryReport().recoveryPoint()).isZero();
    assertThat(reopened.logEndOffset()).isEqualTo(4);
    assertThat(reopened.recoveryReport().bytesTruncated()).isEqualTo(4096);
    assertThat(reopened.recoveryReport().bytesScanned()).isEqualTo(4L * last.sizeInBytes());
  }

  @Test
  void deletedOrGarbageIndexFilesOfClosedSegmentsAreRebuiltOnACleanOpen() throws IOException {
    // given
    PartitionLog log = open();
    appendBatches(log, 40);
    long[] bases = log.segmentBaseOffsets();
    log.close();
    Files.delete(SegmentFiles.offsetIndexFile(dir(), bases[0]));
    Files.write(SegmentFiles.timeIndexFile(dir(), bases[1]), "garbage".getBytes(StandardCharsets.US_ASCII));
    Files.write(SegmentFiles.offsetIndexFile(dir(), bases[2]), new byte[16]);

    // when
    PartitionLog reopened = open();

    // then
    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(reopened.recoveryReport().indexFilesRebuilt()).isEqualTo(6);
    assertThat(reopened.recoveryReport().segmentsScanned()).isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      OffsetIndex offsets = new OffsetIndex(SegmentFiles.offsetIndexFile(dir(), bases[i]), bases[i]);
      TimeIndex times = new TimeIndex(SegmentFiles.timeIndexFile(dir(), bases[i]), bases[i]);
      assertThat(offsets.load(io)).isTrue();
      assertThat(times.load(io)).isTrue();
      long size = Files.size(SegmentFiles.logFile(dir(), bases[i]));
      assertThat(offsets.validate(size, bases[i + 1])).isEmpty();
      assertThat(times.validate(false, bases[i + 1])).isEmpty();
      assertThat(times.lastTimestamp()).isEqualTo(START_MS + bases[i + 1] - 1);
    }
    assertThat(readAll(reopened)).hasSize(40);
    assertThat(reopened.offsetForTimestamp(START_MS + bases[1] + 1)).isEqualTo(bases[1] + 1);
    assertThat(baseOffsets(reopened.readBatches(bases[2] + 1, 1, Long.MAX_VALUE))).containsExactly(bases[2] + 1);
  }

  @Test
  void corruptionFoundWhileRebuildingAClosedSegmentsIndexIsRefused() throws IOException {
    // given: a clean close, then a closed segment loses its index and has a flipped bit
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendBatches(log, 40);
    long[] bases = log.segmentBaseOffsets();
    log.close();
    LogAppendInfo damaged = infos.stream().filter(i -> i.segmentBaseOffset() == bases[1]).toList().get(1);
    Files.delete(SegmentFiles.offsetIndexFile(dir(), bases[1]));
    flipBit(logFileOf(damaged), damaged.positionInSegment() + BatchHeader.RECORDS_OFFSET + 1);
    Map<String, String> before = fingerprint(dir());

    // when / then
    assertThatThrownBy(this::open).isInstanceOf(StorageException.class)
        .hasMessageContaining("batch at position " + damaged.positionInSegment() + " of " + logFileOf(damaged))
        .hasMessageContaining("CRC is");
    assertThat(fingerprint(dir())).isEqualTo(before);
  }

  @Test
  void aDeletedIndexOfTheActiveSegmentIsRebuiltByRecoveringAsAfterACrash() throws IOException {
    // given
    PartitionLog log = open();
    appendBatches(log, 40);
    long activeBase = log.segmentBaseOffsets()[log.segmentCount() - 1];
    log.close();
    Files.delete(SegmentFiles.timeIndexFile(dir(), activeBase));

    // when
    PartitionLog reopened = open();

    // then
    assertThat(reopened.recoveryReport().clean()).isFalse();
    assertThat(reopened.recoveryReport().segmentsScanned()).isEqualTo(1);
    assertThat(reopened.recoveryReport().bytesTruncated()).isZero();
    assertThat(reopened.offsetForTimestamp(START_MS + 39)).isEqualTo(39);
    assertThat(readAll(reopened)).hasSize(40);
  }

  @Test
  void aMarkerThatDoesNotMatchTheLogIsIgnored() throws IOException {
    // given
    PartitionLog log = open();
    appendBatches(log, 12);
    log.close();
    Files.writeString(CleanShutdownMarker.path(dir()), CleanShutdownMarker.PREFIX + "99\n");

    // when
    PartitionLog reopened = open();

    // then
    assertThat(reopened.recoveryReport().clean()).isFalse();
    assertThat(reopened.logEndOffset()).isEqualTo(12);
    assertThat(Files.exists(CleanShutdownMarker.path(dir()))).isFalse();
  }

  @Test
  void aCorruptRecoveryPointFileIsRefusedNamingTheFile() throws IOException {
    // given
    PartitionLog log = open();
    appendBatches(log, 3);
    durableUpTo(log);
    crash();
    Path file = RecoveryPointFile.path(dir());
    Files.writeString(file, Files.readString(file).replace("\n3\n", "\n4\n"));

    // when / then
    assertThatThrownBy(this::open).isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("CRC");
  }

  @Test
  void aCrashRightAfterACleanReopenIsStillDetected() throws IOException {
    // given: clean close, reopen (marker deleted), more appends, crash, torn tail
    PartitionLog log = open();
    appendBatches(log, 5);
    log.close();
    PartitionLog reopened = open();
    LogAppendInfo last = appendBatches(reopened, 2).get(1);
    crash();
    cut(logFileOf(last), last.positionInSegment() + 10);

    // when
    PartitionLog recovered = open();

    // then
    assertThat(recovered.recoveryReport().clean()).isFalse();
    assertThat(recovered.logEndOffset()).isEqualTo(6);
  }

  @Test
  void leftoverTempAndOrphanIndexFilesAreRemovedButForeignFilesAreKept() throws IOException {
    // given
    PartitionLog log = open();
    appendBatches(log, 3);
    log.close();
    Path orphan = SegmentFiles.offsetIndexFile(dir(), 12345);
    Path temp = dir().resolve(SegmentFiles.RECOVERY_POINT_FILE + SegmentFiles.TEMP_SUFFIX);
    Path foreign = dir().resolve(SegmentFiles.fileStem(0) + ".streams");
    Files.write(orphan, new byte[8]);
    Files.write(temp, new byte[3]);
    Files.write(foreign, new byte[5]);

    // when
    open();

    // then
    assertThat(orphan).doesNotExist();
    assertThat(temp).doesNotExist();
    assertThat(foreign).exists();
  }

  @Test
  void aCrashAfterRollsBeforeTheFlushThatWritesTheirIndexFilesLosesNoBatch() throws IOException {
    // given: closed segments with index files, then rolls whose index files no flush wrote yet
    PartitionLog log = open();
    appendBatches(log, 30);
    durableUpTo(log);
    appendBatches(log, 20);
    long[] bases = log.segmentBaseOffsets();
    assertThat(SegmentFiles.offsetIndexFile(dir(), bases[bases.length - 2])).doesNotExist();
    crash();

    // when
    PartitionLog reopened = open();

    // then: the scan from the recovery point rebuilt them
    assertThat(reopened.recoveryReport().clean()).isFalse();
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
    assertThat(reopened.offsetForTimestamp(START_MS + 44)).isEqualTo(44);
    for (int i = 0; i < bases.length - 1; i++) {
      assertThat(SegmentFiles.offsetIndexFile(dir(), bases[i])).as("segment %d", bases[i]).exists();
      assertThat(SegmentFiles.timeIndexFile(dir(), bases[i])).as("segment %d", bases[i]).exists();
    }
  }

  @Test
  void indexFilesThatCannotBeWrittenFailNoFlushStayDueAndAreRebuiltBelowTheRecoveryPointAfterACrash()
      throws IOException {
    // given: rolled segments, and a full disk when the flush would write their index files
    PartitionLog log = open();
    appendBatches(log, 30);
    long[] bases = log.segmentBaseOffsets();
    io.diskFullAfter(0);

    // when
    long flushed = log.flush();

    // then: the batches are durable, the index files still due
    assertThat(flushed).isEqualTo(30);
    assertThat(SegmentFiles.offsetIndexFile(dir(), bases[0])).doesNotExist();
    assertThat(readAll(log)).containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());

    // when: the recovery point passes those segments, then a crash
    io.freeSpace();
    log.checkpointRecoveryPoint(30);
    crash();
    PartitionLog reopened = open();

    // then
    assertThat(reopened.recoveryReport().recoveryPoint()).isEqualTo(30);
    // the closed segments' files, never written, and the active segment's, rebuilt by the scan after the crash
    assertThat(reopened.recoveryReport().indexFilesRebuilt()).isEqualTo(2L * bases.length);
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());
    assertThat(reopened.offsetForTimestamp(START_MS + 17)).isEqualTo(17);
    assertThat(SegmentFiles.offsetIndexFile(dir(), bases[0])).exists();
  }

  @Test
  void indexFilesThatCannotBeWrittenAreWrittenByTheFirstFlushWithRoomForThem() {
    // given
    PartitionLog log = open();
    appendBatches(log, 30);
    long[] bases = log.segmentBaseOffsets();
    io.diskFullAfter(0);
    log.flush();

    // when
    io.freeSpace();
    log.flush();

    // then
    for (int i = 0; i < bases.length - 1; i++) {
      assertThat(SegmentFiles.offsetIndexFile(dir(), bases[i])).as("segment %d", bases[i]).exists();
      assertThat(SegmentFiles.timeIndexFile(dir(), bases[i])).as("segment %d", bases[i]).exists();
    }
    assertThat(readAll(log)).containsExactlyElementsOf(LongStream.range(0, 30).boxed().toList());
  }
}
