package io.cairn.eventstore.internal.log;

import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static io.cairn.eventstore.internal.log.LogTestSupport.append;
import static io.cairn.eventstore.internal.log.LogTestSupport.appendBatches;
import static io.cairn.eventstore.internal.log.LogTestSupport.closedSegmentsReadByKafka;
import static io.cairn.eventstore.internal.log.LogTestSupport.dataBytes;
import static io.cairn.eventstore.internal.log.LogTestSupport.readAll;
import static io.cairn.eventstore.internal.log.LogTestSupport.residentBytes;
import static io.cairn.eventstore.internal.log.LogTestSupport.smallSegments;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.testing.FaultyStorageIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The active segment's page cache is kept warm ahead of its end (ADR 0015): the file grows by a hole past the last
 * batch, a warmer thread reads the hole into the page cache, the hole never counts as log, closed segments never
 * keep it, and after a crash it is a torn tail that recovery removes.
 */
class PartitionLogWarmingTest {

  /** Smaller than the warmer's reach, so that the hole always ends at the segment's largest size. */
  private static final int SEGMENT_BYTES = 64 * 1024;

  @TempDir
  Path tempDir;

  private final List<PartitionLog> opened = new ArrayList<>();
  private FaultyStorageIo io = new FaultyStorageIo();
  private PageCacheWarmer warmer = PageCacheWarmer.start("test-warm", io);

  private Path dir() {
    return tempDir.resolve("accounts-0");
  }

  private Path segmentFile(long baseOffset) {
    return SegmentFiles.logFile(dir(), baseOffset);
  }

  private static TopicConfig config(FlushMode mode) {
    return smallSegments(SEGMENT_BYTES).setFlushMode(mode);
  }

  private PartitionLog open(FlushMode mode) {
    PartitionLog log = PartitionLog.open(dir(), config(mode), io, () -> START_MS, warmer);
    opened.add(log);
    return log;
  }

  /** Simulates kill -9: every file handle is gone, nothing more is written, no marker. */
  private void crash() throws IOException {
    warmer.close();
    io.crash();
    opened.clear();
    io = new FaultyStorageIo();
    warmer = PageCacheWarmer.start("test-warm", io);
  }

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
    warmer.close();
  }

  private void awaitWarmed() throws Exception {
    warmer.caughtUp().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theFirstAppendGrowsAHoleThatTheWarmerReadsIntoThePageCache() throws Exception {
    // given
    PartitionLog log = open(FlushMode.PAGE_CACHE);

    // when
    List<LogAppendInfo> infos = appendBatches(log, 5);
    awaitWarmed();

    // then: the file reaches the segment's largest size, the log ends at its last batch
    Path file = segmentFile(0);
    assertThat(Files.size(file)).isEqualTo(SEGMENT_BYTES);
    assertThat(log.sizeInBytes()).isEqualTo(dataBytes(infos, 0));
    assertThat(readAll(log)).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(log.readBatches(5, 4096, Long.MAX_VALUE).remaining()).isZero();
    // one range was asked for, from the end of the first batch; the later batches all lie in its first page
    assertThat(warmer.warmedBytes()).isEqualTo(SEGMENT_BYTES - infos.get(0).sizeInBytes());
    OptionalLong resident = residentBytes(file);
    if (resident.isPresent()) {
      assertThat(resident.getAsLong()).as("bytes of the segment in the page cache").isEqualTo(SEGMENT_BYTES);
    }
  }

  @Test
  void withoutAWarmerTheFileEndsAtItsLastBatch() throws IOException {
    // given
    PartitionLog log = PartitionLog.open(dir(), config(FlushMode.PAGE_CACHE), io, () -> START_MS);
    opened.add(log);

    // when
    List<LogAppendInfo> infos = appendBatches(log, 5);

    // then
    assertThat(Files.size(segmentFile(0))).isEqualTo(dataBytes(infos, 0));
  }

  @ParameterizedTest
  @EnumSource(FlushMode.class)
  void rolledAndClosedSegmentsHoldBatchesOnlyAndKafkaReadsThem(FlushMode mode) throws IOException {
    // given: enough batches for several rolls, then a clean close
    PartitionLog log = open(mode);
    List<LogAppendInfo> infos = appendBatches(log, 1500);
    long[] bases = log.segmentBaseOffsets();
    assertThat(bases.length).isGreaterThan(2);
    for (int i = 0; i < bases.length - 1; i++) {
      assertThat(Files.size(segmentFile(bases[i]))).as("rolled segment %d", bases[i])
          .isEqualTo(dataBytes(infos, bases[i]));
    }
    log.close();
    opened.clear();

    // then: every file ends at its last batch, and Kafka's reader sees all 1 500 records
    assertThat(closedSegmentsReadByKafka(dir(), bases, infos)).isEqualTo(1500);
  }

  @ParameterizedTest
  @EnumSource(FlushMode.class)
  void crashLeavesAHoleThatRecoveryRemovesKeepingEveryBatch(FlushMode mode) throws Exception {
    // given: batches written (not all fsynced) and the hole ahead of them, then kill -9
    PartitionLog log = open(mode);
    List<LogAppendInfo> infos = appendBatches(log, 7);
    log.flush();
    log.checkpointRecoveryPoint(3);
    long dataBytes = dataBytes(infos, 0);
    long fileBytes = Files.size(segmentFile(0));
    // a durable topic's preallocated zeros may reach past the hole
    assertThat(fileBytes).isGreaterThanOrEqualTo(SEGMENT_BYTES);
    crash();

    // when
    PartitionLog reopened = open(mode);

    // then: the hole is gone, every batch is kept, and appends continue, warmed again
    assertThat(reopened.recoveryReport().clean()).isFalse();
    assertThat(reopened.recoveryReport().bytesTruncated()).isEqualTo(fileBytes - dataBytes);
    assertThat(reopened.logEndOffset()).isEqualTo(7);
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, 7).boxed().toList());
    assertThat(append(reopened, 1, 60, START_MS + 7).baseOffset()).isEqualTo(7);
    awaitWarmed();
    assertThat(Files.size(segmentFile(0))).isGreaterThanOrEqualTo(SEGMENT_BYTES);
    assertThat(warmer.warmedBytes()).isPositive();
  }

  @Test
  void truncationCutsTheHoleAndTheNextAppendGrowsItAgain() throws IOException {
    // given
    PartitionLog log = open(FlushMode.PAGE_CACHE);
    List<LogAppendInfo> infos = appendBatches(log, 6);

    // when
    log.truncateTo(3);

    // then
    assertThat(Files.size(segmentFile(0))).isEqualTo(dataBytes(infos.subList(0, 3), 0));
    assertThat(append(log, 1, 60, START_MS + 3).baseOffset()).isEqualTo(3);
    assertThat(Files.size(segmentFile(0))).isEqualTo(SEGMENT_BYTES);
    assertThat(readAll(log)).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void appendsRacingTheWarmerAndItsCloseKeepEveryBatchIntact() throws IOException {
    // given: appends while the warmer reads the ranges right behind them
    PartitionLog log = open(FlushMode.PAGE_CACHE);
    appendBatches(log, 2000);

    // when: the warmer stops in the middle (a read under way is interrupted), and the appends go on
    warmer.close();
    appendBatches(log, 2000);
    log.close();
    opened.clear();

    // then: a clean reopen finds every batch whole
    PartitionLog reopened = open(FlushMode.PAGE_CACHE);
    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, 4000).boxed().toList());
  }

  @Test
  void aDiskTooFullForTheHoleStopsWarmingNotAppends() throws IOException {
    // given: room for the first batch and not one byte more
    PartitionLog log = open(FlushMode.PAGE_CACHE);
    int firstBatchBytes = TestBatches.batch(0, 1, START_MS, 60).remaining();
    io.diskFullAfter(firstBatchBytes);

    // when: the batch is written, the byte that grows the hole is refused
    LogAppendInfo first = append(log, 1, 60, START_MS);

    // then: the append succeeded and the file ends at it; once space is back, appends go on without a hole
    assertThat(first.baseOffset()).isZero();
    assertThat(io.failedWrites()).isEqualTo(1);
    assertThat(Files.size(segmentFile(0))).isEqualTo(firstBatchBytes);
    io.freeSpace();
    List<LogAppendInfo> more = appendBatches(log, 3);
    assertThat(Files.size(segmentFile(0))).isEqualTo(firstBatchBytes + dataBytes(more, 0));
    assertThat(readAll(log)).containsExactly(0L, 1L, 2L, 3L);
  }
}
