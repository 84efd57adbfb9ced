package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A blocking piece of stream-index maintenance, handed out by {@link StreamIndex#nextJob} on the
 * owner thread: writing a frozen memtable to a chunk file, or merging adjacent chunk files into one.
 *
 * <p>Protocol: the owner gets the job from {@code nextJob}; a worker thread calls {@link #run()}
 * (sort or merge, write a temporary file, fsync, rename, fsync the directory); then the owner MUST
 * call {@link StreamIndex#install(StreamIndexJob)} exactly once, whether {@code run} succeeded or
 * failed, which swaps the new file in (or cleans up). Until then lookups keep using the frozen
 * memtable or the input chunks, so the owner never waits. A job whose range is truncated meanwhile
 * is cancelled: its rename never happens (or its output is deleted) and install ignores it.
 *
 * <p>Thread-safety: {@code run} on one worker thread; everything else on the owner thread.
 */
public abstract sealed class StreamIndexJob permits StreamIndexJob.Flush, StreamIndexJob.Merge {

  final StreamIndex index;
  final Path target;
  final Path temporary;
  final long dropBelowOffset;
  final long fromOffset;
  final long toOffset;
  /** Keeps the job to its share of a CPU until it is hurried. */
  final WorkPacer pacer;

  volatile boolean cancelled;
  /** Set under the index's file lock once the output carries its final name. */
  boolean renamed;
  private volatile StreamChunkFile result;
  private volatile RuntimeException failure;
  private volatile boolean ran;
  private volatile boolean finished;

  StreamIndexJob(StreamIndex index, Path target, Path temporary, long fromOffset, long toOffset, long dropBelowOffset,
                 WorkPacer pacer) {
    this.index = index;
    this.pacer = pacer;
    this.target = target;
    this.temporary = temporary;
    this.fromOffset = fromOffset;
    this.toOffset = toOffset;
    this.dropBelowOffset = dropBelowOffset;
  }

  /**
   * The log offset up to which the log MUST be fsynced before {@link #run()} starts: a chunk file may
   * only describe durable batches, because at open any chunk reaching past the log end is dropped,
   * but one whose batches were lost and then re-appended differently would not be noticed.
   */
  public abstract long requiredDurableOffset();

  /** Whether this job merges chunk files (else it writes a frozen memtable). */
  public abstract boolean isMerge();

  /** First offset covered by the output file. */
  public long fromOffset() {
    return fromOffset;
  }

  /** End (exclusive) of the offsets covered by the output file. */
  public long toOffset() {
    return toOffset;
  }

  /**
   * Does the blocking work on the calling (worker) thread. Never throws: a failure is kept for
   * {@link #failure()} and reported by install. Runs at most once.
   */
  public final void run() {
    if (ran) {
      throw new IllegalStateException("stream index job " + this + " already ran");
    }
    ran = true;
    if (cancelled) {
      finished = true;
      return;
    }
    try {
      pacer.start();
      write();
      if (!index.renameInto(this)) {
        return;
      }
      index.syncDirectory();
      result = StreamChunkFile.open(target, index.storageIo(), false);
    } catch (StorageException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new StorageException("stream index job " + this + " failed: " + e, e);
    } finally {
      pacer.finish();
      deleteQuietly(temporary);
      finished = true;
    }
  }

  /** Why {@link #run()} failed, if it did. */
  public Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Lets the job run flat out from now on, not at its share of a CPU (something waits for it); any thread. */
  public void hurry() {
    pacer.hurry();
  }

  /** Whether {@link #run()} has been called. */
  public boolean hasRun() {
    return ran;
  }

  /** Marks a job that never ran as finished without doing anything (owner thread, from install). */
  void abandon() {
    ran = true;
    cancelled = true;
    finished = true;
  }

  /** Whether {@link #run()} has returned, so that the job may be installed. */
  public boolean isFinished() {
    return finished;
  }

  abstract void write();

  StreamChunkFile result() {
    return result;
  }

  static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // a leftover temporary file is removed at the next open
    }
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes a frozen memtable to a new chunk file. */
  static final class Flush extends StreamIndexJob {

    final Memtable frozen;
    private final int bloomBitsPerKey;

    Flush(StreamIndex index, Memtable frozen, Path target, Path temporary, long dropBelowOffset, int bloomBitsPerKey,
          WorkPacer pacer) {
      super(index, target, temporary, frozen.fromOffset(), frozen.toOffset(), dropBelowOffset, pacer);
      this.frozen = frozen;
      this.bloomBitsPerKey = bloomBitsPerKey;
    }

    @Override
    public long requiredDurableOffset() {
      return frozen.toOffset();
    }

    @Override
    public boolean isMerge() {
      return false;
    }

    @Override
    void write() {
      StreamChunkWriter.write(temporary, index.storageIo(), fromOffset, toOffset, SortedEntryArray.of(frozen, pacer),
          frozen.distinctHashes(), bloomBitsPerKey, dropBelowOffset, pacer);
    }

    @Override
    public String toString() {
      return "flush[" + fromOffset + ", " + toOffset + ") of " + frozen.size() + " entries to " + target.getFileName();
    }
  }

  /** Merges adjacent chunk files into one that replaces the first of them. */
  static final class Merge extends StreamIndexJob {

    final List<StreamChunkFile> inputs;
    private final int bloomBitsPerKey;

    Merge(StreamIndex index, List<StreamChunkFile> inputs, Path temporary, long dropBelowOffset, int bloomBitsPerKey,
          WorkPacer pacer) {
      super(index, inputs.get(0).path(), temporary, inputs.get(0).fromOffset(),
          inputs.get(inputs.size() - 1).toOffset(), dropBelowOffset, pacer);
      this.inputs = List.copyOf(inputs);
      this.bloomBitsPerKey = bloomBitsPerKey;
    }

    @Override
    public long requiredDurableOffset() {
      return 0;
    }

    @Override
    public boolean isMerge() {
      return true;
    }

    @Override
    void write() {
      long distinct = 0;
      for (StreamChunkFile input : inputs) {
        distinct += input.distinctHashes();
      }
      StreamChunkWriter.write(temporary, index.storageIo(), fromOffset, toOffset, new MergedEntries(inputs),
          distinct, bloomBitsPerKey, dropBelowOffset, pacer);
    }

    @Override
    public String toString() {
      return "merge[" + fromOffset + ", " + toOffset + ") of " + inputs;
    }
  }
}
