package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the segments of a partition directory and recovers them, for {@link PartitionLog#open}:
 * after a clean shutdown it loads and checks the index files without scanning; after a crash it
 * scans and CRC-checks from the segment holding the offset just below the recovery point,
 * truncating a torn tail and refusing corruption below the recovery point. No file is modified
 * before every check that can refuse the open has passed. Used once, on the opening thread.
 */
final class LogLoader {

  private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

  private final Path dir;
  private final String name;
  private final TopicConfig config;
  private final StorageIo io;
  private final LongSupplier clockMs;
  private final ConcurrentSkipListMap<Long, LogSegment> segments;
  private final boolean offsetGapsAllowed;

  /** A loader that fills {@code segments} from {@code dir}. */
  LogLoader(Path dir, String name, TopicConfig config, StorageIo io, LongSupplier clockMs,
            ConcurrentSkipListMap<Long, LogSegment> segments) {
    this.dir = dir;
    this.name = name;
    this.config = config;
    this.io = io;
    this.clockMs = clockMs;
    this.segments = segments;
    this.offsetGapsAllowed = config.cleanupPolicy() == CleanupPolicy.COMPACT;
  }

  /**
   * What loading found.
   *
   * @param recoveryPoint the recovery point persisted on disk (the log end after a clean shutdown)
   * @param flushedOffset the offset below which the log is known to be durable
   * @param report        the recovery report
   */
  record Loaded(long recoveryPoint, long flushedOffset, RecoveryReport report) {
  }

  /**
   * Loads and recovers the directory into the segment map (see {@link PartitionLog#open} for the
   * rules), deletes the clean-shutdown marker and returns what happened.
   */
  Loaded load(long startedNanos) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    boolean created = !Files.isDirectory(dir);
    Files.createDirectories(dir);
    if (created && parent != null) {
      DurableFiles.fsyncDirectory(io, parent);
    }
    finishOrRollBackCompaction();
    deleteLeftoverFiles();
    long[] bases = SegmentFiles.listBaseOffsets(dir, SegmentFiles.LOG_SUFFIX);
    boolean markerExists = CleanShutdownMarker.exists(dir);
    OptionalLong markerEnd = CleanShutdownMarker.read(dir);
    OptionalLong storedPoint = RecoveryPointFile.read(dir);
    Counters counters = new Counters();
    boolean clean;
    long point;
    if (bases.length == 0) {
      if (storedPoint.orElse(0) > 0) {
        throw new StorageException(dir + " has no segment files but its recovery point is " + storedPoint.getAsLong()
            + ": batches that were fsynced are missing");
      }
      segments.put(0L, LogSegment.create(dir, 0, io, config.indexIntervalBytes(), offsetGapsAllowed));
      DurableFiles.fsyncDirectory(io, dir);
      clean = true;
      point = 0;
    } else {
      for (long base : bases) {
        segments.put(base, LogSegment.open(dir, base, io, config.indexIntervalBytes(), offsetGapsAllowed));
      }
      clean = markerEnd.isPresent() && recover(markerEnd.getAsLong(), true, counters);
      point = clean ? markerEnd.getAsLong() : storedPoint.orElse(bases[0]);
      if (!clean) {
        counters = new Counters();
        recover(point, false, counters);
      }
    }
    long logStartOffset = segments.firstKey();
    long logEndOffset = segments.lastEntry().getValue().nextOffset();
    long recoveryPoint = Math.min(clean ? logEndOffset : storedPoint.orElse(0), logEndOffset);
    if (markerExists) {
      CleanShutdownMarker.delete(io, dir);
    }
    long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    RecoveryReport report = new RecoveryReport(clean, point, counters.segmentsScanned, counters.bytesScanned,
        counters.bytesTruncated, counters.segmentsDeleted, counters.indexFilesRebuilt, logEndOffset, durationMs);
    if (clean) {
      LOG.debug("{}: opened after a clean shutdown: offsets {}..{}, {} segment(s), {} ms", name, logStartOffset,
          logEndOffset, segments.size(), durationMs);
    } else {
      LOG.info("{}: recovered from recovery point {}: scanned {} bytes in {} segment(s), truncated {} bytes, "
              + "deleted {} segment(s); offsets {}..{}, {} ms", name, point, counters.bytesScanned,
          counters.segmentsScanned, counters.bytesTruncated, counters.segmentsDeleted, logStartOffset, logEndOffset,
          durationMs);
    }
    return new Loaded(recoveryPoint, clean ? logEndOffset : recoveryPoint, report);
  }

  /**
   * Loads (clean) or recovers (unclean) every segment; see {@link PartitionLog#open}. In clean mode
   * {@code point} is the marker's log end offset and false means the files do not match it (the
   * caller then recovers as after a crash; nothing was changed). No file is modified before every
   * check that can throw has passed.
   */
  private boolean recover(long point, boolean clean, Counters counters) throws IOException {
    List<LogSegment> list = new ArrayList<>(segments.values());
    int count = list.size();
    if (clean && point < list.get(count - 1).baseOffset()) {
      LOG.warn("{}: the clean-shutdown marker says the log ends at {}, before its last segment {}; recovering as after"
          + " a crash", name, point, list.get(count - 1).logFile());
      return false;
    }
    int scanStart = clean ? count : indexOfSegmentHolding(list, Math.max(point - 1, list.get(0).baseOffset()));
    List<LogSegment> rebuilt = new ArrayList<>();
    for (int i = 0; i < scanStart; i++) {
      LogSegment segment = list.get(i);
      boolean last = i == count - 1;
      long next = last ? -1 : list.get(i + 1).baseOffset();
      Optional<String> problem = segment.loadIndexes(next);
      if (last) {
        if (problem.isEmpty()) {
          problem = segment.recoverTail(fileSizeOf(segment));
        }
        if (problem.isEmpty() && segment.nextOffset() != point) {
          problem = Optional.of("the log ends at offset " + segment.nextOffset() + ", the marker says " + point);
        }
        if (problem.isPresent()) {
          LOG.warn("{}: clean-shutdown marker found but {}; recovering as after a crash", name, problem.get());
          return false;
        }
      } else if (problem.isPresent()) {
        LOG.warn("{}: rebuilding the index files of {}: {}", name, segment.logFile(), problem.get());
        scanSegment(segment, point, true, counters);
        if (segment.nextOffset() != next && !(offsetGapsAllowed && segment.nextOffset() < next)) {
          throw new StorageException(segment.logFile() + " ends at offset " + segment.nextOffset()
              + " but the next segment starts at " + next + ": offsets below the recovery point " + point
              + " are missing or overlap");
        }
        rebuilt.add(segment);
      }
    }
    List<LogSegment> scanned = new ArrayList<>();
    boolean changed = false;
    long expectedNext = scanStart < count ? list.get(scanStart).baseOffset() : -1;
    for (int i = scanStart; i < count; i++) {
      LogSegment segment = list.get(i);
      if (!segment.acceptsBaseOffset(segment.baseOffset(), expectedNext)) {
        if (expectedNext < point) {
          throw new StorageException(list.get(i - 1).logFile() + " ends at offset " + expectedNext + " but "
              + segment.logFile() + " starts at " + segment.baseOffset() + ": offsets below the recovery point "
              + point + " are missing or overlap; refusing to open");
        }
        LOG.warn("{}: {} starts at {}, not at the end offset {} of the segment before; deleting it and later ones",
            name, segment.logFile(), segment.baseOffset(), expectedNext);
        deleteSegmentsFrom(list, i, counters);
        changed = true;
        break;
      }
      boolean truncated = scanSegment(segment, point, false, counters);
      scanned.add(segment);
      expectedNext = segment.nextOffset();
      if (truncated) {
        deleteSegmentsFrom(list, i + 1, counters);
        changed = true;
        break;
      }
    }
    LogSegment last = segments.lastEntry().getValue();
    if (!clean && last.nextOffset() < point) {
      throw new StorageException("the log ends at offset " + last.nextOffset() + " (" + last.logFile() + ", "
          + last.sizeInBytes() + " bytes) but the recovery point is " + point
          + ": batches that were fsynced are missing; refusing to open");
    }
    for (LogSegment segment : rebuilt) {
      segment.sealIndexes();
    }
    for (LogSegment segment : scanned) {
      segment.markUnflushed();
      if (segment == last) {
        segment.deleteIndexFiles();
      } else {
        segment.sealIndexes();
      }
    }
    counters.indexFilesRebuilt += 2 * (rebuilt.size() + scanned.size());
    if (changed) {
      last.channel().force(true);
      DurableFiles.fsyncDirectory(io, dir);
    }
    last.initFirstAppendMs(clockMs.getAsLong());
    return true;
  }

  /**
   * Reads and CRC-checks every batch of {@code segment}, rebuilding its indexes. A problem at an
   * offset below {@code point} (or anywhere if {@code strict}: a closed segment wholly below the
   * recovery point) throws; otherwise the file is truncated there and true returned.
   */
  private boolean scanSegment(LogSegment segment, long point, boolean strict, Counters counters) throws IOException {
    segment.resetIndexes();
    long fileSize = segment.fileSize();
    counters.segmentsScanned++;
    BatchScanner scanner = new BatchScanner(segment.channel(), 0, fileSize, BatchScanner.bufferBytesFor(fileSize), true);
    long expected = segment.baseOffset();
    while (true) {
      BatchScanner.Step step = scanner.next();
      if (step == BatchScanner.Step.END) {
        segment.setSizeInBytes((int) fileSize);
        return false;
      }
      ByteBuffer buffer = scanner.buffer();
      int at = scanner.batchStart();
      String problem = step == BatchScanner.Step.INVALID ? scanner.problem()
          : !segment.acceptsBaseOffset(BatchHeader.baseOffset(buffer, at), expected)
          ? "baseOffset is " + BatchHeader.baseOffset(buffer, at) + ", expected " + expected
          + (offsetGapsAllowed ? " or more (offsets must increase)" : " (offsets must be dense)")
          : "";
      if (!problem.isEmpty()) {
        long position = step == BatchScanner.Step.INVALID ? scanner.position() : scanner.batchPosition();
        if (strict || expected < point) {
          throw new StorageException("batch at position " + position + " of " + segment.logFile() + ": " + problem
              + "; it holds offset " + expected + ", below the recovery point " + point
              + " (fsynced data), so the log is corrupt there; refusing to open and truncate it");
        }
        LOG.warn("{}: truncating {} at position {} (offset {}): {}; {} bytes of torn or invalid tail removed",
            name, segment.logFile(), position, expected, problem, fileSize - position);
        segment.truncateFileTo((int) position);
        segment.setSizeInBytes((int) position);
        counters.bytesTruncated += fileSize - position;
        return true;
      }
      segment.indexBatch(BatchHeader.baseOffset(buffer, at), BatchHeader.lastOffset(buffer, at),
          BatchHeader.maxTimestamp(buffer, at),
          (int) scanner.batchPosition(), scanner.batchSize());
      counters.bytesScanned += scanner.batchSize();
      expected = BatchHeader.lastOffset(buffer, at) + 1;
    }
  }

  private void deleteSegmentsFrom(List<LogSegment> list, int from, Counters counters) throws IOException {
    for (int i = from; i < list.size(); i++) {
      LogSegment segment = list.get(i);
      counters.bytesTruncated += segment.fileSize();
      counters.segmentsDeleted++;
      segments.remove(segment.baseOffset());
      segment.closeAndDelete();
    }
  }

  private static int indexOfSegmentHolding(List<LogSegment> list, long offset) {
    int found = 0;
    for (int i = 0; i < list.size() && list.get(i).baseOffset() <= offset; i++) {
      found = i;
    }
    return found;
  }

  private static int fileSizeOf(LogSegment segment) throws IOException {
    return (int) segment.fileSize();
  }

  /**
   * Ends a compaction that a crash interrupted (see {@link PartitionLog#installCompaction}): if any
   * {@code <base>.log.cleaned} is left, the swap had not been committed, so every {@code .cleaned}
   * and {@code .swap} file is deleted and the old segments stay (roll back). Otherwise every
   * {@code .swap} file is renamed over its segment file (roll forward); a segment whose
   * {@code .log} is swapped in without its index files gets its old, now stale index files deleted
   * (they are rebuilt). The directory is fsynced after either.
   */
  private void finishOrRollBackCompaction() throws IOException {
    List<Path> cleaned = new ArrayList<>();
    List<Path> swaps = new ArrayList<>();
    boolean uncommitted = false;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String fileName = file.getFileName().toString();
        String withoutTemp = fileName.endsWith(SegmentFiles.TEMP_SUFFIX)
            ? fileName.substring(0, fileName.length() - SegmentFiles.TEMP_SUFFIX.length()) : fileName;
        if (withoutTemp.endsWith(SegmentFiles.CLEANED_SUFFIX) && isSegmentFileName(withoutTemp,
            SegmentFiles.CLEANED_SUFFIX)) {
          cleaned.add(file);
          uncommitted |= withoutTemp.equals(fileName) && fileName.endsWith(SegmentFiles.LOG_SUFFIX
              + SegmentFiles.CLEANED_SUFFIX);
        } else if (fileName.endsWith(SegmentFiles.SWAP_SUFFIX) && isSegmentFileName(fileName, SegmentFiles.SWAP_SUFFIX)) {
          swaps.add(file);
        }
      }
    }
    if (cleaned.isEmpty() && swaps.isEmpty()) {
      return;
    }
    if (uncommitted || swaps.isEmpty()) {
      LOG.warn("{}: rolling back an unfinished compaction: deleting {} cleaned and {} swap file(s); the old segments"
          + " stay", name, cleaned.size(), swaps.size());
      for (Path file : cleaned) {
        Files.deleteIfExists(file);
      }
      for (Path file : swaps) {
        Files.deleteIfExists(file);
      }
    } else {
      LOG.warn("{}: finishing a committed compaction: swapping in {} file(s)", name, swaps.size());
      for (Path file : cleaned) {
        Files.deleteIfExists(file);
      }
      for (Path swap : swaps) {
        OptionalLong logBase = SegmentFiles.parseBaseOffset(withoutSwapSuffix(swap).getFileName().toString(),
            SegmentFiles.LOG_SUFFIX);
        if (logBase.isPresent()) {
          deleteUnlessSwapped(SegmentFiles.offsetIndexFile(dir, logBase.getAsLong()));
          deleteUnlessSwapped(SegmentFiles.timeIndexFile(dir, logBase.getAsLong()));
        }
      }
      for (Path swap : swaps) {
        Files.move(swap, withoutSwapSuffix(swap), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    DurableFiles.fsyncDirectory(io, dir);
  }

  private static Path withoutSwapSuffix(Path swap) {
    String fileName = swap.getFileName().toString();
    return swap.resolveSibling(fileName.substring(0, fileName.length() - SegmentFiles.SWAP_SUFFIX.length()));
  }

  /** Deletes a stale index file of a segment being swapped in, unless its own swap replaces it. */
  private static void deleteUnlessSwapped(Path indexFile) throws IOException {
    if (!Files.exists(SegmentFiles.withSuffix(indexFile, SegmentFiles.SWAP_SUFFIX))) {
      Files.deleteIfExists(indexFile);
    }
  }

  /** Whether {@code fileName} is {@code <20 digits>.log|.index|.timeindex} followed by {@code suffix}. */
  private static boolean isSegmentFileName(String fileName, String suffix) {
    String stem = fileName.substring(0, fileName.length() - suffix.length());
    return SegmentFiles.parseBaseOffset(stem, SegmentFiles.LOG_SUFFIX).isPresent()
        || SegmentFiles.parseBaseOffset(stem, SegmentFiles.OFFSET_INDEX_SUFFIX).isPresent()
        || SegmentFiles.parseBaseOffset(stem, SegmentFiles.TIME_INDEX_SUFFIX).isPresent();
  }

  /** Deletes this class's temp files and index files whose segment file is gone (crash leftovers). */
  private void deleteLeftoverFiles() throws IOException {
    long[] bases = SegmentFiles.listBaseOffsets(dir, SegmentFiles.LOG_SUFFIX);
    List<Path> leftovers = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String fileName = file.getFileName().toString();
        if (isOwnTempFile(fileName)) {
          leftovers.add(file);
          continue;
        }
        OptionalLong indexBase = SegmentFiles.parseBaseOffset(fileName, SegmentFiles.OFFSET_INDEX_SUFFIX);
        if (indexBase.isEmpty()) {
          indexBase = SegmentFiles.parseBaseOffset(fileName, SegmentFiles.TIME_INDEX_SUFFIX);
        }
        if (indexBase.isPresent() && Arrays.binarySearch(bases, indexBase.getAsLong()) < 0) {
          leftovers.add(file);
        }
      }
    }
    for (Path file : leftovers) {
      LOG.info("{}: deleting leftover file {}", name, file.getFileName());
      Files.deleteIfExists(file);
    }
  }

  private static boolean isOwnTempFile(String fileName) {
    if (!fileName.endsWith(SegmentFiles.TEMP_SUFFIX)) {
      return false;
    }
    String target = fileName.substring(0, fileName.length() - SegmentFiles.TEMP_SUFFIX.length());
    return target.equals(SegmentFiles.RECOVERY_POINT_FILE) || target.equals(SegmentFiles.CLEAN_SHUTDOWN_FILE)
        || SegmentFiles.parseBaseOffset(target, SegmentFiles.OFFSET_INDEX_SUFFIX).isPresent()
        || SegmentFiles.parseBaseOffset(target, SegmentFiles.TIME_INDEX_SUFFIX).isPresent();
  }

  /** Tallies of one recovery pass. */
  private static final class Counters {
    int segmentsScanned;
    long bytesScanned;
    long bytesTruncated;
    int segmentsDeleted;
    int indexFilesRebuilt;
  }
}
