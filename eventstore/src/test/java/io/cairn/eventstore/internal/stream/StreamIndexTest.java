package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.testing.FaultyStorageIo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamIndexTest {

  private static final int MEMTABLE = 16;

  @TempDir
  Path dir;

  private final StreamEntryBuffer out = new StreamEntryBuffer();
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private StreamIndex index;

  @AfterEach
  void tearDown() {
    if (index != null) {
      index.close();
    }
    worker.shutdownNow();
  }

  private static StreamIndexOptions options() {
    return new StreamIndexOptions().setMemtableMaxEntries(MEMTABLE).setMergeFactor(2).setMaxChunkFiles(4);
  }

  private StreamIndex open(ModelLog log) {
    return open(log, options());
  }

  private StreamIndex open(ModelLog log, StreamIndexOptions options) {
    index = StreamIndex.open(dir, options, log.logStartOffset(), log.logEndOffset());
    return index;
  }

  private StreamIndex reopen(ModelLog log) {
    index.close();
    return open(log);
  }

  /** Runs every job offered (flushes and merges) and installs it, like the partition's loop would. */
  private void runAllJobs(ModelLog log) {
    while (true) {
      var job = index.nextJob(log.logEndOffset());
      if (job.isEmpty()) {
        return;
      }
      job.get().run();
      assertThat(index.install(job.get())).as("install %s", job.get()).isTrue();
    }
  }

  private List<Path> chunkFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(StreamIndex.FILE_SUFFIX)).sorted().toList();
    }
  }

  private static void flipByte(Path file, long position) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
      channel.write(one, position);
    }
  }

  /** Sets the format version in the header of chunk file {@code file} and makes its header CRC match again. */
  private static void setFormatVersion(Path file, short version) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer header = ByteBuffer.allocate(StreamChunkFile.HEADER_SIZE);
      channel.read(header, 0);
      header.putShort(StreamChunkFile.FORMAT_VERSION_OFFSET, version);
      CRC32C crc = new CRC32C();
      crc.update(header.array(), 0, StreamChunkFile.HEADER_CRC_OFFSET);
      header.putInt(StreamChunkFile.HEADER_CRC_OFFSET, (int) crc.getValue());
      channel.write(header.rewind(), 0);
    }
  }

  @Nested
  class Lookups {

    @Test
    void findReturnsTheBatchesCoveringTheVersionWindowInVersionOrder() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      log.append(index, "acc-1", 3);
      log.append(index, "acc-2", 1);
      log.append(index, "acc-1", 1);
      log.append(index, "acc-1", 5);
      long hash = log.hash("acc-1");

      // when
      index.find(hash, 4, 3, out);
      List<StreamIndexEntry> window = out.toList();
      index.find(hash, 2, 1, out);
      List<StreamIndexEntry> single = out.toList();
      index.find(hash, 10, 5, out);
      List<StreamIndexEntry> beyond = out.toList();

      // then
      assertThat(window).extracting(StreamIndexEntry::firstVersion).containsExactly(4L, 5L);
      assertThat(window).extracting(StreamIndexEntry::baseOffset).containsExactly(4L, 5L);
      assertThat(single).extracting(StreamIndexEntry::firstVersion).containsExactly(1L);
      assertThat(single.get(0).lastVersion()).isEqualTo(3);
      assertThat(beyond).isEmpty();
    }

    @Test
    void newestFirstStartsWithTheLatestBatchOfTheStream() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      log.append(index, "order-7", 2);
      log.append(index, "order-8", 1);
      ModelLog.Batch last = log.append(index, "order-7", 4);

      // when
      int found = index.newestFirst(log.hash("order-7"), 0, 1, out);

      // then
      assertThat(found).isEqualTo(1);
      assertThat(out.get(0)).isEqualTo(last.entry());
      assertThat(out.lastVersion(0)).isEqualTo(6);
      assertThat(index.newestFirst(log.hash("unknown"), 0, 5, out)).isZero();
    }

    @Test
    void aggregatesWithTheSameHashAreBothReturnedInMemoryAndInChunkFiles() {
      // given two aggregates forced onto hash 7
      ModelLog log = new ModelLog(key -> key.startsWith("x") ? 7L : 8L);
      open(log);
      log.append(index, "x-a", 2);
      log.append(index, "x-b", 1);
      log.append(index, "y", 1);
      log.append(index, "x-a", 1);
      log.append(index, "x-b", 3);

      // when / then: candidates of both, each aggregate resolved by its record key
      index.find(7L, 1, 100, out);
      assertThat(out.toList()).extracting(StreamIndexEntry::baseOffset).containsExactly(0L, 2L, 5L, 4L);
      index.newestFirst(7L, 0, 10, out);
      assertThat(out.toList()).extracting(StreamIndexEntry::baseOffset).containsExactly(5L, 4L, 2L, 0L);
      IndexChecks.assertAgreesWithModel(index, log, out);

      // and the same once written to a chunk file (an irregular run there)
      index.writeMemtables(log.logEndOffset());
      assertThat(index.chunkFiles()).isEqualTo(1);
      index.find(7L, 1, 100, out);
      assertThat(out.toList()).extracting(StreamIndexEntry::baseOffset).containsExactly(0L, 2L, 5L, 4L);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aLongStreamInAChunkIsFoundByVersionWithoutReadingEveryBlock() {
      // given one stream of 2,000 single-event batches among others, written to one chunk
      ModelLog log = ModelLog.withRealHashes();
      open(log, options().setMemtableMaxEntries(10_000));
      for (int i = 0; i < 2_000; i++) {
        log.append(index, "hot", 1);
        log.append(index, "cold-" + (i % 50), 1);
      }
      index.writeMemtables(log.logEndOffset());
      long before = index.blocksRead();

      // when
      index.find(log.hash("hot"), 1_500, 10, out);

      // then
      assertThat(out.toList()).extracting(StreamIndexEntry::firstVersion)
          .containsExactly(1500L, 1501L, 1502L, 1503L, 1504L, 1505L, 1506L, 1507L, 1508L, 1509L);
      assertThat(index.blocksRead() - before).as("blocks read").isLessThanOrEqualTo(2);
    }

    @Test
    void addRejectsBatchesOutOfOffsetOrderAndInvalidValues() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      index.add(1L, 1, 2, 0, 0);

      // then
      assertThatThrownBy(() -> index.add(1L, 3, 1, 1, 0)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("baseOffset = 1").hasMessageContaining("indexed-up-to offset 2");
      assertThatThrownBy(() -> index.add(1L, 3, 0, 2, 0)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("eventCount = 0");
      assertThatThrownBy(() -> index.add(1L, 0, 1, 2, 0)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("firstVersion = 0");
      assertThatThrownBy(() -> index.add(1L, 3, 1, 2, -1)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("position = -1");
    }
  }

  @Nested
  class Flushing {

    @Test
    void lookupsStayCorrectBeforeDuringAndAfterAFlush() throws Exception {
      // given a full memtable, frozen automatically
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE; i++) {
        log.append(index, "agg-" + (i % 5), 1 + i % 3);
      }
      assertThat(index.frozenMemtables()).isEqualTo(1);
      assertThat(index.activeEntries()).isZero();
      IndexChecks.assertAgreesWithModel(index, log, out);

      // when the job runs on a worker while the owner keeps appending and looking up
      StreamIndexJob job = index.nextJob(log.logEndOffset()).orElseThrow();
      assertThat(job.isMerge()).isFalse();
      assertThat(job.requiredDurableOffset()).isEqualTo(log.logEndOffset());
      Future<?> running = worker.submit(job::run);
      int appendsDuring = 0;
      while (!running.isDone() || appendsDuring == 0) {
        log.append(index, "agg-" + (appendsDuring % 7), 1);
        appendsDuring++;
        IndexChecks.assertAgreesWithModel(index, log, out);
        if (appendsDuring >= MEMTABLE - 1) {
          running.get(30, TimeUnit.SECONDS);
        }
      }
      running.get();
      assertThat(job.failure()).isEmpty();

      // then
      assertThat(index.install(job)).isTrue();
      assertThat(index.frozenMemtables()).isZero();
      assertThat(index.chunkFiles()).isEqualTo(1);
      assertThat(chunkFiles()).extracting(p -> p.getFileName().toString())
          .containsExactly("00000000000000000000.streams");
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aFlushIsOfferedOnlyOnceTheLogIsDurablePastTheMemtable() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < 5; i++) {
        log.append(index, "a", 1);
      }
      index.freeze();

      // then
      assertThat(index.nextJob(4)).isEmpty();
      assertThat(index.nextJob(5)).isPresent();
    }

    @Test
    void aFailedFlushKeepsTheMemtableAndIsRetried() throws IOException {
      // given a flush whose temporary file cannot be created
      ModelLog log = ModelLog.withRealHashes();
      open(log, options().setStorageIo((path, opts) -> {
        if (path.getFileName().toString().endsWith(".tmp")) {
          throw new IOException("No space left on device");
        }
        return FileChannel.open(path, opts);
      }));
      log.append(index, "a", 2);
      index.freeze();
      StreamIndexJob job = index.nextJob(log.logEndOffset()).orElseThrow();

      // when
      job.run();

      // then
      assertThat(job.failure()).get().extracting(Throwable::getMessage).asString().contains("No space left on device");
      assertThat(index.install(job)).isFalse();
      assertThat(index.frozenMemtables()).isEqualTo(1);
      IndexChecks.assertAgreesWithModel(index, log, out);
      assertThat(index.nextJob(log.logEndOffset())).as("retry").isPresent();
      assertThat(chunkFiles()).isEmpty();
    }

    @Test
    void reopeningAfterWritingTheMemtablesNeedsNoRefeed() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < 40; i++) {
        log.append(index, "s" + (i % 6), 1 + i % 2);
      }
      runAllJobs(log);
      index.writeMemtables(log.logEndOffset());

      // when
      reopen(log);

      // then
      assertThat(index.indexedUpToOffset()).isEqualTo(log.logEndOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void reopeningWithoutWritingTheActiveMemtableAsksForARefeedFromTheLastChunk() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE + 5; i++) {
        log.append(index, "s" + (i % 4), 1);
      }
      runAllJobs(log);
      long chunkEnd = index.chunkRanges().get(0).toOffsetExclusive();

      // when
      reopen(log);

      // then
      assertThat(index.indexedUpToOffset()).isEqualTo(chunkEnd).isLessThan(log.logEndOffset());
      log.refeed(index, index.indexedUpToOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void jobsRunAfterCloseDoNothingAndInstallingThemIsHarmless() throws IOException {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE; i++) {
        log.append(index, "z" + (i % 4), 1);
      }
      StreamIndexJob job = index.nextJob(log.logEndOffset()).orElseThrow();

      // when
      index.close();
      job.run();

      // then
      assertThat(index.install(job)).isFalse();
      assertThat(chunkFiles()).isEmpty();
      open(log);
      assertThat(index.indexedUpToOffset()).isZero();
    }

    @Test
    void aJobThatNeverRanIsAbandonedOnInstallAndOfferedAgain() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE; i++) {
        log.append(index, "n" + (i % 4), 1);
      }
      StreamIndexJob refused = index.nextJob(log.logEndOffset()).orElseThrow();

      // when
      boolean installed = index.install(refused);

      // then
      assertThat(installed).isFalse();
      assertThat(index.frozenMemtables()).isEqualTo(1);
      StreamIndexJob retry = index.nextJob(log.logEndOffset()).orElseThrow();
      retry.run();
      assertThat(index.install(retry)).isTrue();
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void advanceToCoversBatchesWithoutStreamEntries() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      log.append(index, "a", 1);

      // when
      index.advanceTo(10);
      index.add(log.hash("b"), 1, 1, 10, 0);

      // then
      assertThat(index.indexedUpToOffset()).isEqualTo(11);
      assertThatThrownBy(() -> index.advanceTo(5)).isInstanceOf(InvalidInputException.class);
    }
  }

  @Nested
  class Pacing {

    private StreamIndexJob frozenAndOffered(ModelLog log, String aggregate) {
      log.append(index, aggregate, 2);
      index.freeze();
      return index.nextJob(log.logEndOffset()).orElseThrow();
    }

    @Test
    void aFlushWithNothingBehindItRunsAtTheConfiguredShareUntilAnotherMemtableFreezes() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log, options().setJobCpuShare(0.25));
      StreamIndexJob flush = frozenAndOffered(log, "a");
      assertThat(flush.pacer.share()).isEqualTo(0.25);
      assertThat(flush.pacer.isHurried()).isFalse();

      // when: the next memtable freezes while the flush is still out
      log.append(index, "b", 1);
      index.freeze();

      // then
      assertThat(flush.pacer.isHurried()).isTrue();
      flush.run();
      assertThat(index.install(flush)).isTrue();
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void indexesGivenOneBudgetCountTheirRunningJobsInIt() throws Exception {
      // given: two partitions' indexes on one budget, their chunk writes held as on a stalled disk
      FaultyStorageIo io = new FaultyStorageIo();
      JobCpuBudget budget = new JobCpuBudget(0.25);
      ModelLog log = ModelLog.withRealHashes();
      ModelLog otherLog = ModelLog.withRealHashes();
      open(log, options().setJobCpuBudget(budget).setStorageIo(io));
      Path otherDir = Files.createDirectories(dir.resolve("other"));
      StreamIndex other = StreamIndex.open(otherDir, options().setJobCpuBudget(budget).setStorageIo(io),
          otherLog.logStartOffset(), otherLog.logEndOffset());
      ExecutorService otherWorker = Executors.newSingleThreadExecutor();
      try {
        StreamIndexJob flush = frozenAndOffered(log, "a");
        otherLog.append(other, "b", 2);
        other.freeze();
        StreamIndexJob otherFlush = other.nextJob(otherLog.logEndOffset()).orElseThrow();
        io.holdWrites(path -> path.getFileName().toString().endsWith(".tmp"));

        // when: both flushes run
        Future<?> running = worker.submit(flush::run);
        Future<?> otherRunning = otherWorker.submit(otherFlush::run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (io.heldWrites() < 2 && System.nanoTime() < deadline) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(io.heldWrites()).as("flushes held at their first write").isEqualTo(2);

        // then: the budget counts both while they run, and neither once they are done
        assertThat(budget.running()).isEqualTo(2);
        io.releaseWrites();
        running.get(10, TimeUnit.SECONDS);
        otherRunning.get(10, TimeUnit.SECONDS);
        assertThat(budget.running()).isZero();
        assertThat(index.install(flush)).isTrue();
        assertThat(other.install(otherFlush)).isTrue();
      } finally {
        io.releaseWrites();
        otherWorker.shutdownNow();
        other.close();
      }
    }

    @Test
    void aFlushOfferedWithAnotherMemtableWaitingRunsFlatOut() {
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      log.append(index, "a", 1);
      index.freeze();
      log.append(index, "b", 1);
      index.freeze();

      StreamIndexJob flush = index.nextJob(log.logEndOffset()).orElseThrow();

      assertThat(flush.pacer.isHurried()).isTrue();
    }

    @Test
    void aMergeRunsAtTheConfiguredShare() {
      ModelLog log = ModelLog.withRealHashes();
      open(log, options().setJobCpuShare(0.5));
      for (String aggregate : List.of("a", "b")) {
        StreamIndexJob flush = frozenAndOffered(log, aggregate);
        flush.run();
        assertThat(index.install(flush)).isTrue();
      }

      StreamIndexJob merge = index.nextJob(log.logEndOffset()).orElseThrow();

      assertThat(merge.isMerge()).isTrue();
      assertThat(merge.pacer.share()).isEqualTo(0.5);
      assertThat(merge.pacer.isHurried()).isFalse();
    }

    @Test
    void aTruncationHurriesTheJobStillOut() {
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      StreamIndexJob flush = frozenAndOffered(log, "a");

      index.truncateFrom(1);

      assertThat(flush.pacer.isHurried()).isTrue();
    }

    @Test
    void aCloseHurriesTheJobStillOut() {
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      StreamIndexJob flush = frozenAndOffered(log, "a");

      index.close();

      assertThat(flush.pacer.isHurried()).isTrue();
    }

    @Test
    void theShareMustBeAboveZeroAndAtMostOne() {
      for (double share : new double[] {0, -1, 1.5, Double.NaN}) {
        assertThatThrownBy(() -> new StreamIndexOptions().setJobCpuShare(share))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining(StreamIndexOptions.JOB_CPU_SHARE)
            .hasMessageContaining("greater than 0 and at most 1");
      }
      assertThat(new StreamIndexOptions().jobCpuShare()).isEqualTo(StreamIndexOptions.DEFAULT_JOB_CPU_SHARE);
    }
  }

  @Nested
  class Merging {

    @Test
    void adjacentChunksOfOneTierAreMergedAndLookupsStayCorrect() throws IOException {
      // given
      ModelLog log = ModelLog.withRealHashes();
      twoChunks(log, options());

      // when
      StreamIndexJob merge = index.nextJob(log.logEndOffset()).orElseThrow();
      assertThat(merge.isMerge()).isTrue();
      merge.run();
      IndexChecks.assertAgreesWithModel(index, log, out);
      assertThat(index.install(merge)).isTrue();

      // then
      assertThat(index.chunkFiles()).isEqualTo(1);
      assertThat(index.chunkRanges().get(0))
          .isEqualTo(new StreamIndex.ChunkRange(0, log.logEndOffset(), MEMTABLE * 2));
      assertThat(chunkFiles()).hasSize(1);
      assertThat(index.chunkEntries()).isEqualTo(MEMTABLE * 2);
      IndexChecks.assertAgreesWithModel(index, log, out);
      reopen(log);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void theChunksAMergeReplacesAreHandedOverOpenForClosingElsewhere() throws IOException {
      // given two chunks and their finished merge, on a storage that records closes
      FaultyStorageIo io = new FaultyStorageIo();
      ModelLog log = ModelLog.withRealHashes();
      twoChunks(log, options().setStorageIo(io));
      List<Path> inputs = chunkFiles();
      StreamIndexJob merge = runMerge(log);
      int closesBefore = io.closes().size();

      // when
      assertThat(index.install(merge)).isTrue();

      // then the install closed nothing, and hands the replaced chunks over once
      assertThat(io.closes()).hasSize(closesBefore);
      List<Closeable> retired = index.takeRetiredFiles();
      assertThat(retired).hasSize(2);
      assertThat(index.takeRetiredFiles()).isEmpty();
      for (Closeable file : retired) {
        file.close();
      }
      assertThat(io.closes().subList(closesBefore, io.closes().size())).extracting(FaultyStorageIo.Close::path)
          .containsExactlyInAnyOrderElementsOf(inputs);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void closingTheIndexClosesReplacedChunksNobodyTook() throws IOException {
      // given a merge installed whose replaced chunks were never taken
      FaultyStorageIo io = new FaultyStorageIo();
      ModelLog log = ModelLog.withRealHashes();
      twoChunks(log, options().setStorageIo(io));
      List<Path> inputs = chunkFiles();
      StreamIndexJob merge = runMerge(log);
      assertThat(index.install(merge)).isTrue();
      int closesBefore = io.closes().size();

      // when
      index.close();
      index = null;

      // then both replaced chunks and the merged one are closed
      assertThat(io.closes().subList(closesBefore, io.closes().size())).extracting(FaultyStorageIo.Close::path)
          .hasSize(3)
          .containsAll(inputs);
    }

    /** Opens the index with {@code options} and fills two chunk files through flushes. */
    private void twoChunks(ModelLog log, StreamIndexOptions options) {
      open(log, options);
      for (int i = 0; i < MEMTABLE * 2; i++) {
        log.append(index, "m" + (i % 9), 1 + i % 4);
        if (index.frozenMemtables() > 0) {
          StreamIndexJob flush = index.nextJob(log.logEndOffset()).orElseThrow();
          flush.run();
          index.install(flush);
        }
      }
      assertThat(index.chunkFiles()).isEqualTo(2);
    }

    /** Runs, and does not install, the merge the index offers. */
    private StreamIndexJob runMerge(ModelLog log) {
      StreamIndexJob merge = index.nextJob(log.logEndOffset()).orElseThrow();
      assertThat(merge.isMerge()).isTrue();
      merge.run();
      return merge;
    }

    @Test
    void mergingChunksLargerThanAMergesReadAheadKeepsEveryEntryInOrder() throws IOException {
      // given 4 000 aggregates' runs of one to three events in 16 memtables of 2 048, merged as offered: the last
      // merge reads four chunks larger than a merge input's read-ahead, so its reads end between blocks
      int aggregates = 4_000;
      int runs = 16 * 2_048;
      open(ModelLog.withRealHashes(), options().setMemtableMaxEntries(2_048).setMergeFactor(4).setMaxChunkFiles(8));
      long[] versions = new long[aggregates];
      Map<Integer, List<StreamIndexEntry>> expected = new HashMap<>();
      long offset = 0;
      long largestMergeInput = 0;
      for (int i = 0; i < runs; i++) {
        int aggregate = i * 7_919 % aggregates;
        int events = 1 + i % 3;
        StreamIndexEntry entry = new StreamIndexEntry(StreamHash.hash64("agg-" + aggregate), versions[aggregate] + 1,
            events, offset, (int) (offset * 120));
        index.add(entry.hash(), entry.firstVersion(), entry.eventCount(), entry.baseOffset(), entry.position());
        expected.computeIfAbsent(aggregate, a -> new ArrayList<>()).add(entry);
        versions[aggregate] += events;
        offset += events;
        for (var job = index.nextJob(offset); job.isPresent(); job = index.nextJob(offset)) {
          if (job.get().isMerge()) {
            for (Path chunk : chunkFiles()) {
              largestMergeInput = Math.max(largestMergeInput, Files.size(chunk));
            }
          }
          job.get().run();
          assertThat(index.install(job.get())).as("install %s", job.get()).isTrue();
        }
      }
      assertThat(index.chunkRanges()).extracting(StreamIndex.ChunkRange::entries).containsExactly(runs);
      assertThat(largestMergeInput).isGreaterThan(MergedEntries.READ_BYTES_PER_INPUT);

      // when the file is opened again, every block read and the entries' order checked
      index.close();
      index = StreamIndex.open(dir, options(), 0, offset);

      // then
      assertThat(index.chunkEntries()).isEqualTo(runs);
      assertThat(index.indexedUpToOffset()).isEqualTo(offset);
      for (int aggregate = 0; aggregate < aggregates; aggregate++) {
        index.find(StreamHash.hash64("agg-" + aggregate), 1, Integer.MAX_VALUE, out);
        assertThat(out.toList()).as("runs of agg-%d", aggregate).isEqualTo(expected.get(aggregate));
      }
    }

    @Test
    void sizeTiersKeepTheNumberOfChunksLogarithmic() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log, options().setMaxChunkFiles(100));

      // when 16 memtables are flushed with merges as offered
      for (int i = 0; i < MEMTABLE * 16; i++) {
        log.append(index, "t" + (i % 37), 1);
        runAllJobs(log);
      }

      // then 16 = 2^4 memtables end as one chunk
      assertThat(index.chunkFiles()).isEqualTo(1);
      assertThat(index.chunkEntries()).isEqualTo(MEMTABLE * 16);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aCrashAfterTheMergedFileReplacedItsFirstInputLeavesNoDuplicateAfterReopen() throws IOException {
      // given two chunks and a copy of the second one
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE * 2; i++) {
        log.append(index, "c" + (i % 5), 1);
      }
      index.writeMemtables(log.logEndOffset());
      List<Path> before = chunkFiles();
      assertThat(before).hasSize(2);
      byte[] second = Files.readAllBytes(before.get(1));

      // when the merge completes, then the second input "comes back" as if its delete never hit the disk
      StreamIndexJob merge = index.nextJob(log.logEndOffset()).orElseThrow();
      merge.run();
      index.install(merge);
      index.close();
      Files.write(before.get(1), second);
      Files.writeString(dir.resolve("00000000000000000000.streams.9.tmp"), "half-written");

      // then
      open(log);
      assertThat(index.chunkFiles()).isEqualTo(1);
      assertThat(chunkFiles()).hasSize(1);
      assertThat(dir.resolve("00000000000000000000.streams.9.tmp")).doesNotExist();
      assertThat(index.indexedUpToOffset()).isEqualTo(log.logEndOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }
  }

  @Nested
  class OpenValidation {

    /** Two chunk files [0, 16) and [16, 32) plus 4 more batches in the log. */
    private ModelLog twoChunks() {
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE * 2; i++) {
        log.append(index, "v" + (i % 3), 1);
      }
      index.writeMemtables(log.logEndOffset());
      for (int i = 0; i < 4; i++) {
        log.append(index, "v" + (i % 3), 1);
      }
      index.close();
      return log;
    }

    @Test
    void aChunkReachingPastTheLogEndIsDeletedWithEveryLaterOne() throws IOException {
      // given
      ModelLog log = twoChunks();
      log.truncateTo(20);

      // when
      open(log);

      // then
      assertThat(index.indexedUpToOffset()).isEqualTo(16);
      assertThat(chunkFiles()).extracting(p -> p.getFileName().toString())
          .containsExactly("00000000000000000000.streams");
      log.refeed(index, index.indexedUpToOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aCorruptHeaderDeletesTheChunkAndEveryLaterOne() throws IOException {
      // given
      ModelLog log = twoChunks();
      flipByte(dir.resolve(StreamIndex.chunkFileName(0)), StreamChunkFile.TO_OFFSET_OFFSET + 7);

      // when
      open(log);

      // then
      assertThat(index.indexedUpToOffset()).isZero();
      assertThat(chunkFiles()).isEmpty();
      log.refeed(index, index.indexedUpToOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aChunkOfFormatVersion1IsDeletedAndItsEntriesAreRebuiltFromTheLog() throws IOException {
      // given chunk files as Cairn wrote them before 2026-11-23 would say of themselves (fixed 32-byte entries)
      ModelLog log = twoChunks();
      setFormatVersion(dir.resolve(StreamIndex.chunkFileName(0)), (short) 1);

      // when
      open(log);

      // then the file is gone, the later one with it (coverage must be contiguous), and the log refills the index
      assertThat(index.indexedUpToOffset()).isZero();
      assertThat(chunkFiles()).isEmpty();
      log.refeed(index, index.indexedUpToOffset());
      index.writeMemtables(log.logEndOffset());
      reopen(log);
      assertThat(index.indexedUpToOffset()).isEqualTo(log.logEndOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aTruncatedChunkIsDeleted() throws IOException {
      // given
      ModelLog log = twoChunks();
      Path second = dir.resolve(StreamIndex.chunkFileName(16));
      try (FileChannel channel = FileChannel.open(second, StandardOpenOption.WRITE)) {
        channel.truncate(channel.size() - 1);
      }

      // when
      open(log);

      // then
      assertThat(index.indexedUpToOffset()).isEqualTo(16);
      assertThat(second).doesNotExist();
      log.refeed(index, index.indexedUpToOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aBitFlipInTheBloomFilterIsCaughtByTheMetaCrc() throws IOException {
      // given
      ModelLog log = twoChunks();
      Path second = dir.resolve(StreamIndex.chunkFileName(16));
      flipByte(second, Files.size(second) - 3);

      // when
      open(log);

      // then
      assertThat(index.indexedUpToOffset()).isEqualTo(16);
      assertThat(second).doesNotExist();
    }

    @Test
    void aBitFlipInAnEntryIsCaughtAtOpenByDefault() throws IOException {
      // given
      ModelLog log = twoChunks();
      flipByte(dir.resolve(StreamIndex.chunkFileName(16)), StreamChunkFile.HEADER_SIZE + 5);

      // when
      open(log);

      // then
      assertThat(index.indexedUpToOffset()).isEqualTo(16);
      assertThat(chunkFiles()).hasSize(1);
    }

    @Test
    void withoutVerificationAtOpenABitFlipInAnEntryIsCaughtWhenTheBlockIsReadAndTheFileIsDeleted()
        throws IOException {
      // given every entry of chunk 0 lies in its first block
      ModelLog log = twoChunks();
      Path first = dir.resolve(StreamIndex.chunkFileName(0));
      flipByte(first, StreamChunkFile.HEADER_SIZE + 1);
      open(log, options().setVerifyEntriesOnOpen(false));
      assertThat(index.indexedUpToOffset()).isEqualTo(32);

      // when / then
      assertThatThrownBy(() -> index.find(log.hash("v0"), 1, 100, out)).isInstanceOf(StorageException.class)
          .hasMessageContaining(first.toString()).hasMessageContaining("block 0");
      assertThat(first).doesNotExist();
      index.close();
      open(log);
      assertThat(index.indexedUpToOffset()).isZero();
      assertThat(chunkFiles()).isEmpty();
    }

    @Test
    void aChunkWhollyBelowTheLogStartIsDeleted() throws IOException {
      // given
      ModelLog log = twoChunks();
      log.advanceStart(16);

      // when
      open(log);

      // then
      assertThat(chunkFiles()).extracting(p -> p.getFileName().toString())
          .containsExactly("00000000000000000016.streams");
      assertThat(index.indexedUpToOffset()).isEqualTo(32);
    }

    @Test
    void aMissingFirstChunkDropsTheRestBecauseCoverageMustBeContiguous() throws IOException {
      // given
      ModelLog log = twoChunks();
      Files.delete(dir.resolve(StreamIndex.chunkFileName(0)));

      // when
      open(log);

      // then
      assertThat(index.indexedUpToOffset()).isZero();
      assertThat(chunkFiles()).isEmpty();
    }
  }

  @Nested
  class Truncation {

    @Test
    void truncatingInsideTheActiveMemtableDropsOnlyLaterEntries() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < 6; i++) {
        log.append(index, "t" + (i % 2), 2);
      }

      // when
      long refeedFrom = index.truncateFrom(8);
      log.truncateTo(8);

      // then
      assertThat(refeedFrom).isEqualTo(8);
      assertThat(index.indexedUpToOffset()).isEqualTo(8);
      IndexChecks.assertAgreesWithModel(index, log, out);
      log.append(index, "t1", 1);
      log.append(index, "t0", 3);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void truncatingInsideAChunkDropsItAndEverythingNewer() throws IOException {
      // given chunks [0,16), [16,32) and a frozen and an active memtable
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE * 2; i++) {
        log.append(index, "u" + (i % 3), 1);
      }
      index.writeMemtables(log.logEndOffset());
      for (int i = 0; i < MEMTABLE + 3; i++) {
        log.append(index, "u" + (i % 3), 1);
      }
      assertThat(index.frozenMemtables()).isEqualTo(1);

      // when
      long refeedFrom = index.truncateFrom(20);
      log.truncateTo(20);

      // then
      assertThat(refeedFrom).isEqualTo(16);
      assertThat(index.chunkFiles()).isEqualTo(1);
      assertThat(index.frozenMemtables()).isZero();
      assertThat(dir.resolve(StreamIndex.chunkFileName(16))).doesNotExist();
      log.refeed(index, refeedFrom);
      log.append(index, "u0", 2);
      IndexChecks.assertAgreesWithModel(index, log, out);
      index.writeMemtables(log.logEndOffset());
      reopen(log);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void truncatingAFrozenMemtableDropsItAndTheActiveOne() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE + 4; i++) {
        log.append(index, "w" + (i % 3), 1);
      }

      // when
      long refeedFrom = index.truncateFrom(10);
      log.truncateTo(10);

      // then
      assertThat(refeedFrom).isZero();
      log.refeed(index, refeedFrom);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aFlushOverTruncatedOffsetsIsCancelledWhetherOrNotItHasRenamedItsFile() throws IOException {
      // given a flush that finished (renamed) and one that has not started
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE; i++) {
        log.append(index, "f" + (i % 3), 1);
      }
      StreamIndexJob finished = index.nextJob(log.logEndOffset()).orElseThrow();
      finished.run();
      assertThat(chunkFiles()).hasSize(1);

      // when
      long refeedFrom = index.truncateFrom(4);
      log.truncateTo(4);

      // then
      assertThat(refeedFrom).isZero();
      assertThat(index.install(finished)).isFalse();
      assertThat(chunkFiles()).isEmpty();
      log.refeed(index, refeedFrom);
      for (int i = 0; i < MEMTABLE; i++) {
        log.append(index, "g" + (i % 3), 1);
      }
      StreamIndexJob notStarted = index.nextJob(log.logEndOffset()).orElseThrow();
      index.truncateFrom(2);
      log.truncateTo(2);
      notStarted.run();
      assertThat(index.install(notStarted)).isFalse();
      assertThat(chunkFiles()).isEmpty();
      log.refeed(index, index.indexedUpToOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aTruncationRacingARunningFlushNeverLeavesAFileTheIndexDoesNotKnow() throws Exception {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < MEMTABLE; i++) {
          log.append(index, "race" + (i % 4), 1);
        }
        StreamIndexJob job = index.nextJob(log.logEndOffset()).orElseThrow();

        // when the owner truncates into the memtable while the worker writes it
        Future<?> running = worker.submit(job::run);
        long offset = job.toOffset() - 1 - round % 8;
        log.truncateTo(offset);
        log.refeed(index, index.truncateFrom(offset));
        running.get(30, TimeUnit.SECONDS);

        // then
        assertThat(index.install(job)).isFalse();
        assertThat(chunkFiles()).hasSize(index.chunkFiles());
        IndexChecks.assertAgreesWithModel(index, log, out);
      }
      index.writeMemtables(log.logEndOffset());
      reopen(log);
      assertThat(index.indexedUpToOffset()).isEqualTo(log.logEndOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void aMergeOverTruncatedOffsetsIsCancelledAndItsInputsDropped() throws IOException {
      // given a merge of [0,16) and [16,32) that already replaced its inputs on disk
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < MEMTABLE * 2; i++) {
        log.append(index, "g" + (i % 3), 1);
      }
      index.writeMemtables(log.logEndOffset());
      StreamIndexJob merge = index.nextJob(log.logEndOffset()).orElseThrow();
      merge.run();

      // when
      long refeedFrom = index.truncateFrom(20);
      log.truncateTo(20);

      // then
      assertThat(refeedFrom).isZero();
      assertThat(index.install(merge)).isFalse();
      assertThat(chunkFiles()).isEmpty();
      log.refeed(index, refeedFrom);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }
  }

  @Nested
  class Retention {

    @Test
    void chunksWhollyBelowTheLogStartAreDeletedAndAStraddlingOneStays() throws IOException {
      // given chunks [0,16), [16,32), [32,48)
      ModelLog log = ModelLog.withRealHashes();
      open(log, options().setMaxChunkFiles(10).setMergeFactor(10));
      for (int i = 0; i < MEMTABLE * 3 + 2; i++) {
        log.append(index, "r" + (i % 4), 1);
      }
      index.writeMemtables(log.logEndOffset());
      assertThat(index.chunkRanges()).extracting(StreamIndex.ChunkRange::toOffsetExclusive)
          .containsExactly(16L, 32L, 50L);

      // when
      log.advanceStart(20);
      int deleted = index.deleteBelow(20);

      // then
      assertThat(deleted).isEqualTo(1);
      assertThat(index.chunkRanges().get(0)).isEqualTo(new StreamIndex.ChunkRange(16, 32, 16));
      assertThat(dir.resolve(StreamIndex.chunkFileName(0))).doesNotExist();
      IndexChecks.assertAgreesWithModel(index, log, out);
      reopen(log);
      assertThat(index.indexedUpToOffset()).isEqualTo(log.logEndOffset());
      IndexChecks.assertAgreesWithModel(index, log, out);
    }

    @Test
    void memtableEntriesBelowTheLogStartAreDroppedAndLaterFlushesLeaveThemOut() {
      // given
      ModelLog log = ModelLog.withRealHashes();
      open(log);
      for (int i = 0; i < 10; i++) {
        log.append(index, "q" + (i % 2), 1);
      }

      // when
      log.advanceStart(6);
      index.deleteBelow(6);

      // then
      assertThat(index.activeEntries()).isEqualTo(4);
      IndexChecks.assertAgreesWithModel(index, log, out);
      index.writeMemtables(log.logEndOffset());
      assertThat(index.chunkEntries()).isEqualTo(4);
      IndexChecks.assertAgreesWithModel(index, log, out);
    }
  }

  @Nested
  class Memory {

    @Test
    void aChunkFileKeepsAboutOneAndAHalfHeapBytesPerEntry() {
      // given
      int memtable = 4_096;
      open(ModelLog.withRealHashes(), options().setMemtableMaxEntries(memtable).setMergeFactor(4).setMaxChunkFiles(8));
      long empty = index.memoryBytes();

      // when 40,000 distinct aggregates, one batch each, go to chunk files
      for (int i = 0; i < 40_000; i++) {
        index.add(StreamHash.hash64("agg-" + i), 1, 1, i, i);
        for (var job = index.nextJob(i + 1); job.isPresent(); job = index.nextJob(i + 1)) {
          job.get().run();
          assertThat(index.install(job.get())).as("install %s", job.get()).isTrue();
        }
      }
      index.writeMemtables(40_000);

      // then
      assertThat(index.chunkEntries()).isEqualTo(40_000);
      double bytesPerEntry = (double) (index.memoryBytes() - empty) / index.chunkEntries();
      assertThat(bytesPerEntry).as("heap bytes per chunk entry").isBetween(1.25, 2.0);
    }

    @Test
    void aChunkFileOfAggregatesRunsTakesAFifthOfFormatVersion1sBytes() throws IOException {
      // given 100 aggregates' runs of one event each, interleaved as records of random aggregates are, about 120
      // bytes a record in the log
      open(ModelLog.withRealHashes(), options().setMemtableMaxEntries(100_000));
      long[] versions = new long[100];
      for (int offset = 0; offset < 100_000; offset++) {
        int aggregate = offset * 37 % 100;
        index.add(StreamHash.hash64("agg-" + aggregate), ++versions[aggregate], 1, offset, offset * 120);
      }

      // when
      index.writeMemtables(100_000);

      // then the 2-byte tag, a byte each of event count and offset step (100) and 2 of position step (12 000): 6
      // bytes an entry against 32 in format version 1, plus 0.2 of fences, block lengths and CRCs (a Bloom filter
      // of 100 hashes is small)
      double bytesPerEntry = (double) Files.size(chunkFiles().get(0)) / 100_000;
      assertThat(bytesPerEntry).as("file bytes per entry").isBetween(6.0, 6.5);
    }

    @Test
    void aFullMemtableCostsAbout52BytesPerEntry() {
      // given
      int entries = 8 * Memtable.PAGE_ENTRIES;
      Memtable memtable = new Memtable(0, entries);

      // when
      for (int i = 0; i < entries; i++) {
        memtable.add(StreamHash.hash64("agg-" + i), 1, 1, i, i);
      }

      // then 32 entry + 4 link + 8 * (2^18 slots / 2^17 entries) map (a partly filled last page costs more)
      double bytesPerEntry = (double) memtable.memoryBytes() / memtable.size();
      assertThat(bytesPerEntry).isBetween(44.0, 56.0);
    }
  }
}
