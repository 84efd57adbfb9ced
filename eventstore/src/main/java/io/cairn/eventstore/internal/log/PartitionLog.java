package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.PartitionReadOnlyException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import io.cairn.eventstore.spi.StorageIo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: an ordered list of {@link LogSegment}s in one directory, holding record
 * batches v2 with dense offsets from {@link #logStartOffset()} to {@link #logEndOffset()} - 1.
 * File names and formats are described in {@link SegmentFiles}. A topic with
 * {@code cleanup.policy=compact} may have offset gaps in its closed segments (see
 * {@link #prepareCompaction}): there offsets only strictly increase, within and across segments.
 *
 * <p>Invariants: segment {@code k + 1} starts at the end offset of segment {@code k} (at or after
 * it with gaps); only the last
 * (active) segment is appended to; every append is one whole batch whose base offset is the log end
 * offset; nothing below the persisted recovery point is ever truncated by recovery.
 *
 * <p>Threads:
 * <ul>
 *   <li>One owner thread MUST do all mutations: {@link #append}, {@link #truncateTo},
 *       {@link #applyRetention}, {@link #prepareCompaction}, {@link #installCompaction} and
 *       {@link #close}. They take no locks on the hot path. A {@link CompactionJob} runs on a
 *       worker thread between its prepare and its install, while appends go on.</li>
 *   <li>{@link #flush()} and {@link #checkpointRecoveryPoint(long)} MAY run on another thread (the
 *       fsync thread) concurrently with appends.</li>
 *   <li>Reads ({@link #readBatches}, {@link #readBatchAt}, {@link #offsetForTimestamp},
 *       {@link #scan}) MAY run on any thread concurrently with appends and see a prefix of the log:
 *       the owner writes bytes and index entries before it publishes the new end (volatile). Reads
 *       concurrent with {@link #truncateTo} may fail with {@link StorageException} or return bytes
 *       that are being removed; reads concurrent with retention may start at the new log start.</li>
 * </ul>
 *
 * <p>Failures: an I/O error while appending cuts the segment back and throws
 * {@link StorageException} (the log stays usable); if cutting back fails too, or any fsync fails,
 * the log is failed: {@link #failure()} is set and every later append or flush throws
 * {@link PartitionReadOnlyException}, while reads keep working.
 */
public final class PartitionLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
  /** How often a read retries after the segment it used was deleted by retention or truncation. */
  private static final int READ_ATTEMPTS = 3;
  /** Default heap for a compaction job's key map: 64 MiB, about a million keys of 30 bytes. */
  public static final long DEFAULT_COMPACTION_MAP_BYTES = 64L * 1024 * 1024;
  /** Returned by {@link #readFromSegment} when no batch of the segment holds the offset (a gap). */
  private static final ByteBuffer NOT_IN_SEGMENT = ByteBuffer.allocate(0);

  private final Path dir;
  private final String name;
  private final TopicConfig config;
  private final StorageIo io;
  private final LongSupplier clockMs;
  private final PageCacheWarmer warmer;
  private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
  private final AtomicBoolean dirNeedsFsync = new AtomicBoolean();
  private final boolean compacted;
  /** Owner: segments replaced by compaction, still open for readers that hold them. */
  private final List<LogSegment> retiredSegments = new ArrayList<>();
  /** Owner: segments that left the log, to be closed by whoever {@link #takeSegmentsToClose takes} them. */
  private final List<Closeable> segmentsToClose = new ArrayList<>();
  /** Owner: segments below this offset are clean (each key at most once). */
  private long firstDirtyOffset;
  /** Owner: earliest timestamp of a tombstone kept in the clean part, or Long.MAX_VALUE. */
  private long minKeptTombstoneMs = Long.MAX_VALUE;
  /** Owner: bumped by every truncation, so a compaction planned before one is not installed. */
  private long truncationEpoch;
  private long compactionMapBytes = DEFAULT_COMPACTION_MAP_BYTES;
  private CompactionJob pendingCompaction;
  private final Object flushLock = new Object();
  private final Object checkpointLock = new Object();

  private volatile LogSegment active;
  private volatile long logStartOffset;
  /** Bytes read at once by {@link #readBatchAt}: most event batches fit, larger ones need a second read. */
  static final int SPECULATIVE_BATCH_READ_BYTES = 1024;

  private volatile long logEndOffset;
  private volatile long flushedOffset;
  /** Bytes appended since the log was opened (owner writes, any thread reads). */
  private volatile long appendedBytes;
  /** {@link #appendedBytes} when the last {@link #flush()} began. */
  private volatile long appendedBytesAtFlush;
  private volatile long recoveryPoint;
  private volatile Throwable failure;
  private volatile boolean closed;
  private RecoveryReport recoveryReport;

  private PartitionLog(Path dir, TopicConfig config, StorageIo io, LongSupplier clockMs, PageCacheWarmer warmer) {
    this.dir = dir;
    this.name = String.valueOf(dir.getFileName());
    this.config = config;
    this.io = io;
    this.clockMs = clockMs;
    this.warmer = warmer;
    this.compacted = config.cleanupPolicy() == CleanupPolicy.COMPACT;
  }

  /**
   * Opens the partition log in {@code dir}, creating the directory and a first empty segment if
   * they do not exist, and recovers it:
   * <ul>
   *   <li>With a clean-shutdown marker whose log end offset matches: nothing is scanned; index files
   *       are loaded and checked (a missing or invalid one is rebuilt from its segment).</li>
   *   <li>Otherwise every batch from the start of the segment holding the offset just below the
   *       recovery point is read and CRC-checked and the indexes of those segments are rebuilt. The
   *       first batch at or above the recovery point that is torn, fails its CRC or magic, or breaks
   *       dense offsets truncates the log there (later segments are deleted). Such a batch below the
   *       recovery point throws {@link StorageException} naming file, position and reason, and no
   *       file is modified.</li>
   * </ul>
   * The marker is deleted (and the directory fsynced) before this returns.
   *
   * @param clockMs wall clock in milliseconds, used for segment age ({@code segment.ms})
   * @throws StorageException if the log cannot be read or is corrupt below its recovery point
   */
  public static PartitionLog open(Path dir, TopicConfig config, StorageIo io, LongSupplier clockMs) {
    return open(dir, config, io, clockMs, PageCacheWarmer.OFF);
  }

  /**
   * {@link #open(Path, TopicConfig, StorageIo, LongSupplier)}, with the active segment's page cache kept warm
   * ahead of its end by {@code warmer} (ADR 0015), which the caller owns and closes after the log.
   */
  public static PartitionLog open(Path dir, TopicConfig config, StorageIo io, LongSupplier clockMs,
                                  PageCacheWarmer warmer) {
    long startedNanos = System.nanoTime();
    PartitionLog log = new PartitionLog(dir, new TopicConfig(config), io, clockMs, warmer);
    try {
      LogLoader.Loaded loaded = new LogLoader(dir, log.name, log.config, io, clockMs, log.segments).load(startedNanos);
      log.active = log.segments.lastEntry().getValue();
      log.prepareActive(log.active);
      log.logStartOffset = log.segments.firstKey();
      log.logEndOffset = log.active.nextOffset();
      log.recoveryPoint = loaded.recoveryPoint();
      log.flushedOffset = loaded.flushedOffset();
      log.recoveryReport = loaded.report();
      return log;
    } catch (IOException e) {
      log.closeSegmentsQuietly();
      throw new StorageException("cannot open partition log " + dir + ": " + e, e);
    } catch (RuntimeException e) {
      log.closeSegmentsQuietly();
      throw e;
    }
  }

  // ---------------------------------------------------------------- state

  /** The partition directory. */
  public Path dir() {
    return dir;
  }

  /** The first offset still stored. */
  public long logStartOffset() {
    return logStartOffset;
  }

  /** The offset the next appended batch must start with. */
  public long logEndOffset() {
    return logEndOffset;
  }

  /** The log end offset covered by the last successful {@link #flush()} (or recovery). */
  public long flushedOffset() {
    return flushedOffset;
  }

  /**
   * Bytes appended since the last {@link #flush()} began (since open before the first): what the next
   * flush has to write back, give or take a flush still running. O(1), any thread.
   */
  public long bytesSinceFlush() {
    return appendedBytes - appendedBytesAtFlush;
  }

  /** The recovery point last persisted. */
  public long recoveryPoint() {
    return recoveryPoint;
  }

  /** Bytes of all segments' {@code .log} files. */
  public long sizeInBytes() {
    long total = 0;
    for (LogSegment segment : segments.values()) {
      total += segment.sizeInBytes();
    }
    return total;
  }

  /** Number of segments, including the active one. */
  public int segmentCount() {
    return segments.size();
  }

  /** Base offsets of the segments, ascending. */
  public long[] segmentBaseOffsets() {
    return segments.keySet().stream().mapToLong(Long::longValue).toArray();
  }

  /** What the open did to recover the log. */
  public RecoveryReport recoveryReport() {
    return recoveryReport;
  }

  /** The failure that made the log read-only, if any. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  // ---------------------------------------------------------------- appends (owner thread)

  /**
   * Appends one whole record batch v2 (the bytes from {@code batch}'s position to its limit; the
   * position is not changed) whose base offset MUST equal {@link #logEndOffset()}. Rolls first to a
   * new segment when the active one would exceed {@code segment.bytes}, is older than
   * {@code segment.ms} (from its first append) or its relative offsets would overflow. The batch's
   * CRC is not checked here: batches from outside must be validated by the caller.
   *
   * @throws InvalidInputException if the buffer is not exactly one batch header-wise, is larger than
   *     {@code max.message.bytes}, or starts at the wrong offset; nothing is written
   * @throws StorageException if writing failed; the segment was cut back and the log is unchanged
   *     (or, if cutting back failed, the log is now read-only)
   * @throws PartitionReadOnlyException if an earlier failure made the log read-only
   */
  public LogAppendInfo append(ByteBuffer batch) {
    ensureWritable();
    int at = batch.position();
    ensureAppendable(batch, at, batch.remaining(), logEndOffset);
    return write(batch, BatchHeader.lastOffset(batch, at));
  }

  /**
   * Like {@link #append}, for one or more whole batches back to back in {@code batches} (position to limit;
   * the position is not changed): the first MUST start at {@link #logEndOffset()} and each next one right
   * after the one before. They are written with one write into one segment (rolling first as for their
   * total size) and indexed one by one, so they read back exactly as if appended one at a time. Either all
   * are appended or, on an exception, none.
   *
   * @return where they were stored: the first batch's base offset and position, the last one's last offset,
   *     and their total size
   * @throws InvalidInputException as {@link #append}, naming the first batch that breaks a rule; nothing is
   *     written
   * @throws StorageException as {@link #append}
   * @throws PartitionReadOnlyException as {@link #append}
   */
  public LogAppendInfo appendAll(ByteBuffer batches) {
    ensureWritable();
    int end = batches.limit();
    long expectedBaseOffset = logEndOffset;
    int at = batches.position();
    do {
      int size = batchSizeAt(batches, at, end);
      ensureAppendable(batches, at, size, expectedBaseOffset);
      expectedBaseOffset = BatchHeader.lastOffset(batches, at) + 1;
      at += size;
    } while (at < end);
    return write(batches, expectedBaseOffset - 1);
  }

  /**
   * The size of the batch at {@code at} by its header, or, when that cannot be right (too short, or past
   * {@code end}), the bytes left, so that {@link #ensureAppendable} names the broken rule.
   */
  private static int batchSizeAt(ByteBuffer batches, int at, int end) {
    int left = end - at;
    if (left < BatchHeader.HEADER_SIZE) {
      return left;
    }
    long size = BatchHeader.LOG_OVERHEAD + (long) BatchHeader.batchLength(batches, at);
    return size < BatchHeader.HEADER_SIZE || size > left ? left : (int) size;
  }

  /** Writes checked batches ending with offset {@code lastOffset} into the active segment, rolling first. */
  private LogAppendInfo write(ByteBuffer batches, long lastOffset) {
    int size = batches.remaining();
    long baseOffset = BatchHeader.baseOffset(batches, batches.position());
    long nowMs = clockMs.getAsLong();
    LogSegment segment = maybeRoll(size, lastOffset, nowMs);
    int position = segment.sizeInBytes();
    try {
      segment.append(batches, nowMs);
    } catch (IOException e) {
      throw restoreAfterFailedAppend(segment, position, baseOffset, size, e);
    }
    logEndOffset = lastOffset + 1;
    appendedBytes += size;
    return new LogAppendInfo(baseOffset, lastOffset, segment.baseOffset(), position, size);
  }

  private void ensureAppendable(ByteBuffer batch, int at, int size, long expectedBaseOffset) {
    if (size < BatchHeader.HEADER_SIZE) {
      throw new InvalidInputException("batch", size + " bytes", "must be a whole record batch v2 of at least "
          + BatchHeader.HEADER_SIZE + " bytes");
    }
    byte magic = BatchHeader.magic(batch, at);
    if (magic != BatchHeader.MAGIC_V2) {
      throw new InvalidInputException("batch.magic", magic, "must be " + BatchHeader.MAGIC_V2 + " (record batch v2)");
    }
    int length = BatchHeader.batchLength(batch, at);
    if (BatchHeader.LOG_OVERHEAD + (long) length != size) {
      throw new InvalidInputException("batch.batchLength", length, "must make the batch exactly the " + size
          + " bytes given (" + BatchHeader.LOG_OVERHEAD + " + batchLength)");
    }
    if (size > config.maxMessageBytes()) {
      throw new InvalidInputException("batch size", size, "must be at most " + TopicConfig.MAX_MESSAGE_BYTES
          + " = " + config.maxMessageBytes());
    }
    long baseOffset = BatchHeader.baseOffset(batch, at);
    if (baseOffset != expectedBaseOffset) {
      throw new InvalidInputException("batch.baseOffset", baseOffset, expectedBaseOffset == logEndOffset
          ? "must equal the log end offset " + logEndOffset + " of " + name
          : "must follow the batch before it at offset " + expectedBaseOffset);
    }
    int lastOffsetDelta = BatchHeader.lastOffsetDelta(batch, at);
    if (lastOffsetDelta < 0 || BatchHeader.recordsCount(batch, at) < 0) {
      throw new InvalidInputException("batch.lastOffsetDelta", lastOffsetDelta, "must be >= 0 with recordsCount >= 0");
    }
  }

  private StorageException restoreAfterFailedAppend(LogSegment segment, int position, long baseOffset, int size,
                                                    IOException cause) {
    String what = "append of the batch at offset " + baseOffset + " (" + size + " bytes) to " + segment.logFile()
        + " at position " + position;
    try {
      segment.truncateFileTo(position);
    } catch (IOException restoreFailure) {
      cause.addSuppressed(restoreFailure);
      fail(cause);
      return new StorageException(what + " failed (" + cause.getMessage() + ") and cutting the file back to "
          + position + " bytes failed too (" + restoreFailure.getMessage() + "); partition " + name
          + " is now read-only", cause);
    }
    LOG.warn("{} failed: {}; the segment was cut back to {} bytes", what, cause.toString(), position);
    return new StorageException(what + " failed: " + cause.getMessage() + "; the segment was cut back to "
        + position + " bytes and the log is unchanged", cause);
  }

  private LogSegment maybeRoll(int batchBytes, long lastOffset, long nowMs) {
    LogSegment segment = active;
    if (segment.isEmpty()) {
      return segment;
    }
    boolean full = (long) segment.sizeInBytes() + batchBytes > config.segmentBytes();
    boolean old = nowMs - segment.firstAppendMs() >= config.segmentMs();
    boolean offsetsFull = lastOffset - segment.baseOffset() > Integer.MAX_VALUE;
    if (!full && !old && !offsetsFull) {
      return segment;
    }
    return roll(segment, full ? "size" : old ? "age" : "offset range");
  }

  private LogSegment roll(LogSegment current, String reason) {
    long newBase = logEndOffset;
    LogSegment next;
    try {
      next = LogSegment.create(dir, newBase, io, config.indexIntervalBytes(), compacted);
    } catch (IOException e) {
      throw new StorageException("rolling " + name + ": cannot create " + SegmentFiles.logFile(dir, newBase) + ": "
          + e.getMessage() + "; the log is unchanged", e);
    }
    try {
      current.trimToSize();
      prepareActive(next);
    } catch (IOException e) {
      try {
        next.closeAndDelete();
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new StorageException("rolling " + name + ": cannot trim " + current.logFile() + " or prepare "
          + next.logFile() + ": " + e.getMessage() + "; the log is unchanged", e);
    }
    current.sealIndexesLater();
    segments.put(newBase, next);
    dirNeedsFsync.set(true);
    active = next;
    LOG.debug("{}: rolled to segment {} ({})", name, newBase, reason);
    return next;
  }

  // ---------------------------------------------------------------- durability (fsync thread)

  /**
   * Forces every segment with unflushed bytes, every index file written since its last fsync, and
   * the directory after a segment file was created or renamed. Returns the log end offset read
   * before forcing: every batch below it is durable when this returns. Safe to call from another
   * thread concurrently with appends.
   *
   * @throws StorageException if an fsync failed; the log is then read-only, never retried as if
   *     nothing happened
   * @throws PartitionReadOnlyException if the log already failed
   */
  public long flush() {
    synchronized (flushLock) {
      ensureFlushable();
      appendedBytesAtFlush = appendedBytes;
      long end = logEndOffset;
      boolean dirDirty = dirNeedsFsync.getAndSet(false);
      try {
        for (LogSegment segment : segments.values()) {
          if (segment.hasUnflushed() && segment.flush()) {
            dirDirty = true;
          }
        }
        if (dirDirty) {
          DurableFiles.fsyncDirectory(io, dir);
        }
      } catch (IOException e) {
        fail(e);
        throw new StorageException("fsync of partition " + name + " (" + dir + ") failed: " + e.getMessage()
            + "; the partition is now read-only, writes after offset " + flushedOffset + " are not known to be durable",
            e);
      }
      if (end > flushedOffset) {
        flushedOffset = end;
      }
      return end;
    }
  }

  /**
   * Persists {@code offset} as the recovery point, capped at {@link #flushedOffset()} so that it
   * never claims more than was fsynced; does nothing if that is not above the stored one (cheap to
   * call every second). Written atomically: temp file, fsync, rename, directory fsync.
   *
   * @throws StorageException if writing failed (the old recovery point still holds) or an fsync
   *     failed (the log is then read-only)
   */
  public void checkpointRecoveryPoint(long offset) {
    synchronized (checkpointLock) {
      ensureFlushable();
      long point = Math.min(offset, flushedOffset);
      if (point > recoveryPoint) {
        writeRecoveryPoint(point);
      }
    }
  }

  private void writeRecoveryPoint(long point) {
    try {
      RecoveryPointFile.writeTemp(io, dir, point);
    } catch (IOException e) {
      throw new StorageException("writing the recovery point " + point + " of " + name + " to "
          + DurableFiles.tempFile(RecoveryPointFile.path(dir)) + " failed: " + e.getMessage()
          + "; the recovery point stays " + recoveryPoint, e);
    }
    try {
      RecoveryPointFile.commitTemp(io, dir);
    } catch (IOException e) {
      fail(e);
      throw new StorageException("fsync or rename of " + RecoveryPointFile.path(dir) + " failed: " + e.getMessage()
          + "; partition " + name + " is now read-only", e);
    }
    recoveryPoint = point;
  }

  // ---------------------------------------------------------------- reads (any thread)

  /**
   * Whole batches starting with the one holding {@code fromOffset} (or the first batch if it is
   * below the log start offset), about {@code maxBytes} at most but at least one batch if one lies
   * entirely below {@code maxOffsetExclusive}, and none reaching {@code maxOffsetExclusive}. The
   * result (position 0, limit = bytes) may stop at a segment end before {@code maxBytes}; read on
   * from the offset after its last batch. Empty if nothing is there.
   *
   * @throws InvalidInputException if {@code fromOffset} is past the log end or {@code maxBytes} is negative
   */
  public ByteBuffer readBatches(long fromOffset, int maxBytes, long maxOffsetExclusive) {
    return readBatches(fromOffset, maxBytes, maxOffsetExclusive, ByteBuffer::allocate);
  }

  /**
   * {@link #readBatches(long, int, long)}, reading into the first bytes of a buffer of {@code buffers} (given the
   * bytes needed; the buffer returned MUST have at least that capacity) instead of a new one; the result is that
   * buffer, position 0. An empty result is not one of its buffers.
   */
  public ByteBuffer readBatches(long fromOffset, int maxBytes, long maxOffsetExclusive,
                                IntFunction<ByteBuffer> buffers) {
    ensureReadable();
    if (maxBytes < 0) {
      throw new InvalidInputException("maxBytes", maxBytes, "must be >= 0");
    }
    long end = Math.min(logEndOffset, maxOffsetExclusive);
    ensureNotPastEnd("fromOffset", fromOffset);
    long from = fromOffset;
    for (int attempt = 1; ; attempt++) {
      long start = Math.max(from, logStartOffset);
      if (start >= end) {
        return ByteBuffer.allocate(0);
      }
      Map.Entry<Long, LogSegment> entry = segments.floorEntry(start);
      if (entry == null) {
        if (attempt < READ_ATTEMPTS) {
          continue;
        }
        throw new StorageException("no segment of " + name + " holds offset " + start);
      }
      LogSegment segment = entry.getValue();
      try {
        ByteBuffer result = readFromSegment(segment, start, maxBytes, end, buffers);
        if (result != NOT_IN_SEGMENT) {
          return result;
        }
        // Compaction left no batch at or after start in this segment: the next one holds the next offsets.
        Long nextBase = segments.higherKey(segment.baseOffset());
        if (nextBase == null) {
          return ByteBuffer.allocate(0);
        }
        from = nextBase;
        attempt = 0;
      } catch (IOException e) {
        handleReadFailure(segment, e, attempt);
      }
    }
  }

  private ByteBuffer readFromSegment(LogSegment segment, long startOffset, int maxBytes, long endOffsetExclusive,
                                     IntFunction<ByteBuffer> buffers) throws IOException {
    int limit = segment.sizeInBytes();
    ByteBuffer header = ByteBuffer.allocate(LogSegment.HEADER_READ_BYTES);
    int position = segment.translateOffset(startOffset, limit, header);
    if (position < 0) {
      return segment == active ? ByteBuffer.allocate(0) : NOT_IN_SEGMENT;
    }
    if (BatchHeader.lastOffset(header, 0) >= endOffsetExclusive) {
      return ByteBuffer.allocate(0);
    }
    int firstBatchBytes = segment.batchSizeAt(header, position, limit);
    int wanted = (int) Math.min(Math.max(maxBytes, firstBatchBytes), (long) limit - position);
    ByteBuffer result = buffers.apply(wanted);
    if (result.capacity() < wanted) {
      throw new IllegalStateException("a fetch needs " + wanted + " bytes, its buffer has a capacity of "
          + result.capacity());
    }
    result.clear().limit(wanted);
    segment.readFully(result, position);
    int keep = 0;
    while (result.limit() - keep >= BatchHeader.HEADER_SIZE) {
      int length = BatchHeader.batchLength(result, keep);
      if (length < BatchHeader.HEADER_SIZE - BatchHeader.LOG_OVERHEAD) {
        throw new StorageException("batch at position " + (position + keep) + " of " + segment.logFile()
            + " has batchLength " + length + ", smaller than the header");
      }
      long batchBytes = BatchHeader.LOG_OVERHEAD + (long) length;
      if (keep + batchBytes > result.limit() || BatchHeader.lastOffset(result, keep) >= endOffsetExclusive) {
        break;
      }
      keep += (int) batchBytes;
    }
    result.limit(keep);
    return result;
  }

  /**
   * Exactly the batch at {@code positionInSegment} of the segment holding {@code offset}, which MUST
   * hold {@code offset} (its base offset, as {@link LogAppendInfo} records it, or an offset inside it, as
   * a stream-index entry of a run in a multi-aggregate batch does).
   *
   * @throws InvalidInputException if {@code offset} is not in [log start, log end)
   * @throws StorageException if the batch starting there does not hold {@code offset}
   */
  public ByteBuffer readBatchAt(long offset, int positionInSegment) {
    ensureReadable();
    for (int attempt = 1; ; attempt++) {
      long start = logStartOffset;
      long end = logEndOffset;
      if (offset < start || offset >= end) {
        throw new InvalidInputException("offset", offset, "must be in [" + start + ", " + end
            + "), the stored offsets of " + name);
      }
      Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
      if (entry == null) {
        if (attempt < READ_ATTEMPTS) {
          continue;
        }
        throw new StorageException("no segment of " + name + " holds offset " + offset);
      }
      LogSegment segment = entry.getValue();
      try {
        return readOneBatch(segment, offset, positionInSegment);
      } catch (IOException e) {
        handleReadFailure(segment, e, attempt);
      }
    }
  }

  private ByteBuffer readOneBatch(LogSegment segment, long offset, int position) throws IOException {
    int limit = segment.sizeInBytes();
    if (position < 0 || (long) position + LogSegment.HEADER_READ_BYTES > limit) {
      throw new StorageException("no batch header fits at position " + position + " of " + segment.logFile()
          + ", which holds " + limit + " bytes");
    }
    // one positional read serves most event batches; a larger batch needs a second one for the rest
    ByteBuffer first = ByteBuffer.allocate(Math.min(SPECULATIVE_BATCH_READ_BYTES, limit - position));
    segment.readFully(first, position);
    long found = BatchHeader.baseOffset(first, 0);
    long last = BatchHeader.lastOffset(first, 0);
    if (offset < found || offset > last) {
      throw new StorageException("batch at position " + position + " of " + segment.logFile() + " holds offsets "
          + found + " to " + last + ", expected one holding " + offset);
    }
    int size = segment.batchSizeAt(first, position, limit);
    if (size <= first.capacity()) {
      return first.position(0).limit(size).slice();
    }
    ByteBuffer batch = ByteBuffer.allocate(size);
    batch.put(first.position(0).limit(first.capacity()));
    segment.readFully(batch, position + (long) first.capacity());
    return batch.position(0);
  }


  /**
   * The offset of the first record whose timestamp is at or after {@code timestampMs}, or the log
   * end offset if there is none. The time index narrows the search to one batch (the first whose
   * max timestamp qualifies), whose records are then decoded.
   */
  public long offsetForTimestamp(long timestampMs) {
    ensureReadable();
    long end = logEndOffset;
    ByteBuffer header = ByteBuffer.allocate(LogSegment.HEADER_READ_BYTES);
    for (LogSegment segment : segments.values()) {
      if (segment.baseOffset() >= end) {
        break;
      }
      try {
        int limit = segment.sizeInBytes();
        int position = segment.findBatchByTimestamp(timestampMs, limit, header);
        if (position >= 0) {
          if (BatchHeader.baseOffset(header, 0) >= end) {
            break;
          }
          return Math.min(firstRecordAtOrAfter(segment, position, limit, header, timestampMs), end);
        }
      } catch (ClosedChannelException e) {
        if (closed) {
          throw new StoreClosedException("partition log " + name);
        }
        // deleted by retention meanwhile: its offsets are gone, the next segment answers
      } catch (IOException e) {
        throw new StorageException("reading " + segment.logFile() + " failed: " + e, e);
      }
    }
    return end;
  }

  private static long firstRecordAtOrAfter(LogSegment segment, int position, int limit, ByteBuffer header,
                                           long timestampMs) throws IOException {
    long baseOffset = BatchHeader.baseOffset(header, 0);
    if ((BatchHeader.attributes(header, 0) & BatchHeader.TIMESTAMP_TYPE_MASK) != 0) {
      return baseOffset; // log append time: every record has the batch's max timestamp
    }
    ByteBuffer batch = ByteBuffer.allocate(segment.batchSizeAt(header, position, limit));
    segment.readFully(batch, position);
    try (RecordBatchReader reader = new RecordBatchReader()) {
      reader.reset(batch, 0, false, segment.logFile().toString(), position);
      while (reader.next()) {
        if (reader.timestampMs() >= timestampMs) {
          return reader.offset();
        }
      }
    }
    return baseOffset;
  }

  /**
   * Visits every batch from the one holding {@code fromOffset} (or the log start) up to the log end
   * offset read at the start, in order, until the visitor returns false. Headers are checked, CRCs
   * are not (recovery did). For rebuilding other indexes at open; any thread.
   */
  public void scan(long fromOffset, BatchVisitor visitor) {
    ensureReadable();
    ensureNotPastEnd("fromOffset", fromOffset);
    long end = logEndOffset;
    long start = Math.max(fromOffset, logStartOffset);
    if (start >= end) {
      return;
    }
    Long firstKey = segments.floorKey(start);
    ByteBuffer header = ByteBuffer.allocate(LogSegment.HEADER_READ_BYTES);
    for (LogSegment segment : segments.tailMap(firstKey == null ? start : firstKey, true).values()) {
      if (segment.baseOffset() >= end) {
        return;
      }
      try {
        if (!scanSegmentForVisitor(segment, start, end, header, visitor)) {
          return;
        }
      } catch (ClosedChannelException e) {
        if (closed) {
          throw new StoreClosedException("partition log " + name);
        }
        throw new StorageException("segment " + segment.logFile() + " was deleted while being scanned", e);
      } catch (IOException e) {
        throw new StorageException("scanning " + segment.logFile() + " failed: " + e, e);
      }
    }
  }

  private boolean scanSegmentForVisitor(LogSegment segment, long start, long end, ByteBuffer header,
                                        BatchVisitor visitor) throws IOException {
    int limit = segment.sizeInBytes();
    int from = segment.baseOffset() < start ? segment.translateOffset(start, limit, header) : 0;
    if (from < 0) {
      return true;
    }
    BatchScanner scanner = new BatchScanner(segment.channel(), from, limit, BatchScanner.bufferBytesFor(limit - from),
        false);
    for (BatchScanner.Step step = scanner.next(); step != BatchScanner.Step.END; step = scanner.next()) {
      if (step == BatchScanner.Step.INVALID) {
        throw new StorageException("batch at position " + scanner.position() + " of " + segment.logFile() + ": "
            + scanner.problem());
      }
      if (BatchHeader.baseOffset(scanner.buffer(), scanner.batchStart()) >= end) {
        return false;
      }
      if (!visitor.visit(scanner.currentBatchView(), segment.baseOffset(), (int) scanner.batchPosition())) {
        return false;
      }
    }
    return true;
  }

  private void handleReadFailure(LogSegment segment, IOException e, int attempt) {
    if (closed) {
      throw new StoreClosedException("partition log " + name);
    }
    if (e instanceof ClosedChannelException && segment.isClosed() && attempt < READ_ATTEMPTS) {
      return;
    }
    throw new StorageException("reading " + segment.logFile() + " failed: " + e, e);
  }

  // ---------------------------------------------------------------- truncation and retention (owner thread)

  /**
   * Drops every batch at and after {@code offset}, which MUST be the base offset of a stored batch
   * (or the log end offset: nothing to do). Segments after it are deleted; the recovery point is
   * lowered first when it lies above {@code offset}; the result is fsynced before this returns.
   *
   * @throws InvalidInputException if {@code offset} is outside the log or not a batch boundary;
   *     nothing is changed
   */
  public void truncateTo(long offset) {
    ensureWritable();
    if (offset == logEndOffset) {
      return;
    }
    if (offset < logStartOffset || offset > logEndOffset) {
      throw new InvalidInputException("offset", offset, "must be between the log start offset " + logStartOffset
          + " and the log end offset " + logEndOffset + " of " + name);
    }
    synchronized (flushLock) {
      synchronized (checkpointLock) {
        LogSegment target = segments.floorEntry(offset).getValue();
        try {
          target.ensureBatchBoundary(offset);
          if (recoveryPoint > offset) {
            writeRecoveryPoint(offset);
          }
          if (flushedOffset > offset) {
            flushedOffset = offset;
          }
          for (LogSegment later : new ArrayList<>(segments.tailMap(offset, false).values())) {
            segments.remove(later.baseOffset());
            later.closeAndDelete();
          }
          truncationEpoch++;
          firstDirtyOffset = Math.min(firstDirtyOffset, target.baseOffset());
          target.truncateTo(offset);
          target.deleteIndexFiles();
          active = target;
          prepareActive(target);
          logEndOffset = offset;
          target.initFirstAppendMs(clockMs.getAsLong());
          target.channel().force(true);
          target.markFlushed();
          DurableFiles.fsyncDirectory(io, dir);
        } catch (IOException e) {
          fail(e);
          throw new StorageException("truncating " + name + " to offset " + offset + " failed: " + e.getMessage()
              + "; the partition is now read-only", e);
        }
      }
    }
    LOG.info("{}: truncated to offset {}", name, offset);
  }

  /**
   * Deletes whole closed segments from the start of the log (never the active one) while the oldest
   * is expired or the log is too big: expired = its largest batch timestamp (or, without
   * timestamps, its file's modification time) is more than {@code retentionMs} before
   * {@code nowMs}; too big = the log minus that segment still holds at least {@code retentionBytes}
   * (Kafka's rule, so the log never shrinks below the limit). -1 disables either check. Advances the
   * log start offset before deleting files.
   */
  public RetentionResult applyRetention(long retentionMs, long retentionBytes, long nowMs) {
    ensureReadable();
    if (retentionMs < -1) {
      throw new InvalidInputException(TopicConfig.RETENTION_MS, retentionMs, "must be -1 (no limit) or at least 0");
    }
    if (retentionBytes < -1) {
      throw new InvalidInputException(TopicConfig.RETENTION_BYTES, retentionBytes,
          "must be -1 (no limit) or at least 0");
    }
    List<Long> deleted = new ArrayList<>();
    long total = sizeInBytes();
    long bytesDeleted = 0;
    while (true) {
      Map.Entry<Long, LogSegment> first = segments.firstEntry();
      LogSegment segment = first.getValue();
      if (segment == active) {
        break;
      }
      boolean expired = retentionMs >= 0 && nowMs - newestTimestampMs(segment) > retentionMs;
      boolean tooBig = retentionBytes >= 0 && total - segment.sizeInBytes() >= retentionBytes;
      if (!expired && !tooBig) {
        break;
      }
      logStartOffset = segments.higherKey(first.getKey());
      segments.remove(first.getKey());
      segmentsToClose.add(segment::close);
      try {
        segment.deleteFiles();
      } catch (IOException e) {
        LOG.warn("{}: deleting segment files of {} failed: {}", name, segment.logFile(), e.toString());
      }
      deleted.add(segment.baseOffset());
      total -= segment.sizeInBytes();
      bytesDeleted += segment.sizeInBytes();
    }
    if (!deleted.isEmpty()) {
      LOG.info("{}: retention deleted segments {} ({} bytes); log start offset is now {}", name, deleted,
          bytesDeleted, logStartOffset);
    }
    return new RetentionResult(deleted, logStartOffset, bytesDeleted);
  }

  private long newestTimestampMs(LogSegment segment) {
    long newest = segment.maxTimestamp();
    if (newest >= 0) {
      return newest;
    }
    try {
      return Files.getLastModifiedTime(segment.logFile()).toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  // ---------------------------------------------------------------- compaction (owner thread plans and installs)

  /**
   * Owner: the heap bound of the key map of later compaction jobs (default
   * {@link #DEFAULT_COMPACTION_MAP_BYTES}). A job whose keys do not fit cleans only the oldest
   * segments that fit and leaves the rest for the next job.
   *
   * @throws InvalidInputException if below what the smallest map needs (about 40 KiB)
   */
  public PartitionLog setCompactionMapBytes(long mapBytes) {
    long minimum = 2L * 1024 * KeyOffsetMap.SLOT_BYTES;
    if (mapBytes < minimum) {
      throw new InvalidInputException("compactionMapBytes", mapBytes, "must be at least " + minimum);
    }
    this.compactionMapBytes = mapBytes;
    return this;
  }

  /**
   * Owner: plans a compaction of the closed segments (never the active one) of a topic with
   * {@code cleanup.policy=compact}. Empty if the topic does not use compaction, a job is still
   * outstanding (prepared and not yet {@linkplain #installCompaction installed}), there is no
   * closed segment, or nothing can have changed since the last job: no closed segment was added
   * after the clean part and no kept tombstone has passed {@code deleteRetentionMs} since.
   * The job snapshots the segments and the log end offset; run it with {@link CompactionJob#run()}
   * on a worker thread (appends go on meanwhile), then hand it to {@link #installCompaction}.
   *
   * @param nowMs             the time against which tombstones expire
   * @param deleteRetentionMs how long a tombstone (null value) is kept after its timestamp
   */
  public Optional<CompactionJob> prepareCompaction(long nowMs, long deleteRetentionMs) {
    ensureWritable();
    if (deleteRetentionMs < 0) {
      throw new InvalidInputException(TopicConfig.DELETE_RETENTION_MS, deleteRetentionMs, "must be at least 0");
    }
    if (!compacted || pendingCompaction != null) {
      return Optional.empty();
    }
    LogSegment current = active;
    long dirtyFrom = Math.max(firstDirtyOffset, logStartOffset);
    boolean closedSegmentExists = segments.firstKey() < current.baseOffset();
    boolean dirty = dirtyFrom < current.baseOffset();
    boolean tombstonesExpired = minKeptTombstoneMs != Long.MAX_VALUE && minKeptTombstoneMs < nowMs - deleteRetentionMs;
    if (!closedSegmentExists || (!dirty && !tombstonesExpired)) {
      return Optional.empty();
    }
    List<LogSegment> snapshot = new ArrayList<>(segments.headMap(current.baseOffset(), true).values());
    CompactionJob job = new CompactionJob(dir, name, io, config.indexIntervalBytes(), nowMs, deleteRetentionMs,
        compactionMapBytes, dirtyFrom, logEndOffset, truncationEpoch, snapshot);
    pendingCompaction = job;
    LOG.debug("{}: planned {}", name, job);
    return Optional.of(job);
  }

  /**
   * Owner: makes the outcome of a finished job the log, crash-safely, and returns what changed.
   * MUST be called once for every job {@link #prepareCompaction} returned, after its
   * {@link CompactionJob#run()} returned (also when it failed: this deletes its files).
   *
   * <p>A job that failed, or whose segments changed meanwhile (a truncation, retention deleting one
   * of them), is not installed: its files are deleted, the log is unchanged and the result says
   * why. Otherwise, the swap protocol (Kafka's {@code .cleaned -> .swap -> rename}):
   * <ol>
   *   <li>every {@code <base>.{index,timeindex,log}.cleaned} of the job is renamed to
   *       {@code .swap} (the {@code .log} last), then the directory is fsynced: the commit point.
   *       A crash before it leaves a {@code .log.cleaned}, and the next open deletes all
   *       {@code .cleaned}/{@code .swap} files (the old segments stay);</li>
   *   <li>each {@code .log.swap} is renamed over its {@code .log}, then its index swaps over its
   *       index files, and the new segment replaces the old one in the segment map; the directory
   *       is fsynced. A crash in this phase leaves only {@code .swap} files, and the next open
   *       renames every one of them into place (the new segments, all of them).</li>
   * </ol>
   * Reads running concurrently keep working: a reader that already holds an old segment reads its
   * old (pre-compaction, same offsets) bytes through its still open file until the next install
   * or close closes it (a read that then fails with a closed file retries on the new segment);
   * later lookups see the new segment. Batch positions change in rewritten segments, offsets never.
   *
   * @throws InvalidInputException if {@code job} is not the outstanding job of this log
   * @throws StorageException if a rename or fsync failed after the commit point; the log is then
   *     read-only and the next open finishes the swap
   */
  public CompactionResult installCompaction(CompactionJob job) {
    if (job == null || job != pendingCompaction) {
      throw new InvalidInputException("job", String.valueOf(job), "must be the outstanding job prepareCompaction"
          + " returned for " + name);
    }
    if (!job.isDone()) {
      throw new InvalidInputException("job", job, "must have finished running before it is installed");
    }
    pendingCompaction = null;
    if (closed) {
      closeRetiredSegments();
    } else {
      retireReplacedSegments();
    }
    if (job.failure().isPresent()) {
      job.discardFiles();
      return CompactionResult.notInstalled(firstDirtyOffset, "the job failed: " + job.failure().get());
    }
    Optional<String> stale = staleReason(job);
    if (stale.isPresent() || closed || failure != null) {
      job.discardFiles();
      return CompactionResult.notInstalled(firstDirtyOffset, stale.orElse("the log is closed or read-only"));
    }
    List<CompactionJob.Cleaned> cleaned = job.cleaned();
    try {
      commitSwap(cleaned);
    } catch (IOException e) {
      job.discardFiles();
      deleteSwapFiles(cleaned);
      return CompactionResult.notInstalled(firstDirtyOffset, "renaming the cleaned files to .swap failed: " + e
          + "; the old segments stay");
    }
    List<Long> rewritten = new ArrayList<>();
    long bytesReclaimed = 0;
    try {
      for (CompactionJob.Cleaned copy : cleaned) {
        swapIn(copy);
        rewritten.add(copy.baseOffset());
        bytesReclaimed += copy.originalBytes() - copy.cleanedBytes();
      }
      DurableFiles.fsyncDirectory(io, dir);
    } catch (IOException | RuntimeException e) {
      fail(e);
      throw new StorageException("swapping compacted segments into " + name + " failed after the commit point: " + e
          + "; the partition is now read-only and the next open finishes the swap", e);
    }
    firstDirtyOffset = Math.max(firstDirtyOffset, job.cleanEndOffset());
    minKeptTombstoneMs = job.minKeptTombstoneMs();
    if (!rewritten.isEmpty()) {
      LOG.info("{}: compaction rewrote segments {}, removed {} record(s), reclaimed {} bytes; clean below {}", name,
          rewritten, job.recordsRemoved(), bytesReclaimed, firstDirtyOffset);
    }
    return new CompactionResult(true, rewritten,
        rewritten.isEmpty() ? OptionalLong.empty() : OptionalLong.of(rewritten.get(0)), bytesReclaimed,
        job.recordsRemoved(), firstDirtyOffset, Optional.empty());
  }

  /** Why the job's view of the log no longer holds, if it does not. */
  private Optional<String> staleReason(CompactionJob job) {
    if (job.truncationEpoch() != truncationEpoch) {
      return Optional.of("the log was truncated while the job ran");
    }
    if (logEndOffset < job.plannedEndOffset()) {
      return Optional.of("the log end offset " + logEndOffset + " is below the planned end " + job.plannedEndOffset());
    }
    for (CompactionJob.Cleaned copy : job.cleaned()) {
      if (segments.get(copy.baseOffset()) != copy.original() || copy.original() == active) {
        return Optional.of("segment " + copy.baseOffset() + " was deleted or replaced while the job ran");
      }
    }
    return Optional.empty();
  }

  /** Phase 1: every cleaned file to .swap (each .log last), then the directory fsync commits. */
  private void commitSwap(List<CompactionJob.Cleaned> cleaned) throws IOException {
    if (cleaned.isEmpty()) {
      return;
    }
    for (CompactionJob.Cleaned copy : cleaned) {
      for (Path file : segmentFiles(copy.baseOffset())) {
        Files.move(SegmentFiles.withSuffix(file, SegmentFiles.CLEANED_SUFFIX),
            SegmentFiles.withSuffix(file, SegmentFiles.SWAP_SUFFIX), StandardCopyOption.ATOMIC_MOVE);
      }
    }
    DurableFiles.fsyncDirectory(io, dir);
  }

  /** Phase 2 for one segment: .swap files over the segment's files, then the new segment is served. */
  private void swapIn(CompactionJob.Cleaned copy) throws IOException {
    long base = copy.baseOffset();
    List<Path> files = segmentFiles(base);
    for (int i = files.size() - 1; i >= 0; i--) {
      Files.move(SegmentFiles.withSuffix(files.get(i), SegmentFiles.SWAP_SUFFIX), files.get(i),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    LogSegment replacement = LogSegment.open(dir, base, io, config.indexIntervalBytes(), true);
    Long nextBase = segments.higherKey(base);
    Optional<String> problem = replacement.loadIndexes(nextBase == null ? -1 : nextBase);
    if (problem.isPresent()) {
      replacement.close();
      throw new StorageException("the cleaned segment " + replacement.logFile() + " does not match its index files: "
          + problem.get());
    }
    segments.put(base, replacement);
    retiredSegments.add(copy.original());
  }

  /** The files of a segment in swap order: index files first, the {@code .log} last. */
  private List<Path> segmentFiles(long base) {
    return List.of(SegmentFiles.offsetIndexFile(dir, base), SegmentFiles.timeIndexFile(dir, base),
        SegmentFiles.logFile(dir, base));
  }

  private void deleteSwapFiles(List<CompactionJob.Cleaned> cleaned) {
    for (CompactionJob.Cleaned copy : cleaned) {
      for (Path file : segmentFiles(copy.baseOffset())) {
        try {
          Files.deleteIfExists(SegmentFiles.withSuffix(file, SegmentFiles.SWAP_SUFFIX));
        } catch (IOException e) {
          LOG.warn("{}: cannot delete {}.swap: {} (the next open rolls the compaction back)", name, file, e.toString());
        }
      }
    }
  }

  /**
   * Hands the segments replaced by earlier compactions over to {@link #takeSegmentsToClose} (readers holding
   * them retry on the new ones once they are closed).
   */
  private void retireReplacedSegments() {
    for (LogSegment segment : retiredSegments) {
      segmentsToClose.add(segment::close);
    }
    retiredSegments.clear();
  }

  /**
   * Hands over, to be closed off the owner thread, the segments that left the log since the last call:
   * deleted by retention (their files are already deleted) or replaced by a compaction before the last one.
   * Closing the last handle of a deleted file makes the kernel free its page cache there and then, which for
   * a segment of a gigabyte would stall the owner's appends. {@link #close()} closes any not taken. Owner.
   */
  public List<Closeable> takeSegmentsToClose() {
    List<Closeable> taken = List.copyOf(segmentsToClose);
    segmentsToClose.clear();
    return taken;
  }

  private void closeRetiredSegments() {
    retireReplacedSegments();
    for (Closeable segment : takeSegmentsToClose()) {
      try {
        segment.close();
      } catch (IOException e) {
        LOG.warn("{}: closing a segment that left the log failed: {}", name, e.toString());
      }
    }
  }

  // ---------------------------------------------------------------- close (owner thread)

  /**
   * Writes the active segment's index files, flushes, persists the recovery point at the log end,
   * writes the clean-shutdown marker (fsynced) and closes every file. A failed log only closes its
   * files (no marker: the next open recovers). Idempotent.
   *
   * @throws StorageException if a write or fsync failed; the files are closed anyway and the next
   *     open recovers as after a crash
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      if (failure == null) {
        active.sealIndexes();
        active.trimToSize();
        long end = flush();
        synchronized (checkpointLock) {
          if (end > recoveryPoint) {
            writeRecoveryPoint(end);
          }
        }
        CleanShutdownMarker.write(io, dir, end);
      }
    } catch (IOException e) {
      throw new StorageException("closing partition log " + name + " cleanly failed: " + e.getMessage()
          + "; the next open recovers it as after a crash", e);
    } finally {
      closed = true;
      closeSegmentsQuietly();
      closeRetiredSegments();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Owner: readies a segment that becomes the active one: preallocation and warming ahead of its end. */
  private void prepareActive(LogSegment segment) throws IOException {
    segment.enablePreallocation(preallocationStepBytes());
    segment.enableWarming(warmer, Math.min(PageCacheWarmer.DEFAULT_AHEAD_BYTES, config.segmentBytes()),
        config.segmentBytes());
  }

  /**
   * Zeros written ahead of the active segment, or 0: only for durable topics, whose per-append fsync is
   * what preallocation makes cheaper; a page-cache topic would only write everything twice.
   */
  private int preallocationStepBytes() {
    boolean worthIt = config.preallocate() && config.flushMode() == FlushMode.DURABLE;
    return worthIt ? Math.min(LogSegment.PREALLOCATION_STEP_BYTES, config.segmentBytes()) : 0;
  }

  private void ensureWritable() {
    if (closed) {
      throw new StoreClosedException("partition log " + name);
    }
    Throwable cause = failure;
    if (cause != null) {
      throw new PartitionReadOnlyException(name, cause);
    }
  }

  private void ensureFlushable() {
    ensureWritable();
  }

  private void ensureReadable() {
    if (closed) {
      throw new StoreClosedException("partition log " + name);
    }
  }

  private void ensureNotPastEnd(String field, long offset) {
    long end = logEndOffset;
    if (offset > end) {
      throw new InvalidInputException(field, offset, "must be at most the log end offset " + end + " of " + name);
    }
  }

  private synchronized void fail(Throwable cause) {
    if (failure == null) {
      failure = cause;
      LOG.error("partition {} ({}) is now read-only after a storage failure", name, dir, cause);
    }
  }

  private void closeSegmentsQuietly() {
    for (LogSegment segment : segments.values()) {
      try {
        segment.close();
      } catch (IOException e) {
        LOG.warn("{}: closing {} failed: {}", name, segment.logFile(), e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "PartitionLog[" + dir + ", offsets " + logStartOffset + ".." + logEndOffset + ", " + segments.size()
        + " segment(s)]";
  }
}
