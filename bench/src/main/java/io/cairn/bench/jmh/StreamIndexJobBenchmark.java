package io.cairn.bench.jmh;

import io.cairn.bench.BenchFiles;
import io.cairn.eventstore.internal.stream.StreamHash;
import io.cairn.eventstore.internal.stream.StreamIndex;
import io.cairn.eventstore.internal.stream.StreamIndexJob;
import io.cairn.eventstore.internal.stream.StreamIndexOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stream index's background jobs, per entry: a flush of a full 1 000 000-entry memtable to a chunk file, and a
 * merge of four such chunks into one, each run unpaced on the benchmark thread into a temporary folder (real files,
 * fsynced). The entries are the network benchmark's: runs of one event of 10 000 aggregates drawn uniformly, at
 * consecutive offsets 120 bytes apart. Each invocation builds its own index in its setup, which is not timed.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(1)
public class StreamIndexJobBenchmark {

  static final int MEMTABLE_ENTRIES = 1_000_000;
  static final int MERGE_FACTOR = 4;
  private static final int AGGREGATES = 10_000;
  private static final int RECORD_BYTES = 120;

  /** A temporary folder with a stream index fed the benchmark's entries. */
  abstract static class IndexState {

    Path dir;
    StreamIndex index;
    StreamIndexJob job;
    private long offset;
    /** Invocations so far: each one's entries are drawn with its own seed. */
    long round;

    /** Opens an index in a new folder and feeds it {@code entries} entries from offset 0. */
    void open(int entries, long seed) throws IOException {
      dir = Files.createTempDirectory("cairn-jmh-stream-index-");
      offset = 0;
      index = StreamIndex.open(dir, new StreamIndexOptions().setMemtableMaxEntries(MEMTABLE_ENTRIES)
          .setMergeFactor(MERGE_FACTOR).setMaxChunkFiles(2 * MERGE_FACTOR).setMaxFrozenMemtables(MERGE_FACTOR)
          .setJobCpuShare(1.0), 0, 0);
      long[] hashes = new long[AGGREGATES];
      long[] versions = new long[AGGREGATES];
      for (int a = 0; a < AGGREGATES; a++) {
        hashes[a] = StreamHash.hash64("bench-key-" + a);
      }
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < entries; i++) {
        int aggregate = random.nextInt(AGGREGATES);
        int position = (int) (offset * RECORD_BYTES % Integer.MAX_VALUE);
        index.add(hashes[aggregate], ++versions[aggregate], 1, offset, position);
        offset++;
      }
    }

    /** The next job the index offers once the log is durable up to its end; fails if there is none. */
    StreamIndexJob nextJob() {
      return index.nextJob(offset).orElseThrow(() -> new IllegalStateException("the index offers no job"));
    }

    /** Installs the job, closes the index and deletes the folder. */
    @TearDown(Level.Invocation)
    public void close() {
      index.install(job);
      index.close();
      BenchFiles.deleteRecursively(dir);
    }
  }

  /** A full memtable, frozen, with its flush ready to run. */
  @State(Scope.Thread)
  public static class FullMemtable extends IndexState {

    @Setup(Level.Invocation)
    public void setUp() throws IOException {
      open(MEMTABLE_ENTRIES, round++);
      job = nextJob();
    }
  }

  /** Four chunk files of one tier, with their merge ready to run. */
  @State(Scope.Thread)
  public static class FourChunks extends IndexState {

    @Setup(Level.Invocation)
    public void setUp() throws IOException {
      open(MERGE_FACTOR * MEMTABLE_ENTRIES, round++);
      for (int flushes = 0; flushes < MERGE_FACTOR; flushes++) {
        StreamIndexJob flush = nextJob();
        flush.run();
        index.install(flush);
      }
      job = nextJob();
      if (!job.isMerge()) {
        throw new IllegalStateException("expected a merge of the four chunks, the index offers " + job);
      }
    }
  }

  /** Writes the memtable's entries to a chunk file; the time is per entry. */
  @Benchmark
  @OperationsPerInvocation(MEMTABLE_ENTRIES)
  public StreamIndexJob flush(FullMemtable state) {
    state.job.run();
    return state.job;
  }

  /** Merges the four chunk files into one; the time is per entry. */
  @Benchmark
  @OperationsPerInvocation(MERGE_FACTOR * MEMTABLE_ENTRIES)
  public StreamIndexJob merge(FourChunks state) {
    state.job.run();
    return state.job;
  }
}
