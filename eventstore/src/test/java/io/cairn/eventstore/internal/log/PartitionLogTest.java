package io.cairn.eventstore.internal.log;

import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static io.cairn.eventstore.internal.log.LogTestSupport.append;
import static io.cairn.eventstore.internal.log.LogTestSupport.baseOffsets;
import static io.cairn.eventstore.internal.log.LogTestSupport.readAll;
import static io.cairn.eventstore.internal.log.LogTestSupport.smallSegments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.spi.StorageIo;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {

  @TempDir
  Path tempDir;

  private final AtomicLong clock = new AtomicLong(START_MS);
  private final List<PartitionLog> opened = new ArrayList<>();

  private Path dir() {
    return tempDir.resolve("orders-0");
  }

  private PartitionLog open(TopicConfig config) {
    PartitionLog log = PartitionLog.open(dir(), config, StorageIo.DEFAULT, clock::get);
    opened.add(log);
    return log;
  }

  @AfterEach
  void closeLogs() {
    opened.forEach(PartitionLog::close);
  }

  @Test
  void newLogStartsEmptyWithOneSegmentAtOffsetZero() {
    // when
    PartitionLog log = open(new TopicConfig());

    // then
    assertThat(log.logStartOffset()).isZero();
    assertThat(log.logEndOffset()).isZero();
    assertThat(log.segmentBaseOffsets()).containsExactly(0L);
    assertThat(Files.exists(SegmentFiles.logFile(dir(), 0))).isTrue();
    assertThat(log.readBatches(0, 1024, Long.MAX_VALUE).remaining()).isZero();
  }

  @Test
  void appendAssignsPositionsAndReadsBackTheSameBytes() {
    // given
    PartitionLog log = open(new TopicConfig());
    ByteBuffer first = TestBatches.batch(0, 3, START_MS, 10);
    ByteBuffer second = TestBatches.batch(3, 2, START_MS + 1, 10);

    // when
    LogAppendInfo a = log.append(first);
    LogAppendInfo b = log.append(second);

    // then
    assertThat(a).isEqualTo(new LogAppendInfo(0, 2, 0, 0, first.remaining()));
    assertThat(b).isEqualTo(new LogAppendInfo(3, 4, 0, first.remaining(), second.remaining()));
    assertThat(first.position()).isZero();
    assertThat(log.logEndOffset()).isEqualTo(5);
    ByteBuffer read = log.readBatches(0, 1 << 20, Long.MAX_VALUE);
    ByteBuffer expected = ByteBuffer.allocate(first.remaining() + second.remaining()).put(first.duplicate())
        .put(second.duplicate()).flip();
    assertThat(read).isEqualTo(expected);
    assertThat(log.readBatchAt(3, a.sizeInBytes())).isEqualTo(second);
  }

  @Test
  void bytesSinceFlushCountsEveryAppendedByteUntilAFlushBegins() {
    // given
    PartitionLog log = open(new TopicConfig());
    ByteBuffer first = TestBatches.batch(0, 3, START_MS, 10);
    ByteBuffer second = TestBatches.batch(3, 2, START_MS + 1, 10);
    ByteBuffer third = TestBatches.batch(5, 1, START_MS + 2, 10);
    ByteBuffer both = ByteBuffer.allocate(second.remaining() + third.remaining()).put(second.duplicate())
        .put(third.duplicate()).flip();
    assertThat(log.bytesSinceFlush()).isZero();

    // when appended one by one and then two at once
    log.append(first);
    long afterOne = log.bytesSinceFlush();
    log.appendAll(both);
    long afterAll = log.bytesSinceFlush();
    log.flush();

    // then
    assertThat(afterOne).isEqualTo(first.remaining());
    assertThat(afterAll).isEqualTo(first.remaining() + both.remaining());
    assertThat(log.bytesSinceFlush()).isZero();
    log.append(TestBatches.batch(6, 1, START_MS + 3, 10));
    assertThat(log.bytesSinceFlush()).isPositive();
  }

  @Test
  void appendAllStoresBatchesBackToBackExactlyAsAppendedOneByOne() {
    // given: the same five batches, once appended one by one and once in one call; an index entry every 100 bytes
    TopicConfig config = new TopicConfig().setIndexIntervalBytes(100);
    PartitionLog oneByOne = open(config);
    PartitionLog together = PartitionLog.open(tempDir.resolve("together-0"), config, StorageIo.DEFAULT, clock::get);
    opened.add(together);
    List<ByteBuffer> batches = new ArrayList<>();
    for (int i = 0, offset = 0; i < 5; offset += 1 + i, i++) {
      batches.add(TestBatches.batch(offset, 1 + i, START_MS + i, 30));
    }
    ByteBuffer all = ByteBuffer.allocate(batches.stream().mapToInt(ByteBuffer::remaining).sum());
    batches.forEach(batch -> all.put(batch.duplicate()));
    all.flip();

    // when
    batches.forEach(oneByOne::append);
    LogAppendInfo info = together.appendAll(all);

    // then
    assertThat(info).isEqualTo(new LogAppendInfo(0, 14, 0, 0, all.remaining()));
    assertThat(all.position()).isZero();
    assertThat(together.logEndOffset()).isEqualTo(15);
    assertThat(together.readBatches(0, 1 << 20, Long.MAX_VALUE)).isEqualTo(all);
    for (long offset = 0; offset < 15; offset++) {
      assertThat(baseOffsets(together.readBatches(offset, 1, Long.MAX_VALUE)))
          .as("batch read from offset %d", offset)
          .isEqualTo(baseOffsets(oneByOne.readBatches(offset, 1, Long.MAX_VALUE)));
    }
  }

  @Test
  void appendAllWithABrokenLaterBatchStoresNothing() {
    // given
    PartitionLog log = open(new TopicConfig());
    append(log, 1, 10, START_MS);
    ByteBuffer first = TestBatches.batch(1, 2, START_MS, 10);
    ByteBuffer gap = TestBatches.batch(4, 1, START_MS, 10);
    ByteBuffer both = ByteBuffer.allocate(first.remaining() + gap.remaining()).put(first.duplicate())
        .put(gap.duplicate()).flip();
    ByteBuffer truncated = ByteBuffer.allocate(first.remaining() + 30).put(first.duplicate()).put(new byte[30]).flip();

    // when / then
    assertThatThrownBy(() -> log.appendAll(both)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("batch.baseOffset = 4").hasMessageContaining("follow the batch before it at offset 3");
    assertThatThrownBy(() -> log.appendAll(truncated)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at least 61 bytes");
    assertThat(log.logEndOffset()).isEqualTo(1);
    assertThat(log.sizeInBytes()).isEqualTo(TestBatches.batch(0, 1, START_MS, 10).remaining());
  }

  @Test
  void appendAtTheWrongOffsetIsRejectedAndStoresNothing() {
    // given
    PartitionLog log = open(new TopicConfig());
    append(log, 1, 10, START_MS);

    // when / then
    assertThatThrownBy(() -> log.append(TestBatches.batch(5, 1, START_MS, 10)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("batch.baseOffset = 5")
        .hasMessageContaining("log end offset 1");
    assertThat(log.logEndOffset()).isEqualTo(1);
    assertThat(log.sizeInBytes()).isEqualTo(TestBatches.batch(0, 1, START_MS, 10).remaining());
  }

  @Test
  void malformedBatchesAreRejectedWithTheFieldAndRule() {
    // given
    PartitionLog log = open(new TopicConfig().setMaxMessageBytes(200));
    ByteBuffer badMagic = TestBatches.batch(0, 1, START_MS, 10);
    badMagic.put(BatchHeader.MAGIC_OFFSET, (byte) 1);
    ByteBuffer badLength = TestBatches.batch(0, 1, START_MS, 10);
    badLength.putInt(BatchHeader.LENGTH_OFFSET, 5000);

    // when / then
    assertThatThrownBy(() -> log.append(ByteBuffer.allocate(20))).hasMessageContaining("at least 61 bytes");
    assertThatThrownBy(() -> log.append(badMagic)).hasMessageContaining("batch.magic = 1");
    assertThatThrownBy(() -> log.append(badLength)).hasMessageContaining("batch.batchLength = 5000");
    assertThatThrownBy(() -> log.append(TestBatches.batch(0, 1, START_MS, 300)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("max.message.bytes = 200");
    assertThat(log.sizeInBytes()).isZero();
  }

  @Nested
  class Rolling {

    @Test
    void rollsWhenTheNextBatchWouldExceedSegmentBytes() {
      // given: batches of about 300 bytes, segments of 1 KiB
      PartitionLog log = open(smallSegments(1024));
      int batchBytes = TestBatches.batch(0, 1, START_MS, 230).remaining();

      // when
      List<LogAppendInfo> infos = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        infos.add(append(log, 1, 230, START_MS));
      }

      // then
      int perSegment = 1024 / batchBytes;
      assertThat(log.segmentCount()).isEqualTo((10 + perSegment - 1) / perSegment);
      assertThat(log.segmentBaseOffsets()).containsExactly(
          LongStream.iterate(0, o -> o < 10, o -> o + perSegment).toArray());
      assertThat(infos.get(perSegment)).isEqualTo(new LogAppendInfo(perSegment, perSegment, perSegment, 0, batchBytes));
      assertThat(readAll(log)).containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
    }

    @Test
    void aRolledSegmentsIndexFilesAreWrittenByTheNextFlushAndLookupsUseTheEntriesInMemoryUntilThen() {
      // given: closed segments of ~300-byte batches, timestamps one apart
      PartitionLog log = rolledTenBatchesWithRisingTimestamps();
      long[] bases = log.segmentBaseOffsets();

      // then: not written by the roll, on the owner
      for (int i = 0; i < bases.length; i++) {
        assertThat(SegmentFiles.offsetIndexFile(dir(), bases[i])).as("segment %d", bases[i]).doesNotExist();
        assertThat(SegmentFiles.timeIndexFile(dir(), bases[i])).as("segment %d", bases[i]).doesNotExist();
      }
      assertThat(readAll(log)).containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
      assertThat(log.offsetForTimestamp(START_MS + bases[1])).isEqualTo(bases[1]);

      // when
      log.flush();

      // then: written for the closed segments, not for the active one; lookups answer the same from the files
      for (int i = 0; i < bases.length - 1; i++) {
        assertThat(SegmentFiles.offsetIndexFile(dir(), bases[i])).as("segment %d", bases[i]).exists();
        assertThat(SegmentFiles.timeIndexFile(dir(), bases[i])).as("segment %d", bases[i]).exists();
      }
      assertThat(SegmentFiles.offsetIndexFile(dir(), bases[bases.length - 1])).doesNotExist();
      assertThat(readAll(log)).containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
      assertThat(log.offsetForTimestamp(START_MS + bases[1])).isEqualTo(bases[1]);
      assertThat(log.offsetForTimestamp(START_MS + 9)).isEqualTo(9);
    }

    @Test
    void closingWritesTheIndexFilesThatNoFlushWroteYet() {
      // given
      PartitionLog log = rolledTenBatchesWithRisingTimestamps();
      long[] bases = log.segmentBaseOffsets();

      // when
      log.close();

      // then: every segment's, the active one's included
      for (long base : bases) {
        assertThat(SegmentFiles.offsetIndexFile(dir(), base)).as("segment %d", base).exists();
        assertThat(SegmentFiles.timeIndexFile(dir(), base)).as("segment %d", base).exists();
      }
      PartitionLog reopened = open(smallSegments(1024));
      assertThat(reopened.recoveryReport().indexFilesRebuilt()).isZero();
      assertThat(readAll(reopened)).containsExactlyElementsOf(LongStream.range(0, 10).boxed().toList());
    }

    /** A log of 1 KiB segments holding ten ~300-byte batches at START_MS + offset: three closed segments. */
    private PartitionLog rolledTenBatchesWithRisingTimestamps() {
      PartitionLog log = open(smallSegments(1024));
      for (int i = 0; i < 10; i++) {
        append(log, 1, 230, START_MS + i);
      }
      assertThat(log.segmentCount()).isGreaterThan(2);
      return log;
    }

    @Test
    void aBatchLargerThanASegmentGetsASegmentOfItsOwn() {
      // given
      PartitionLog log = open(smallSegments(1024));
      append(log, 1, 10, START_MS);

      // when
      LogAppendInfo big = append(log, 1, 3000, START_MS);
      LogAppendInfo after = append(log, 1, 10, START_MS);

      // then
      assertThat(big.segmentBaseOffset()).isEqualTo(1);
      assertThat(big.positionInSegment()).isZero();
      assertThat(after.segmentBaseOffset()).isEqualTo(2);
      assertThat(log.segmentBaseOffsets()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void rollsWhenTheActiveSegmentIsOlderThanSegmentMs() {
      // given
      PartitionLog log = open(new TopicConfig().setSegmentMs(60_000));
      append(log, 1, 10, START_MS);
      clock.addAndGet(59_999);
      append(log, 1, 10, clock.get());
      assertThat(log.segmentCount()).isEqualTo(1);

      // when
      clock.addAndGet(1);
      LogAppendInfo rolled = append(log, 1, 10, clock.get());

      // then: age counts from the first append, not the last
      assertThat(rolled.segmentBaseOffset()).isEqualTo(2);
      assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
    }

    @Test
    void anEmptySegmentNeverRollsByAge() {
      // given
      PartitionLog log = open(new TopicConfig().setSegmentMs(1000));

      // when
      clock.addAndGet(10_000);
      append(log, 1, 10, clock.get());

      // then
      assertThat(log.segmentBaseOffsets()).containsExactly(0L);
    }
  }

  @Nested
  class Reads {

    @Test
    void readFromAnOffsetInsideABatchStartsWithThatBatchUsingTheSparseIndex() {
      // given: many small batches of 3 records, index entry every 256 bytes
      PartitionLog log = open(smallSegments(1 << 20));
      for (int i = 0; i < 100; i++) {
        append(log, 3, 20, START_MS + i);
      }

      // when
      ByteBuffer fromMiddle = log.readBatches(151, 1, Long.MAX_VALUE);
      ByteBuffer fromFirst = log.readBatches(0, 1, Long.MAX_VALUE);
      ByteBuffer fromLast = log.readBatches(299, 1 << 20, Long.MAX_VALUE);

      // then
      assertThat(baseOffsets(fromMiddle)).containsExactly(150L);
      assertThat(baseOffsets(fromFirst)).containsExactly(0L);
      assertThat(baseOffsets(fromLast)).containsExactly(297L);
      assertThat(readAll(log)).hasSize(100);
    }

    @Test
    void readReturnsWholeBatchesWithinMaxBytesButAlwaysAtLeastOne() {
      // given
      PartitionLog log = open(new TopicConfig());
      for (int i = 0; i < 5; i++) {
        append(log, 1, 100, START_MS);
      }
      int batchBytes = log.readBatchAt(0, 0).remaining();

      // when
      ByteBuffer tiny = log.readBatches(0, 10, Long.MAX_VALUE);
      ByteBuffer twoAndABit = log.readBatches(1, 2 * batchBytes + batchBytes / 2, Long.MAX_VALUE);
      ByteBuffer all = log.readBatches(0, 1 << 20, Long.MAX_VALUE);

      // then
      assertThat(baseOffsets(tiny)).containsExactly(0L);
      assertThat(baseOffsets(twoAndABit)).containsExactly(1L, 2L);
      assertThat(baseOffsets(all)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void readNeverReturnsABatchReachingMaxOffsetExclusive() {
      // given: batches [0,1] [2,3] [4,5]
      PartitionLog log = open(new TopicConfig());
      for (int i = 0; i < 3; i++) {
        append(log, 2, 10, START_MS);
      }

      // when / then
      assertThat(baseOffsets(log.readBatches(0, 1 << 20, 4))).containsExactly(0L, 2L);
      assertThat(baseOffsets(log.readBatches(0, 1 << 20, 3))).containsExactly(0L);
      assertThat(log.readBatches(2, 1 << 20, 3).remaining()).as("the only batch straddles the limit").isZero();
      assertThat(log.readBatches(4, 1 << 20, 4).remaining()).isZero();
      assertThat(log.readBatches(6, 1 << 20, Long.MAX_VALUE).remaining()).as("at the log end").isZero();
      assertThatThrownBy(() -> log.readBatches(7, 100, Long.MAX_VALUE)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("fromOffset = 7");
    }

    @Test
    void readsAcrossSegmentsContinueInTheNextSegment() {
      // given
      PartitionLog log = open(smallSegments(1024));
      for (int i = 0; i < 12; i++) {
        append(log, 1, 200, START_MS);
      }
      assertThat(log.segmentCount()).isGreaterThan(2);

      // when
      long lastOfFirstSegment = log.segmentBaseOffsets()[1] - 1;
      ByteBuffer tail = log.readBatches(lastOfFirstSegment, 1 << 20, Long.MAX_VALUE);

      // then: a read stops at the segment end; the next one goes on from there
      assertThat(baseOffsets(tail)).containsExactly(lastOfFirstSegment);
      assertThat(readAll(log)).hasSize(12);
    }

    @Test
    void readBatchAtChecksThatTheBatchAtThatPositionHoldsTheOffset() {
      // given
      PartitionLog log = open(new TopicConfig());
      LogAppendInfo first = append(log, 2, 10, START_MS);
      LogAppendInfo second = append(log, 2, 10, START_MS);

      // when / then: by its base offset or by an offset inside it (a run of a multi-aggregate batch)
      assertThat(BatchHeader.baseOffset(log.readBatchAt(2, second.positionInSegment()), 0)).isEqualTo(2);
      assertThat(BatchHeader.baseOffset(log.readBatchAt(3, second.positionInSegment()), 0)).isEqualTo(2);
      assertThat(BatchHeader.baseOffset(log.readBatchAt(1, first.positionInSegment()), 0)).isZero();
      assertThatThrownBy(() -> log.readBatchAt(2, first.positionInSegment()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("batch at position 0 of")
          .hasMessageContaining("00000000000000000000.log holds offsets 0 to 1, expected one holding 2");
      assertThatThrownBy(() -> log.readBatchAt(2, 100_000)).isInstanceOf(StorageException.class)
          .hasMessageContaining("position 100000");
      assertThatThrownBy(() -> log.readBatchAt(9, 0)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void offsetForTimestampFindsTheFirstBatchAtOrAfterTheTime() {
      // given: batch i (2 records) at START_MS + 10 * i, across several segments
      PartitionLog log = open(smallSegments(1024));
      for (int i = 0; i < 30; i++) {
        append(log, 2, 50, START_MS + 10L * i);
      }
      assertThat(log.segmentCount()).isGreaterThan(3);

      // when / then
      assertThat(log.offsetForTimestamp(0)).isZero();
      assertThat(log.offsetForTimestamp(START_MS)).isZero();
      assertThat(log.offsetForTimestamp(START_MS + 1)).isEqualTo(2);
      assertThat(log.offsetForTimestamp(START_MS + 150)).isEqualTo(30);
      assertThat(log.offsetForTimestamp(START_MS + 151)).isEqualTo(32);
      assertThat(log.offsetForTimestamp(START_MS + 290)).isEqualTo(58);
      assertThat(log.offsetForTimestamp(START_MS + 291)).as("none: the log end").isEqualTo(60);
    }

    @Test
    void offsetForTimestampHandlesTimestampsThatGoBackwards() {
      // given: maxTimestamps 100, 300, 200, 400 for batches at 0, 1, 2, 3
      PartitionLog log = open(smallSegments(1024).setIndexIntervalBytes(0));
      for (long ts : new long[] {100, 300, 200, 400}) {
        append(log, 1, 10, ts);
      }

      // when / then
      assertThat(log.offsetForTimestamp(150)).isEqualTo(1);
      assertThat(log.offsetForTimestamp(250)).isEqualTo(1);
      assertThat(log.offsetForTimestamp(350)).isEqualTo(3);
    }

    @Test
    void offsetForTimestampFindsTheFirstRecordInsideABatch() {
      // given: one batch at 10..13 whose records have timestamps 100, 300, 200, 400
      PartitionLog log = open(new TopicConfig());
      for (int i = 0; i < 10; i++) {
        append(log, 1, 10, 50);
      }
      log.append(TestBatches.batch(10, new long[] {100, 300, 200, 400}, 10));

      // when / then
      assertThat(log.offsetForTimestamp(100)).isEqualTo(10);
      assertThat(log.offsetForTimestamp(150)).isEqualTo(11);
      assertThat(log.offsetForTimestamp(300)).isEqualTo(11);
      assertThat(log.offsetForTimestamp(301)).isEqualTo(13);
      assertThat(log.offsetForTimestamp(401)).isEqualTo(14);
    }

    @Test
    void scanVisitsEveryBatchFromAnOffsetUntilTheVisitorStops() {
      // given
      PartitionLog log = open(smallSegments(1024));
      List<LogAppendInfo> infos = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        infos.add(append(log, 2, 100, START_MS));
      }

      // when
      List<String> visited = new ArrayList<>();
      log.scan(13, (batch, segmentBase, position) -> {
        visited.add(BatchHeader.baseOffset(batch, batch.position()) + "@" + segmentBase + ":" + position);
        assertThat(batch.remaining()).isEqualTo(BatchHeader.sizeInBytes(batch, batch.position()));
        return true;
      });
      List<Long> firstThree = new ArrayList<>();
      log.scan(0, (batch, segmentBase, position) -> {
        firstThree.add(BatchHeader.baseOffset(batch, batch.position()));
        return firstThree.size() < 3;
      });

      // then
      List<String> expected = infos.subList(6, 20).stream()
          .map(i -> i.baseOffset() + "@" + i.segmentBaseOffset() + ":" + i.positionInSegment()).toList();
      assertThat(visited).containsExactlyElementsOf(expected);
      assertThat(firstThree).containsExactly(0L, 2L, 4L);
    }

    @Test
    void readsAfterCloseFailWithStoreClosed() {
      // given
      PartitionLog log = open(new TopicConfig());
      append(log, 1, 10, START_MS);
      log.close();

      // when / then
      assertThatThrownBy(() -> log.readBatches(0, 100, Long.MAX_VALUE)).isInstanceOf(StoreClosedException.class);
      assertThatThrownBy(() -> append(log, 1, 10, START_MS)).isInstanceOf(StoreClosedException.class);
    }
  }

  @Nested
  class Truncation {

    @Test
    void truncateToABatchBoundaryDropsEverythingFromThereAndDeletesLaterSegments() {
      // given
      PartitionLog log = open(smallSegments(1024));
      List<LogAppendInfo> infos = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        infos.add(append(log, 2, 100, START_MS + i));
      }
      log.flush();
      log.checkpointRecoveryPoint(log.logEndOffset());
      LogAppendInfo cutAt = infos.get(7);

      // when
      log.truncateTo(cutAt.baseOffset());

      // then
      assertThat(log.logEndOffset()).isEqualTo(cutAt.baseOffset());
      assertThat(log.segmentBaseOffsets()[log.segmentCount() - 1]).isEqualTo(cutAt.segmentBaseOffset());
      assertThat(log.recoveryPoint()).isEqualTo(cutAt.baseOffset());
      assertThat(readAll(log)).containsExactlyElementsOf(infos.subList(0, 7).stream().map(LogAppendInfo::baseOffset).toList());
      assertThat(log.offsetForTimestamp(START_MS + 7)).isEqualTo(cutAt.baseOffset());
      LogAppendInfo next = append(log, 1, 100, START_MS + 100);
      assertThat(next.baseOffset()).isEqualTo(cutAt.baseOffset());
      assertThat(next.segmentBaseOffset()).isEqualTo(cutAt.segmentBaseOffset());
    }

    @Test
    void truncatingIntoASegmentWhoseIndexFilesAreDueLeavesThemUnwrittenForTheSegmentIsActiveAgain() {
      // given: rolled segments whose index files no flush wrote yet
      PartitionLog log = open(smallSegments(1024));
      List<LogAppendInfo> infos = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        infos.add(append(log, 2, 100, START_MS + i));
      }
      LogAppendInfo cutAt = infos.get(7);
      long target = cutAt.segmentBaseOffset();
      assertThat(target).isPositive();

      // when
      log.truncateTo(cutAt.baseOffset());
      log.flush();

      // then: the segments before the target have theirs, the target (active) has none
      for (long base : log.segmentBaseOffsets()) {
        boolean closed = base < target;
        assertThat(Files.exists(SegmentFiles.offsetIndexFile(dir(), base))).as("segment %d", base).isEqualTo(closed);
        assertThat(Files.exists(SegmentFiles.timeIndexFile(dir(), base))).as("segment %d", base).isEqualTo(closed);
      }
      assertThat(readAll(log)).containsExactlyElementsOf(infos.subList(0, 7).stream().map(LogAppendInfo::baseOffset).toList());
    }

    @Test
    void truncateInsideABatchIsRejectedAndChangesNothing() {
      // given
      PartitionLog log = open(new TopicConfig());
      append(log, 3, 10, START_MS);
      append(log, 3, 10, START_MS);

      // when / then
      assertThatThrownBy(() -> log.truncateTo(4)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("offset = 4: must be the first offset of a batch");
      assertThat(log.logEndOffset()).isEqualTo(6);
      assertThat(readAll(log)).containsExactly(0L, 3L);
    }
  }

  @Nested
  class Retention {

    /** A log of 1 KiB segments holding {@code batches} ~300-byte batches, three per segment, all at START_MS. */
    private PartitionLog logOfSmallSegments(int batches) {
      PartitionLog log = open(smallSegments(1024));
      for (int i = 0; i < batches; i++) {
        append(log, 1, 230, START_MS);
      }
      return log;
    }

    @Test
    void retentionBySizeDeletesOldestClosedSegmentsWhileTheRestStillHoldsTheLimit() throws IOException {
      // given: three ~300-byte batches per 1 KiB segment
      PartitionLog log = logOfSmallSegments(20);
      long[] before = log.segmentBaseOffsets();
      long total = log.sizeInBytes();
      long oldestSize = Files.exists(SegmentFiles.logFile(dir(), before[0])) ? sizeOf(before[0]) : 0;

      // when: keep at least total - 2 segments' worth
      RetentionResult result = log.applyRetention(-1, total - 2 * oldestSize, clock.get());

      // then
      assertThat(result.deletedBaseOffsets()).containsExactly(before[0], before[1]);
      assertThat(result.logStartOffset()).isEqualTo(before[2]);
      assertThat(result.bytesDeleted()).isEqualTo(2 * oldestSize);
      assertThat(log.logStartOffset()).isEqualTo(before[2]);
      assertThat(log.sizeInBytes()).isEqualTo(total - 2 * oldestSize);
      assertThat(Files.exists(SegmentFiles.logFile(dir(), before[0]))).isFalse();
      assertThat(Files.exists(SegmentFiles.offsetIndexFile(dir(), before[1]))).isFalse();
      assertThat(readAll(log).get(0)).isEqualTo(before[2]);
      assertThat(baseOffsets(log.readBatches(0, 100, Long.MAX_VALUE)))
          .as("reading below the start begins at the start").containsExactly(before[2]);
      // the deleted segments are left open for the caller to close elsewhere, once
      List<Closeable> toClose = log.takeSegmentsToClose();
      assertThat(toClose).hasSize(2);
      assertThat(log.takeSegmentsToClose()).isEmpty();
      for (Closeable segment : toClose) {
        segment.close();
      }
    }

    @Test
    void aSegmentDeletedBeforeTheFlushThatWouldWriteItsIndexFilesGetsNone() throws IOException {
      // given: rolled segments whose index files no flush wrote yet
      PartitionLog log = logOfSmallSegments(20);
      long[] before = log.segmentBaseOffsets();

      // when
      RetentionResult result = log.applyRetention(-1, log.sizeInBytes() - sizeOf(before[0]), clock.get());
      log.flush();

      // then
      assertThat(result.deletedBaseOffsets()).containsExactly(before[0]);
      assertThat(SegmentFiles.offsetIndexFile(dir(), before[0])).doesNotExist();
      assertThat(SegmentFiles.timeIndexFile(dir(), before[0])).doesNotExist();
      assertThat(SegmentFiles.offsetIndexFile(dir(), before[1])).exists();
      for (Closeable segment : log.takeSegmentsToClose()) {
        segment.close();
      }
    }

    @Test
    void retentionNeverDeletesTheActiveSegment() {
      // given
      PartitionLog log = logOfSmallSegments(10);

      // when
      RetentionResult result = log.applyRetention(0, 0, START_MS + 1_000_000);

      // then
      assertThat(log.segmentCount()).isEqualTo(1);
      assertThat(result.logStartOffset()).isEqualTo(log.segmentBaseOffsets()[0]);
      assertThat(log.logEndOffset()).isEqualTo(10);
      append(log, 1, 10, START_MS);
    }

    @Test
    void retentionByTimeDeletesSegmentsWhoseNewestBatchIsOlderThanRetentionMs() {
      // given: segment timestamps grow by one hour per batch
      long hourMs = 3_600_000;
      PartitionLog log = open(smallSegments(1024));
      for (int i = 0; i < 12; i++) {
        append(log, 1, 230, START_MS + i * hourMs);
      }
      long[] before = log.segmentBaseOffsets();
      assertThat(before.length).isGreaterThan(2);
      long newestOfSecond = START_MS + (before[2] - 1) * hourMs;

      // when: now = newest of segment 2 + 5h, retention 5h -> segment 2 is exactly at the limit and stays
      RetentionResult result = log.applyRetention(5 * hourMs, -1, newestOfSecond + 5 * hourMs);

      // then
      assertThat(result.deletedBaseOffsets()).containsExactly(before[0]);
      assertThat(log.logStartOffset()).isEqualTo(before[1]);
      assertThat(log.applyRetention(5 * hourMs, -1, newestOfSecond + 5 * hourMs + 1).deletedBaseOffsets())
          .containsExactly(before[1]);
    }

    private long sizeOf(long base) {
      try {
        return Files.size(SegmentFiles.logFile(dir(), base));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
