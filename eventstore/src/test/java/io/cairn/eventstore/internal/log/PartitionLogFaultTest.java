package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.testing.FaultyStorageIo;

import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static io.cairn.eventstore.internal.log.LogTestSupport.append;
import static io.cairn.eventstore.internal.log.LogTestSupport.readAll;
import static io.cairn.eventstore.internal.log.LogTestSupport.smallSegments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.PartitionReadOnlyException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.TopicConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogFaultTest {

  @TempDir
  Path tempDir;

  private final AtomicLong clock = new AtomicLong(START_MS);
  private final FaultyStorageIo io = new FaultyStorageIo();
  private final List<PartitionLog> opened = new ArrayList<>();

  private Path dir() {
    return tempDir.resolve("payments-1");
  }

  private PartitionLog open(TopicConfig config) {
    PartitionLog log = PartitionLog.open(dir(), config, io, clock::get);
    opened.add(log);
    return log;
  }

  @AfterEach
  void closeLogs() {
    io.heal();
    for (PartitionLog log : opened) {
      try {
        log.close();
      } catch (StorageException e) {
        // a failed log closes its files without a marker
      }
    }
  }

  @Test
  void diskFullFailsTheAppendClearlyKeepsEarlierDataAndWorksAgainWhenSpaceIsBack() throws IOException {
    // given
    PartitionLog log = open(new TopicConfig());
    for (int i = 0; i < 5; i++) {
      append(log, 1, 100, START_MS);
    }
    long sizeBefore = log.sizeInBytes();
    io.diskFullAfter(50);

    // when
    ByteBuffer batch = TestBatches.batch(5, 1, START_MS, 100);
    assertThatThrownBy(() -> log.append(batch))
        .isInstanceOf(StorageException.class)
        .isNotInstanceOf(PartitionReadOnlyException.class)
        .hasMessageContaining("append of the batch at offset 5")
        .hasMessageContaining("00000000000000000000.log at position " + sizeBefore)
        .hasMessageContaining(FaultyStorageIo.DISK_FULL_MESSAGE)
        .hasMessageContaining("cut back to " + sizeBefore + " bytes");

    // then
    assertThat(log.failure()).isEmpty();
    assertThat(log.logEndOffset()).isEqualTo(5);
    assertThat(Files.size(SegmentFiles.logFile(dir(), 0))).isEqualTo(sizeBefore);
    assertThat(readAll(log)).containsExactly(0L, 1L, 2L, 3L, 4L);
    io.heal();
    assertThat(log.append(batch).baseOffset()).isEqualTo(5);
    log.flush();
    assertThat(readAll(log)).hasSize(6);
  }

  /** A log of 1 KiB segments whose active segment has no room for one more ~270-byte batch. */
  private PartitionLog logWhoseNextAppendRolls() {
    PartitionLog log = open(smallSegments(1024));
    int batchBytes = TestBatches.batch(0, 1, START_MS, 200).remaining();
    for (int i = 0; i < 1024 / batchBytes; i++) {
      append(log, 1, 200, START_MS);
    }
    return log;
  }

  @Test
  void diskFullWhenAnAppendRollsFailsTheAppendAndLeavesTheLogUsable() {
    // given: the disk is full (a roll needs no bytes written: the old segment's index files are left to the next
    // flush, and preallocation and warming stop on a full disk)
    PartitionLog log = logWhoseNextAppendRolls();
    long end = log.logEndOffset();
    io.diskFullAfter(0);

    // when / then
    assertThatThrownBy(() -> append(log, 1, 200, START_MS)).isInstanceOf(StorageException.class)
        .hasMessageContaining(FaultyStorageIo.DISK_FULL_MESSAGE);
    assertThat(log.failure()).isEmpty();
    assertThat(log.logEndOffset()).isEqualTo(end);
    assertThat(readAll(log)).hasSize((int) end);
    io.heal();
    assertThat(append(log, 1, 200, START_MS).segmentBaseOffset()).isEqualTo(end);
    log.flush();
    assertThat(readAll(log)).hasSize((int) end + 1);
    assertThat(SegmentFiles.offsetIndexFile(dir(), 0)).exists();
  }

  @Test
  void aRollWhoseTrimFailsLeavesTheLogUnchangedAndUsable() {
    // given: cutting the old segment's zeros off fails
    PartitionLog log = logWhoseNextAppendRolls();
    long end = log.logEndOffset();
    io.failTruncate(true);

    // when / then
    assertThatThrownBy(() -> append(log, 1, 200, START_MS)).isInstanceOf(StorageException.class)
        .hasMessageContaining("rolling").hasMessageContaining(FaultyStorageIo.TRUNCATE_FAILED_MESSAGE)
        .hasMessageContaining("the log is unchanged");
    assertThat(log.logEndOffset()).isEqualTo(end);
    assertThat(log.segmentCount()).isEqualTo(1);
    assertThat(Files.exists(SegmentFiles.logFile(dir(), end))).isFalse();
    io.heal();
    assertThat(append(log, 1, 200, START_MS).segmentBaseOffset()).isEqualTo(end);
    assertThat(readAll(log)).hasSize((int) end + 1);
  }

  @Test
  void aFailedWriteThatCannotBeCutBackMakesTheLogReadOnly() {
    // given
    PartitionLog log = open(new TopicConfig());
    append(log, 1, 100, START_MS);
    io.diskFullAfter(10);
    io.failTruncate(true);

    // when
    assertThatThrownBy(() -> append(log, 1, 100, START_MS)).isInstanceOf(StorageException.class)
        .hasMessageContaining("is now read-only");

    // then
    io.heal();
    assertThat(log.failure()).isPresent();
    assertThatThrownBy(() -> append(log, 1, 100, START_MS)).isInstanceOf(PartitionReadOnlyException.class)
        .hasMessageContaining("payments-1 is read-only");
    assertThat(readAll(log)).containsExactly(0L);
  }

  @Test
  void anFsyncFailureMakesTheLogReadOnlyButReadsStillWork() {
    // given
    PartitionLog log = open(new TopicConfig());
    append(log, 1, 100, START_MS);
    log.flush();
    log.checkpointRecoveryPoint(log.logEndOffset());
    append(log, 1, 100, START_MS);
    io.failFsync(true);

    // when
    assertThatThrownBy(log::flush).isInstanceOf(StorageException.class)
        .hasMessageContaining("fsync of partition payments-1")
        .hasMessageContaining("read-only");

    // then: never retried as if nothing happened, even once the disk "recovers"
    io.heal();
    assertThat(log.failure()).isPresent();
    assertThat(log.flushedOffset()).isEqualTo(1);
    assertThatThrownBy(log::flush).isInstanceOf(PartitionReadOnlyException.class);
    assertThatThrownBy(() -> log.checkpointRecoveryPoint(2)).isInstanceOf(PartitionReadOnlyException.class);
    assertThatThrownBy(() -> append(log, 1, 100, START_MS)).isInstanceOf(PartitionReadOnlyException.class);
    assertThat(readAll(log)).containsExactly(0L, 1L);
    assertThat(RecoveryPointFile.read(dir())).isEqualTo(OptionalLong.of(1));
  }

  @Test
  void aFailedLogClosesWithoutAMarkerSoTheNextOpenRecovers() {
    // given
    PartitionLog log = open(new TopicConfig());
    append(log, 1, 100, START_MS);
    io.failFsync(true);
    assertThatThrownBy(log::flush).isInstanceOf(StorageException.class);
    io.heal();

    // when
    log.close();
    PartitionLog reopened = open(new TopicConfig());

    // then
    assertThat(reopened.recoveryReport().clean()).isFalse();
    assertThat(reopened.logEndOffset()).isEqualTo(1);
  }

  @Test
  void aRecoveryPointThatCannotBeWrittenLeavesTheOldOneAndTheLogWritable() {
    // given
    PartitionLog log = open(new TopicConfig());
    append(log, 1, 100, START_MS);
    log.flush();
    log.checkpointRecoveryPoint(1);
    append(log, 1, 100, START_MS);
    log.flush();
    io.diskFullAfter(0);

    // when / then
    assertThatThrownBy(() -> log.checkpointRecoveryPoint(2)).isInstanceOf(StorageException.class)
        .hasMessageContaining("the recovery point stays 1");
    io.heal();
    assertThat(log.failure()).isEmpty();
    assertThat(RecoveryPointFile.read(dir())).isEqualTo(OptionalLong.of(1));
    log.checkpointRecoveryPoint(2);
    assertThat(RecoveryPointFile.read(dir())).isEqualTo(OptionalLong.of(2));
  }

  @Test
  void theRecoveryPointNeverGoesBeyondWhatWasFlushed() {
    // given
    PartitionLog log = open(new TopicConfig());
    append(log, 3, 10, START_MS);
    long covered = log.flush();
    append(log, 3, 10, START_MS);

    // when
    log.checkpointRecoveryPoint(1_000);

    // then
    assertThat(covered).isEqualTo(3);
    assertThat(log.recoveryPoint()).isEqualTo(3);
    assertThat(RecoveryPointFile.read(dir())).isEqualTo(OptionalLong.of(3));
  }

  @Test
  void readersAndAFlusherRunConcurrentlyWithAppendsAndOnlySeeCompleteBatches() throws Exception {
    // given
    int batches = 1500;
    PartitionLog log = open(smallSegments(16 * 1024));
    List<Throwable> errors = new ArrayList<>();
    AtomicLong reads = new AtomicLong();
    Runnable reader = () -> {
      try {
        long next = 0;
        while (next < batches) {
          long end = log.logEndOffset();
          if (next >= end) {
            Thread.onSpinWait();
            continue;
          }
          List<Long> offsets = LogTestSupport.baseOffsets(log.readBatches(next, 2048, end));
          assertThat(offsets).isNotEmpty();
          assertThat(offsets.get(0)).isEqualTo(next);
          for (int i = 1; i < offsets.size(); i++) {
            assertThat(offsets.get(i)).isEqualTo(offsets.get(i - 1) + 1);
          }
          next = offsets.get(offsets.size() - 1) + 1;
          reads.incrementAndGet();
        }
      } catch (Throwable e) {
        synchronized (errors) {
          errors.add(e);
        }
      }
    };
    Thread flusher = new Thread(() -> {
      try {
        while (log.flushedOffset() < batches) {
          log.checkpointRecoveryPoint(log.flush());
        }
      } catch (Throwable e) {
        synchronized (errors) {
          errors.add(e);
        }
      }
    });
    List<Thread> threads = new ArrayList<>(List.of(new Thread(reader), new Thread(reader), flusher));
    threads.forEach(Thread::start);

    // when
    for (int i = 0; i < batches; i++) {
      append(log, 1, 40, START_MS + i);
    }
    for (Thread thread : threads) {
      thread.join(60_000);
    }

    // then
    assertThat(errors).isEmpty();
    assertThat(threads).noneMatch(Thread::isAlive);
    assertThat(log.segmentCount()).isGreaterThan(5);
    assertThat(log.recoveryPoint()).isEqualTo(batches);
    log.close();
    PartitionLog reopened = open(smallSegments(16 * 1024));
    assertThat(reopened.recoveryReport().clean()).isTrue();
    assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, batches).boxed().toList());
  }
}
