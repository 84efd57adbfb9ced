package io.cairn.eventstore.internal.log;

import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static io.cairn.eventstore.internal.log.LogTestSupport.append;
import static io.cairn.eventstore.internal.log.LogTestSupport.appendBatches;
import static io.cairn.eventstore.internal.log.LogTestSupport.closedSegmentsReadByKafka;
import static io.cairn.eventstore.internal.log.LogTestSupport.dataBytes;
import static io.cairn.eventstore.internal.log.LogTestSupport.readAll;
import static io.cairn.eventstore.internal.log.LogTestSupport.smallSegments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.testing.FaultyStorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable topic's active segment is zero-filled ahead of its end ({@code preallocate=true}, the default): the zeros
 * never count as log, closed segments never keep them, and after a crash they are a torn tail that
 * recovery removes. A roll cuts them off the rolled segment on the appending thread but leaves forcing the cut to
 * the next flush, which forces the rolled segment before the new one; a roll never waits for a flush forcing the
 * segment it rolls away from; and a crash right after a roll keeps every batch.
 */
class PartitionLogPreallocationTest {

  private static final int SEGMENT_BYTES = 4096;
  private static final TopicConfig CONFIG = smallSegments(SEGMENT_BYTES);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  Path tempDir;

  private final List<PartitionLog> opened = new ArrayList<>();
  private FaultyStorageIo io = new FaultyStorageIo();

  private Path dir() {
    return tempDir.resolve("accounts-0");
  }

  private PartitionLog open() {
    PartitionLog log = PartitionLog.open(dir(), CONFIG, io, () -> START_MS);
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
    io.releaseForces();
    opened.forEach(PartitionLog::close);
  }

  @Test
  void activeSegmentIsZeroFilledAheadButReadsStopAtTheLastBatch() throws IOException {
    // given
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendBatches(log, 5);
    Path file = SegmentFiles.logFile(dir(), 0);

    // then: the file is larger than its batches, the log is not
    assertThat(Files.size(file)).isGreaterThan(dataBytes(infos, 0));
    assertThat(log.sizeInBytes()).isEqualTo(dataBytes(infos, 0));
    assertThat(readAll(log)).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(log.readBatches(5, 4096, Long.MAX_VALUE).remaining()).isZero();
  }

  @Test
  void pageCacheTopicsDoNotPreallocate() throws IOException {
    // given: no fsync per append, so zeros ahead would only double the writes
    PartitionLog log = PartitionLog.open(dir(), smallSegments(SEGMENT_BYTES).setFlushMode(FlushMode.PAGE_CACHE), io,
        () -> START_MS);
    opened.add(log);

    // when
    List<LogAppendInfo> infos = appendBatches(log, 5);

    // then
    assertThat(Files.size(SegmentFiles.logFile(dir(), 0))).isEqualTo(dataBytes(infos, 0));
  }

  @Test
  void rolledAndClosedSegmentsHoldBatchesOnlyAndKafkaReadsThem() throws IOException {
    // given: enough batches for several rolls, then a clean close
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendBatches(log, 120);
    long[] bases = log.segmentBaseOffsets();
    assertThat(bases.length).isGreaterThan(2);
    for (int i = 0; i < bases.length - 1; i++) {
      assertThat(Files.size(SegmentFiles.logFile(dir(), bases[i]))).as("rolled segment %d", bases[i])
          .isEqualTo(dataBytes(infos, bases[i]));
    }
    log.close();
    opened.clear();

    // then: every file ends at its last batch, and Kafka's reader sees all 120 records
    assertThat(closedSegmentsReadByKafka(dir(), bases, infos)).isEqualTo(120);
  }

  @Test
  void crashLeavesZerosThatRecoveryRemovesKeepingEveryBatch() throws IOException {
    // given: batches written (not all fsynced) and the zeros ahead of them, then kill -9
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendBatches(log, 7);
    log.flush();
    log.checkpointRecoveryPoint(3);
    long dataBytes = dataBytes(infos, 0);
    Path file = SegmentFiles.logFile(dir(), 0);
    long fileBytes = Files.size(file);
    assertThat(fileBytes).isGreaterThan(dataBytes);
    crash();

    // when
    PartitionLog reopened = open();

    // then: the zeros are gone, every batch is kept, and appends continue
    assertThat(reopened.recoveryReport().clean()).isFalse();
    assertThat(reopened.recoveryReport().bytesTruncated()).isEqualTo(fileBytes - dataBytes);
    assertThat(reopened.logEndOffset()).isEqualTo(7);
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, 7).boxed().toList());
    assertThat(append(reopened, 1, 60, START_MS + 7).baseOffset()).isEqualTo(7);
  }

  @Test
  void tornWriteIntoTheZerosIsTruncatedToTheLastWholeBatch() throws IOException {
    // given: a crash in the middle of writing the next batch over the zeros
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendBatches(log, 4);
    long end = dataBytes(infos, 0);
    crash();
    ByteBuffer half = TestBatches.batch(4, 1, START_MS, 60);
    half.limit(half.capacity() / 2);
    try (FileChannel channel = FileChannel.open(SegmentFiles.logFile(dir(), 0), StandardOpenOption.WRITE)) {
      channel.write(half, end);
    }

    // when
    PartitionLog reopened = open();

    // then
    assertThat(reopened.logEndOffset()).isEqualTo(4);
    assertThat(readAll(reopened)).containsExactly(0L, 1L, 2L, 3L);
    assertThat(Files.size(SegmentFiles.logFile(dir(), 0))).isGreaterThanOrEqualTo(end);
  }

  /** Appends single-record batches until the log has rolled at least once. */
  private static List<LogAppendInfo> appendUntilRolled(PartitionLog log) {
    List<LogAppendInfo> infos = new ArrayList<>();
    while (log.segmentBaseOffsets().length < 2) {
      infos.addAll(appendBatches(log, 1));
    }
    return infos;
  }

  @Test
  void aRollCutsTheRolledSegmentAtOnceButForcesNothingOnTheAppendingThread() throws IOException {
    // given
    PartitionLog log = open();
    int forcesBefore = io.forces().size();

    // when
    List<LogAppendInfo> infos = appendUntilRolled(log);

    // then: the rolled file already ends at its last batch, and no append forced anything
    assertThat(Files.size(SegmentFiles.logFile(dir(), 0))).isEqualTo(dataBytes(infos, 0));
    assertThat(io.forces()).hasSize(forcesBefore);
  }

  @Test
  void theNextFlushForcesTheRolledSegmentsCutBeforeTheNewSegment() {
    // given: a flush before every append, so that at the roll only the cut of the rolled segment is unforced
    PartitionLog log = open();
    while (log.segmentBaseOffsets().length < 2) {
      log.flush();
      appendBatches(log, 1);
    }
    long newBase = log.segmentBaseOffsets()[1];
    int forcesBefore = io.forces().size();

    // when
    log.flush();

    // then
    List<Path> forced = io.forces().subList(forcesBefore, io.forces().size()).stream()
        .map(FaultyStorageIo.Force::path).toList();
    Path rolled = SegmentFiles.logFile(dir(), 0);
    Path active = SegmentFiles.logFile(dir(), newBase);
    assertThat(forced).contains(rolled, active);
    assertThat(forced.indexOf(rolled)).isLessThan(forced.indexOf(active));
  }

  @Test
  void aRollDoesNotWaitForAFlushForcingTheSegmentItRollsAwayFrom() {
    // given: a flush stuck in an fsync of the active segment, holding that segment's lifecycle lock
    PartitionLog log = open();
    appendBatches(log, 1);
    io.holdForces(path -> path.equals(SegmentFiles.logFile(dir(), 0)));
    CompletableFuture<Long> flush = CompletableFuture.supplyAsync(log::flush);
    pollUntil(() -> io.heldForces() == 1, TIMEOUT, "the flush to reach its fsync");

    // when: appends roll the log meanwhile
    List<LogAppendInfo> infos = assertTimeoutPreemptively(TIMEOUT, () -> appendUntilRolled(log),
        "a roll waited for the flush's fsync");

    // then: the flush finishes once the disk answers, and every batch reads back
    io.releaseForces();
    assertThat(flush.join()).isGreaterThanOrEqualTo(1);
    assertThat(readAll(log)).hasSize(infos.size() + 1);
  }

  @Test
  void aCrashRightAfterARollKeepsEveryBatchOfBothSegments() throws IOException {
    // given: a roll and more batches after it, none of it flushed, then kill -9
    PartitionLog log = open();
    List<LogAppendInfo> infos = appendUntilRolled(log);
    infos.addAll(appendBatches(log, 3));
    long end = log.logEndOffset();
    crash();

    // when
    PartitionLog reopened = open();

    // then
    assertThat(reopened.recoveryReport().clean()).isFalse();
    assertThat(reopened.recoveryReport().segmentsDeleted()).isZero();
    assertThat(reopened.logEndOffset()).isEqualTo(end);
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, end).boxed().toList());
  }
}
