package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heap use of one partition's stream index with many distinct aggregates (one batch each, the
 * worst case for the index): entries are added with flushes and merges as the partition would run
 * them, then {@link StreamIndex#memoryBytes()} and the measured heap (after GC) are printed and
 * checked against the budget of well under 200 MB for 10 M entries. Default 2 M entries; set
 * {@code -Dcairn.streamIndex.entries=10000000} for the full-size measurement. Slow (writes
 * 32 bytes per entry plus merges), hence an IT.
 */
class StreamIndexMemoryIT {

  private static final long MIB = 1024 * 1024;
  /** Budget for 10 M entries, scaled linearly; the memtable part does not scale, so this is strict for small runs. */
  private static final long BUDGET_BYTES_PER_10M = 200 * MIB;

  @TempDir
  Path dir;

  @Test
  void manyDistinctAggregatesStayWithinTheHeapBudget() throws IOException {
    // given
    int entries = Integer.getInteger("cairn.streamIndex.entries", 2_000_000);
    StreamIndexOptions options = new StreamIndexOptions();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long heapBefore = usedHeapAfterGc(memory);
    long started = System.nanoTime();

    // when
    StreamIndex index = StreamIndex.open(dir, options, 0, 0);
    int peakFrozen = 0;
    long peakMemoryBytes = 0;
    for (int i = 0; i < entries; i++) {
      index.add(StreamHash.hash64("aggregate-" + i), 1, 1, i, i);
      peakFrozen = Math.max(peakFrozen, index.frozenMemtables());
      Optional<StreamIndexJob> job = index.nextJob(i + 1);
      while (job.isPresent()) {
        peakMemoryBytes = Math.max(peakMemoryBytes, index.memoryBytes());
        job.get().run();
        assertThat(index.install(job.get())).isTrue();
        job = index.nextJob(i + 1);
      }
    }
    long addMillis = (System.nanoTime() - started) / 1_000_000;
    long reportedBytes = index.memoryBytes();
    long heapUsed = usedHeapAfterGc(memory) - heapBefore;

    // then
    long diskBytes;
    try (Stream<Path> files = Files.list(dir)) {
      diskBytes = files.mapToLong(p -> p.toFile().length()).sum();
    }
    System.out.printf("stream index: %,d entries in %,d ms; %d chunk files (%,d entries, %,d bytes on disk), "
            + "active memtable %,d entries, peak frozen %d; memoryBytes %,d (%.2f B/entry), peak during jobs %,d; "
            + "measured heap %,d bytes (%.2f B/entry)%n",
        entries, addMillis, index.chunkFiles(), index.chunkEntries(), diskBytes, index.activeEntries(), peakFrozen,
        reportedBytes, (double) reportedBytes / entries, peakMemoryBytes, heapUsed, (double) heapUsed / entries);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    StreamEntryBuffer out = new StreamEntryBuffer();
    int lookups = 200_000;
    long blocksBefore = index.blocksRead();
    long lookupStarted = System.nanoTime();
    for (int i = 0; i < lookups; i++) {
      int aggregate = random.nextInt(entries);
      assertThat(index.newestFirst(StreamHash.hash64("aggregate-" + aggregate), 0, 1, out)).as("seed %d", seed)
          .isEqualTo(1);
      assertThat(out.baseOffset(0)).as("seed %d", seed).isEqualTo(aggregate);
    }
    long lookupNanos = System.nanoTime() - lookupStarted;
    System.out.printf("latest-entry lookups: %.2f us each, %.2f blocks read each (seed %d)%n",
        lookupNanos / 1000.0 / lookups, (double) (index.blocksRead() - blocksBefore) / lookups, seed);
    long budget = BUDGET_BYTES_PER_10M * entries / 10_000_000 + 64 * MIB;
    assertThat(reportedBytes).isLessThan(budget);
    assertThat(peakMemoryBytes).isLessThan(budget);
    assertThat(heapUsed).isLessThan(budget);
    index.writeMemtables(entries);
    index.close();
    for (boolean verify : new boolean[] {false, true, false, true}) {
      long openStarted = System.nanoTime();
      StreamIndex reopened = StreamIndex.open(dir, new StreamIndexOptions(options).setVerifyEntriesOnOpen(verify), 0,
          entries);
      long openMillis = (System.nanoTime() - openStarted) / 1_000_000;
      assertThat(reopened.indexedUpToOffset()).isEqualTo(entries);
      System.out.printf("reopen with verifyEntriesOnOpen=%s: %,d ms (warm page cache)%n", verify, openMillis);
      reopened.close();
    }
  }

  private static long usedHeapAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
