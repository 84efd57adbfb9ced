package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One compaction of a partition log, planned by {@link PartitionLog#prepareCompaction} on the
 * owner thread, {@linkplain #run() run} on a worker thread and installed by
 * {@link PartitionLog#installCompaction} on the owner thread. Appends continue meanwhile.
 *
 * <p>{@link #run()}:
 * <ol>
 *   <li>Builds the key map (exact key -> highest offset, see {@link KeyOffsetMap}) from every
 *       record from the first dirty offset (the end of the previous compaction, or the log start)
 *       to the log end at planning time, active segment included. If the map fills, it covers
 *       only the segments before the one where it filled, and only those are cleaned (Kafka's
 *       rule); the rest waits for the next job. A map too small for one segment fails the job.</li>
 *   <li>For each closed segment below that point, writes a cleaned copy
 *       ({@code <base>.log.cleaned} with fresh {@code .index.cleaned} and
 *       {@code .timeindex.cleaned}): a record is dropped if its key has a higher offset in the
 *       map, or if it is a tombstone (null value) whose timestamp is before
 *       {@code now - delete.retention.ms} and nothing older with its key remains. Records with a
 *       null key and control batches are kept. A batch keeping all its records is copied byte for
 *       byte; one keeping none disappears; one keeping some is re-encoded with
 *       {@link RecordBatchBuilder#resetRetaining} (same base offset, lastOffsetDelta, producer
 *       id/epoch/base sequence, compression, leader epoch, base timestamp). Offsets never change.
 *       A segment from which nothing is dropped gets no copy.</li>
 *   <li>Fsyncs every copy and the directory.</li>
 * </ol>
 * Every batch read is CRC-checked; any failure is recorded (see {@link #failure()}), the job's
 * cleaned files are deleted and nothing else is touched: {@code run()} never throws.
 *
 * <p>Thread-safety: {@code run()} once, on one thread; the owner reads the outcome after it
 * returned (handing the job back through a Future gives the needed happens-before).
 */
public final class CompactionJob {

  private static final Logger LOG = LoggerFactory.getLogger(CompactionJob.class);
  private static final int INITIAL_KEY_BYTES = 256;

  private final Path dir;
  private final String name;
  private final StorageIo io;
  private final int indexIntervalBytes;
  private final long nowMs;
  private final long deleteRetentionMs;
  private final long mapMemoryBytes;
  private final long firstDirtyOffset;
  private final long plannedEndOffset;
  private final long activeBaseOffset;
  private final long truncationEpoch;
  /** Every segment at planning time, ascending, the active one last, with its size then. */
  private final List<LogSegment> segments;
  private final int[] limitBytes;
  private final AtomicBoolean started = new AtomicBoolean();

  private volatile boolean done;
  private volatile Throwable failure;
  private final List<Cleaned> cleaned = new ArrayList<>();
  private long cleanEndOffset;
  private long recordsRemoved;
  private long minKeptTombstoneMs = Long.MAX_VALUE;
  private byte[] keyScratch = new byte[INITIAL_KEY_BYTES];

  /** A cleaned copy of one segment: its base offset, the segment it replaces and both sizes. */
  record Cleaned(long baseOffset, LogSegment original, int originalBytes, int cleanedBytes) {
  }

  CompactionJob(Path dir, String name, StorageIo io, int indexIntervalBytes, long nowMs, long deleteRetentionMs,
                long mapMemoryBytes, long firstDirtyOffset, long plannedEndOffset, long truncationEpoch,
                List<LogSegment> segments) {
    this.dir = dir;
    this.name = name;
    this.io = io;
    this.indexIntervalBytes = indexIntervalBytes;
    this.nowMs = nowMs;
    this.deleteRetentionMs = deleteRetentionMs;
    this.mapMemoryBytes = mapMemoryBytes;
    this.firstDirtyOffset = firstDirtyOffset;
    this.plannedEndOffset = plannedEndOffset;
    this.truncationEpoch = truncationEpoch;
    this.segments = List.copyOf(segments);
    this.activeBaseOffset = segments.get(segments.size() - 1).baseOffset();
    this.limitBytes = new int[segments.size()];
    for (int i = 0; i < limitBytes.length; i++) {
      limitBytes[i] = segments.get(i).sizeInBytes();
    }
    this.cleanEndOffset = firstDirtyOffset;
  }

  /** The log end offset at planning time: the key map covers records up to it. */
  public long plannedEndOffset() {
    return plannedEndOffset;
  }

  /** Whether {@link #run()} has finished (successfully or not). */
  public boolean isDone() {
    return done;
  }

  /** Why the run failed; empty while running or after success. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Worker thread: builds the key map and writes and fsyncs the cleaned copies (see the class
   * comment). Never throws; a failure is kept in {@link #failure()}. Runs at most once; later calls
   * return at once.
   */
  public void run() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    long startedNanos = System.nanoTime();
    try (RecordBatchReader reader = new RecordBatchReader(); RecordBatchBuilder builder = new RecordBatchBuilder()) {
      KeyOffsetMap map = new KeyOffsetMap(mapMemoryBytes);
      long cleanEnd = buildMap(map, reader);
      for (int i = 0; i < segments.size() - 1; i++) {
        LogSegment segment = segments.get(i);
        if (segment.baseOffset() >= cleanEnd) {
          break;
        }
        cleanSegment(segment, limitBytes[i], map, reader, builder);
      }
      if (!cleaned.isEmpty()) {
        DurableFiles.fsyncDirectory(io, dir);
      }
      cleanEndOffset = cleanEnd;
      LOG.info("{}: compaction job cleaned offsets below {} ({} keys mapped from offset {} to {}): {} segment(s) "
              + "rewritten, {} record(s) removed, {} ms", name, cleanEnd, map.size(), firstDirtyOffset,
          plannedEndOffset, cleaned.size(), recordsRemoved, (System.nanoTime() - startedNanos) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      failure = e;
      LOG.warn("{}: compaction job failed: {}", name, e.toString());
      discardFiles();
    } finally {
      done = true;
    }
  }

  /**
   * Maps every keyed record in [first dirty offset, planned end). Returns the offset below which
   * segments can be cleaned: the active segment's base, or the base of the segment in which the
   * map filled.
   */
  private long buildMap(KeyOffsetMap map, RecordBatchReader reader) throws IOException {
    boolean firstMapped = true;
    for (int i = 0; i < segments.size(); i++) {
      LogSegment segment = segments.get(i);
      long nextBase = i + 1 < segments.size() ? segments.get(i + 1).baseOffset() : Long.MAX_VALUE;
      if (nextBase <= firstDirtyOffset) {
        continue;
      }
      BatchScanner scanner = scanner(segment, limitBytes[i]);
      for (BatchScanner.Step step = scanner.next(); step != BatchScanner.Step.END; step = scanner.next()) {
        ByteBuffer buffer = ensureBatch(scanner, step, segment);
        int at = scanner.batchStart();
        if (BatchHeader.baseOffset(buffer, at) >= plannedEndOffset) {
          return activeBaseOffset;
        }
        if (BatchHeader.lastOffset(buffer, at) < firstDirtyOffset
            || (BatchHeader.attributes(buffer, at) & BatchHeader.CONTROL_FLAG_MASK) != 0) {
          continue;
        }
        reader.reset(buffer, at, true, segment.logFile().toString(), scanner.batchPosition());
        while (reader.next()) {
          long offset = reader.offset();
          if (offset < firstDirtyOffset || offset >= plannedEndOffset || reader.keyLength() < 0) {
            continue;
          }
          int keyLength = copyKey(reader);
          if (!map.put(keyScratch, keyLength, offset)) {
            if (firstMapped) {
              throw new StorageException("compaction of " + name + ": the key map (" + mapMemoryBytes + " bytes, "
                  + map.size() + " keys) cannot hold the keys of " + segment.logFile() + " from offset "
                  + firstDirtyOffset + "; give compaction more memory");
            }
            LOG.info("{}: compaction key map full with {} keys at offset {}; cleaning below segment {} only", name,
                map.size(), offset, segment.baseOffset());
            return Math.min(segment.baseOffset(), activeBaseOffset);
          }
        }
      }
      firstMapped = false;
    }
    return activeBaseOffset;
  }

  private void cleanSegment(LogSegment segment, int limit, KeyOffsetMap map, RecordBatchReader reader,
                            RecordBatchBuilder builder) throws IOException {
    LogSegment copy = LogSegment.createCleaned(dir, segment.baseOffset(), io, indexIntervalBytes);
    boolean keepCopy = false;
    try {
      long removedBefore = recordsRemoved;
      long horizonMs = nowMs - deleteRetentionMs;
      BatchScanner scanner = scanner(segment, limit);
      for (BatchScanner.Step step = scanner.next(); step != BatchScanner.Step.END; step = scanner.next()) {
        ByteBuffer buffer = ensureBatch(scanner, step, segment);
        int at = scanner.batchStart();
        if ((BatchHeader.attributes(buffer, at) & BatchHeader.CONTROL_FLAG_MASK) != 0) {
          appendTo(copy, scanner.currentBatchView());
          continue;
        }
        reader.reset(buffer, at, true, segment.logFile().toString(), scanner.batchPosition());
        builder.resetRetaining(reader);
        int count = 0;
        int kept = 0;
        while (reader.next()) {
          count++;
          if (keep(reader, map, horizonMs)) {
            builder.addRecordFrom(reader);
            kept++;
          }
        }
        recordsRemoved += count - kept;
        if (kept == count) {
          appendTo(copy, scanner.currentBatchView());
        } else if (kept > 0) {
          appendTo(copy, builder.build());
        }
      }
      if (recordsRemoved == removedBefore) {
        return;
      }
      copy.sealIndexes();
      copy.flush();
      cleaned.add(new Cleaned(segment.baseOffset(), segment, limit, copy.sizeInBytes()));
      keepCopy = true;
    } finally {
      if (keepCopy) {
        copy.close();
      } else {
        copy.closeAndDelete();
      }
    }
  }

  /** Whether the record {@code reader} is on survives (see the class comment). */
  private boolean keep(RecordBatchReader reader, KeyOffsetMap map, long horizonMs) {
    if (reader.keyLength() < 0) {
      return true;
    }
    long offset = reader.offset();
    long latest = map.get(keyScratch, copyKey(reader));
    if (latest > offset) {
      return false;
    }
    if (reader.valueLength() >= 0) {
      return true;
    }
    // A tombstone may go only when nothing older with its key can remain: it is the latest mapped,
    // or it lies in the clean part, where every key is already unique.
    boolean nothingOlderRemains = latest == offset || (latest == KeyOffsetMap.ABSENT && offset < firstDirtyOffset);
    if (reader.timestampMs() < horizonMs && nothingOlderRemains) {
      return false;
    }
    minKeptTombstoneMs = Math.min(minKeptTombstoneMs, reader.timestampMs());
    return true;
  }

  private int copyKey(RecordBatchReader reader) {
    int keyLength = reader.keyLength();
    if (keyLength > keyScratch.length) {
      keyScratch = new byte[Math.max(keyLength, 2 * keyScratch.length)];
    }
    reader.copyKey(keyScratch, 0);
    return keyLength;
  }

  private static void appendTo(LogSegment copy, ByteBuffer batch) throws IOException {
    copy.append(batch, 0);
  }

  private static BatchScanner scanner(LogSegment segment, int limit) {
    return new BatchScanner(segment.channel(), 0, limit, BatchScanner.bufferBytesFor(limit), true);
  }

  private static ByteBuffer ensureBatch(BatchScanner scanner, BatchScanner.Step step, LogSegment segment) {
    if (step == BatchScanner.Step.INVALID) {
      throw new StorageException("compaction: batch at position " + scanner.position() + " of " + segment.logFile()
          + ": " + scanner.problem());
    }
    return scanner.buffer();
  }

  /** Deletes every file this job wrote (before install, or when it is not installed). */
  void discardFiles() {
    for (LogSegment segment : segments) {
      Path log = SegmentFiles.logFile(dir, segment.baseOffset());
      for (Path file : List.of(log, SegmentFiles.offsetIndexFile(dir, segment.baseOffset()),
          SegmentFiles.timeIndexFile(dir, segment.baseOffset()))) {
        Path cleanedFile = SegmentFiles.withSuffix(file, SegmentFiles.CLEANED_SUFFIX);
        try {
          Files.deleteIfExists(cleanedFile);
          Files.deleteIfExists(DurableFiles.tempFile(cleanedFile));
        } catch (IOException e) {
          LOG.warn("{}: cannot delete {}: {} (the next open deletes it)", name, cleanedFile, e.toString());
        }
      }
    }
  }

  // ---------------------------------------------------------------- for the install (owner)

  List<Cleaned> cleaned() {
    return cleaned;
  }

  long cleanEndOffset() {
    return cleanEndOffset;
  }

  long recordsRemoved() {
    return recordsRemoved;
  }

  /** Earliest timestamp of a tombstone kept in the cleaned range, or {@code Long.MAX_VALUE}. */
  long minKeptTombstoneMs() {
    return minKeptTombstoneMs;
  }

  long truncationEpoch() {
    return truncationEpoch;
  }

  long firstDirtyOffset() {
    return firstDirtyOffset;
  }

  @Override
  public String toString() {
    return "CompactionJob[" + name + ", dirty from " + firstDirtyOffset + ", planned end " + plannedEndOffset
        + (done ? failure == null ? ", done" : ", failed: " + failure : "") + "]";
  }
}
