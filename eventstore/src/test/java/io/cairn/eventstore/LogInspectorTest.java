package io.cairn.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.internal.log.LogAppendInfo;
import io.cairn.eventstore.internal.log.PartitionLog;
import io.cairn.eventstore.internal.log.RecoveryPointFile;
import io.cairn.eventstore.internal.log.SegmentFiles;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogInspectorTest {

  private static final long START_MS = 1_700_000_000_000L;

  @TempDir
  Path dataDir;

  private Path partitionDir;
  private final List<LogAppendInfo> infos = new ArrayList<>();
  private long[] segmentBases;

  /** Two partitions written through the real log, closed cleanly; partition 0 has several segments. */
  @BeforeEach
  void writeCleanDataDir() {
    partitionDir = dataDir.resolve("orders-0");
    try (PartitionLog log = PartitionLog.open(partitionDir,
        new TopicConfig().setSegmentBytes(1024).setIndexIntervalBytes(200), StorageIo.DEFAULT, () -> START_MS)) {
      for (int i = 0; i < 30; i++) {
        infos.add(log.append(batch(log.logEndOffset(), 2, START_MS + i)));
      }
      segmentBases = log.segmentBaseOffsets();
    }
    try (PartitionLog other = PartitionLog.open(dataDir.resolve("orders-1"), new TopicConfig(), StorageIo.DEFAULT,
        () -> START_MS)) {
      other.append(batch(0, 1, START_MS));
    }
  }

  @Test
  void aCleanDataDirVerifies() {
    // when
    VerifyReport report = LogInspector.verify(dataDir);

    // then
    assertThat(report.problems()).isEmpty();
    assertThat(report.ok()).isTrue();
    assertThat(report.partitions()).isEqualTo(2);
    assertThat(report.segments()).isEqualTo(segmentBases.length + 1);
    assertThat(report.batches()).isEqualTo(31);
    assertThat(report.notes()).anyMatch(note -> note.contains("clean-shutdown marker present"));
  }

  @Test
  void aCrcMismatchIsReportedWithFileAndPosition() throws IOException {
    // given
    LogAppendInfo damaged = infos.get(12);
    flipBit(logFile(damaged), damaged.positionInSegment() + BatchHeader.RECORDS_OFFSET + 2);

    // when
    VerifyReport report = LogInspector.verify(dataDir);

    // then
    assertThat(report.ok()).isFalse();
    assertThat(report.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.file()).isEqualTo(logFile(damaged));
      assertThat(problem.position()).isEqualTo(damaged.positionInSegment());
      assertThat(problem.message()).startsWith("CRC is 0x").contains("computed 0x");
    });
  }

  @Test
  void aTornTailIsReported() throws IOException {
    // given
    LogAppendInfo last = infos.get(infos.size() - 1);
    cut(logFile(last), last.positionInSegment() + 30);

    // when
    VerifyReport report = LogInspector.verify(dataDir);

    // then
    assertThat(report.problems()).anySatisfy(problem -> {
      assertThat(problem.file()).isEqualTo(logFile(last));
      assertThat(problem.position()).isEqualTo(last.positionInSegment());
      assertThat(problem.message()).contains("only 30 bytes left");
    });
    assertThat(report.problems()).anySatisfy(problem ->
        assertThat(problem.message()).contains("beyond the log end offset " + last.baseOffset()));
  }

  @Test
  void offsetsThatAreNotDenseAreReported() throws IOException {
    // given: batch 5's base offset is rewritten (with a valid CRC) to skip ahead
    LogAppendInfo moved = infos.get(5);
    rewriteBaseOffset(moved, moved.baseOffset() + 7);

    // when
    VerifyReport report = LogInspector.verify(dataDir);

    // then
    assertThat(report.problems()).anySatisfy(problem -> {
      assertThat(problem.position()).isEqualTo(moved.positionInSegment());
      assertThat(problem.message()).contains("baseOffset is " + (moved.baseOffset() + 7) + ", expected "
          + moved.baseOffset());
    });
  }

  @Test
  void aMissingSegmentBreaksDensityAcrossSegments() throws IOException {
    // given
    Files.delete(SegmentFiles.logFile(partitionDir, segmentBases[1]));

    // when
    VerifyReport report = LogInspector.verify(dataDir);

    // then
    assertThat(report.problems()).anySatisfy(problem -> {
      assertThat(problem.file()).isEqualTo(SegmentFiles.logFile(partitionDir, segmentBases[2]));
      assertThat(problem.message()).contains("the segment before ends at " + segmentBases[1]);
    });
  }

  @Test
  void anOffsetIndexEntryPointingElsewhereIsReported() throws IOException {
    // given: entry 1 of the first segment's index points 4 bytes past a batch start
    Path index = SegmentFiles.offsetIndexFile(partitionDir, segmentBases[0]);
    ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(index));
    assertThat(entries.limit()).isGreaterThanOrEqualTo(16);
    entries.putInt(12, entries.getInt(12) + 4);
    Files.write(index, entries.array());

    // when
    VerifyReport report = LogInspector.verify(dataDir);

    // then
    assertThat(report.problems()).singleElement().satisfies(problem -> {
      assertThat(problem.file()).isEqualTo(index);
      assertThat(problem.position()).isEqualTo(8);
      assertThat(problem.message()).contains("entry 1").contains("does not point at the start of a batch");
    });
  }

  @Test
  void anIndexWithAPartialEntryIsReported() throws IOException {
    // given
    Path index = SegmentFiles.offsetIndexFile(partitionDir, segmentBases[1]);
    Files.write(index, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

    // when / then
    assertThat(LogInspector.verify(dataDir).problems()).anySatisfy(problem -> {
      assertThat(problem.file()).isEqualTo(index);
      assertThat(problem.message()).contains("not a multiple of the 8-byte entry");
    });
  }

  @Test
  void aTimeIndexThatDisagreesWithTheBatchesIsReported() throws IOException {
    // given: the last entry of a closed segment's time index claims another timestamp
    Path timeIndex = SegmentFiles.timeIndexFile(partitionDir, segmentBases[0]);
    ByteBuffer entries = ByteBuffer.wrap(Files.readAllBytes(timeIndex));
    int last = entries.limit() - 12;
    entries.putLong(last, entries.getLong(last) + 1);
    Files.write(timeIndex, entries.array());

    // when
    VerifyReport report = LogInspector.verify(dataDir);

    // then
    assertThat(report.problems()).anySatisfy(problem -> {
      assertThat(problem.file()).isEqualTo(timeIndex);
      assertThat(problem.position()).isEqualTo(last);
      assertThat(problem.message()).contains("but that batch's maxTimestamp is");
    });
    assertThat(report.problems()).anySatisfy(problem ->
        assertThat(problem.message()).contains("time index of a closed segment must be complete"));
  }

  @Test
  void aCorruptRecoveryPointFileIsReported() throws IOException {
    // given
    Path file = RecoveryPointFile.path(partitionDir);
    Files.writeString(file, "nonsense\n");

    // when / then
    assertThat(LogInspector.verify(dataDir).problems()).anySatisfy(problem -> {
      assertThat(problem.file()).isEqualTo(file);
      assertThat(problem.message()).contains("is not a recovery-point file");
    });
  }

  @Test
  void aMissingIndexOfAClosedSegmentIsANoteNotAProblem() throws IOException {
    // given
    Files.delete(SegmentFiles.offsetIndexFile(partitionDir, segmentBases[0]));

    // when
    VerifyReport report = LogInspector.verify(dataDir);

    // then
    assertThat(report.ok()).isTrue();
    assertThat(report.notes()).anyMatch(note -> note.contains("is missing; the next open rebuilds it"));
  }

  @Test
  void verifyModifiesNothing() throws IOException {
    // given
    LogAppendInfo damaged = infos.get(3);
    flipBit(logFile(damaged), damaged.positionInSegment() + BatchHeader.RECORDS_OFFSET);
    Map<String, Long> before = modificationTimes();
    Map<String, byte[]> contents = contents();

    // when
    LogInspector.verify(dataDir);

    // then
    assertThat(modificationTimes()).isEqualTo(before);
    Map<String, byte[]> after = contents();
    assertThat(after.keySet()).isEqualTo(contents.keySet());
    after.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(contents.get(name)));
  }

  @Test
  void dumpListsEveryBatchWithItsHeaderFields() {
    // when
    List<BatchSummary> batches = LogInspector.dump(SegmentFiles.logFile(partitionDir, segmentBases[1]));

    // then
    List<LogAppendInfo> inSegment = infos.stream().filter(i -> i.segmentBaseOffset() == segmentBases[1]).toList();
    assertThat(batches).hasSize(inSegment.size());
    BatchSummary first = batches.get(0);
    LogAppendInfo info = inSegment.get(0);
    assertThat(first.position()).isZero();
    assertThat(first.baseOffset()).isEqualTo(info.baseOffset());
    assertThat(first.lastOffset()).isEqualTo(info.baseOffset() + 1);
    assertThat(first.recordsCount()).isEqualTo(2);
    assertThat(first.sizeInBytes()).isEqualTo(info.sizeInBytes());
    assertThat(first.magic()).isEqualTo((byte) 2);
    assertThat(first.crcValid()).isTrue();
    assertThat(first.valid()).isTrue();
    assertThat(first.compression()).isEqualTo("none");
    assertThat(first.producerId()).isEqualTo(-1);
    assertThat(first.maxTimestamp()).isEqualTo(START_MS + infos.indexOf(info));
    assertThat(batches.get(1).position()).isEqualTo(info.sizeInBytes());
  }

  @Test
  void dumpShowsABadCrcAndGoesOnThenEndsWithATornBatch() throws IOException {
    // given
    List<LogAppendInfo> inSegment = infos.stream().filter(i -> i.segmentBaseOffset() == segmentBases[0]).toList();
    LogAppendInfo bad = inSegment.get(1);
    LogAppendInfo last = inSegment.get(inSegment.size() - 1);
    flipBit(logFile(bad), bad.positionInSegment() + BatchHeader.RECORDS_OFFSET + 1);
    cut(logFile(last), last.positionInSegment() + last.sizeInBytes() - 5);

    // when
    List<BatchSummary> batches = LogInspector.dump(logFile(bad));

    // then
    assertThat(batches).hasSize(inSegment.size());
    assertThat(batches.get(1).crcValid()).isFalse();
    assertThat(batches.get(1).problem()).hasValueSatisfying(p -> assertThat(p).startsWith("CRC is"));
    assertThat(batches.get(2).valid()).isTrue();
    BatchSummary torn = batches.get(batches.size() - 1);
    assertThat(torn.position()).isEqualTo(last.positionInSegment());
    assertThat(torn.baseOffset()).isEqualTo(last.baseOffset());
    assertThat(torn.problem()).hasValueSatisfying(p -> assertThat(p).contains("runs past the end"));
  }

  // ---------------------------------------------------------------- helpers

  private Path logFile(LogAppendInfo info) {
    return SegmentFiles.logFile(partitionDir, info.segmentBaseOffset());
  }

  private void rewriteBaseOffset(LogAppendInfo info, long newBaseOffset) throws IOException {
    try (FileChannel channel = FileChannel.open(logFile(info), StandardOpenOption.WRITE)) {
      ByteBuffer value = ByteBuffer.allocate(Long.BYTES).putLong(0, newBaseOffset);
      channel.write(value, info.positionInSegment());
    }
  }

  private static ByteBuffer batch(long baseOffset, int records, long timestampMs) {
    int recordBytes = 10;
    int size = BatchHeader.HEADER_SIZE + records * recordBytes;
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.putLong(BatchHeader.BASE_OFFSET_OFFSET, baseOffset);
    buffer.putInt(BatchHeader.LENGTH_OFFSET, size - BatchHeader.LOG_OVERHEAD);
    buffer.putInt(BatchHeader.PARTITION_LEADER_EPOCH_OFFSET, 0);
    buffer.put(BatchHeader.MAGIC_OFFSET, BatchHeader.MAGIC_V2);
    buffer.putInt(BatchHeader.LAST_OFFSET_DELTA_OFFSET, records - 1);
    buffer.putLong(BatchHeader.BASE_TIMESTAMP_OFFSET, timestampMs);
    buffer.putLong(BatchHeader.MAX_TIMESTAMP_OFFSET, timestampMs);
    buffer.putLong(BatchHeader.PRODUCER_ID_OFFSET, BatchHeader.NO_PRODUCER_ID);
    buffer.putShort(BatchHeader.PRODUCER_EPOCH_OFFSET, BatchHeader.NO_PRODUCER_EPOCH);
    buffer.putInt(BatchHeader.BASE_SEQUENCE_OFFSET, BatchHeader.NO_SEQUENCE);
    buffer.putInt(BatchHeader.RECORDS_COUNT_OFFSET, records);
    for (int i = BatchHeader.RECORDS_OFFSET; i < size; i++) {
      buffer.put(i, (byte) i);
    }
    buffer.putInt(BatchHeader.CRC_OFFSET, (int) BatchHeader.computeCrc(buffer, 0, size));
    return buffer;
  }

  private static void flipBit(Path file, long position) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) position] ^= 0x01;
    Files.write(file, bytes);
  }

  private static void cut(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private Map<String, Long> modificationTimes() throws IOException {
    Map<String, Long> times = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        times.put(dataDir.relativize(file).toString(), Files.getLastModifiedTime(file).toMillis());
      }
    }
    return times;
  }

  private Map<String, byte[]> contents() throws IOException {
    Map<String, byte[]> all = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          all.put(dataDir.relativize(file).toString(), Files.readAllBytes(file));
        }
      }
    }
    return all;
  }
}
