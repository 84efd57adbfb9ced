package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition log: the {@code <base>.log} file of record batches whose offsets
 * start at the segment's base offset, plus its {@link OffsetIndex} and {@link TimeIndex}.
 *
 * <p>Invariant: the bytes {@code [0, sizeInBytes())} of the file are whole v2 batches with dense,
 * increasing offsets from {@link #baseOffset()} to {@code nextOffset() - 1}; the indexes cover only
 * those batches. A segment of a compacted topic ({@link #offsetGapsAllowed()}) may have gaps: each
 * batch's base offset is only above the previous batch's last offset, the first batch may start
 * after the base offset, and a cleaned segment may be empty. The file is opened through {@link StorageIo} so tests can inject disk faults.
 *
 * <p>Thread-safety: one owner thread appends, truncates, rolls and (re)builds; any thread may read
 * and look up. The owner writes the bytes and the index entries first and then publishes the new
 * size (volatile), so readers that stay below {@link #sizeInBytes()} only see complete batches.
 * {@link #flush()} may run on another thread; it and {@link #close()}/{@link #closeAndDelete()} are
 * serialized by a lock so a flush never forces a closed channel.
 */
final class LogSegment {

  /** Header bytes a header walk needs: everything up to and including maxTimestamp. */
  static final int HEADER_READ_BYTES = BatchHeader.MAX_TIMESTAMP_OFFSET + BatchHeader.MAX_TIMESTAMP_LENGTH;
  /** Marks "not known yet" for wall-clock times. */
  private static final long UNKNOWN_MS = -1L;

  private final long baseOffset;
  private final Path logFile;
  private final FileChannel channel;
  private final StorageIo io;
  private final int indexIntervalBytes;
  private final boolean offsetGapsAllowed;
  private final OffsetIndex offsetIndex;
  private final TimeIndex timeIndex;
  private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);
  /** Zeros written ahead of an active segment's end per write call. */
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1024 * 1024).asReadOnlyBuffer();
  /** The byte that grows an active segment's file ahead of its end for warming. */
  private static final byte[] ONE_ZERO = new byte[1];
  /** Default preallocation step: zeros written ahead when an append would extend the file. */
  static final int PREALLOCATION_STEP_BYTES = 1024 * 1024;
  private final Object lifecycleLock = new Object();
  /** Zeros written ahead per step in an active segment (0 = off); see {@link #enablePreallocation}. */
  private int preallocationStepBytes;
  /** End of the file's allocated bytes (batches, then zeros); the owner's view. */
  private long preallocatedEnd;
  /** Reads the range past an active segment's end into the page cache (ADR 0015); see {@link #enableWarming}. */
  private PageCacheWarmer warmer = PageCacheWarmer.OFF;
  /** Bytes kept warm past the end of the batches (0 = off). */
  private int warmAheadBytes;
  /** The file's length as the owner last set it while warming: batches, zeros, then a hole. */
  private long warmedFileEnd;
  /** The segment's largest size (its topic's {@code segment.bytes}): nothing past it is warmed. */
  private long warmLimit;

  private volatile int sizeInBytes;
  private volatile long nextOffset;
  private volatile long maxTimestamp = TimeIndex.NO_TIMESTAMP;
  private volatile int flushedBytes;
  /**
   * Whether this segment's index files are still to be written: {@link #sealIndexesLater()} leaves that to the next
   * {@link #flush()}. Set by the owner without the lock (once, at roll), cleared under {@link #lifecycleLock}.
   */
  private volatile boolean indexFilesDue;
  /**
   * Whether {@link #trimToSize()} cut the file since the last {@link #flush()}: the cut is in the page cache (a
   * process crash keeps it) and the next flush forces it, even if no batch was appended since.
   */
  private volatile boolean cutUnforced;
  private long offsetOfMaxTimestamp;
  private int bytesSinceLastIndexEntry;
  private long firstAppendMs = UNKNOWN_MS;
  private boolean closed;

  private LogSegment(Path dir, long baseOffset, FileChannel channel, StorageIo io, int indexIntervalBytes,
                     int sizeInBytes, boolean offsetGapsAllowed, String fileSuffix) {
    this.baseOffset = baseOffset;
    this.logFile = SegmentFiles.withSuffix(SegmentFiles.logFile(dir, baseOffset), fileSuffix);
    this.channel = channel;
    this.io = io;
    this.indexIntervalBytes = indexIntervalBytes;
    this.offsetGapsAllowed = offsetGapsAllowed;
    this.offsetIndex = new OffsetIndex(SegmentFiles.withSuffix(SegmentFiles.offsetIndexFile(dir, baseOffset),
        fileSuffix), baseOffset);
    this.timeIndex = new TimeIndex(SegmentFiles.withSuffix(SegmentFiles.timeIndexFile(dir, baseOffset), fileSuffix),
        baseOffset);
    this.sizeInBytes = sizeInBytes;
    this.flushedBytes = sizeInBytes;
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestamp = baseOffset;
  }

  /** Creates the empty segment starting at {@code baseOffset} with dense offsets. */
  static LogSegment create(Path dir, long baseOffset, StorageIo io, int indexIntervalBytes) throws IOException {
    return create(dir, baseOffset, io, indexIntervalBytes, false);
  }

  /**
   * Creates the empty segment starting at {@code baseOffset}; an empty leftover file is replaced.
   * With {@code offsetGapsAllowed} (compacted topics) batches only need strictly increasing offsets.
   */
  static LogSegment create(Path dir, long baseOffset, StorageIo io, int indexIntervalBytes, boolean offsetGapsAllowed)
      throws IOException {
    Path file = SegmentFiles.logFile(dir, baseOffset);
    if (Files.exists(file) && Files.size(file) == 0) {
      Files.delete(file);
    }
    FileChannel channel = io.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    return new LogSegment(dir, baseOffset, channel, io, indexIntervalBytes, 0, offsetGapsAllowed, "");
  }

  /**
   * Creates the cleaned copy of the segment starting at {@code baseOffset}, whose files carry the
   * suffix {@link SegmentFiles#CLEANED_SUFFIX} ({@code <base>.log.cleaned}, ...); a leftover copy
   * is replaced. Offsets may have gaps. For compaction: written by the worker, never served.
   */
  static LogSegment createCleaned(Path dir, long baseOffset, StorageIo io, int indexIntervalBytes) throws IOException {
    Path file = SegmentFiles.withSuffix(SegmentFiles.logFile(dir, baseOffset), SegmentFiles.CLEANED_SUFFIX);
    FileChannel channel = io.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new LogSegment(dir, baseOffset, channel, io, indexIntervalBytes, 0, true, SegmentFiles.CLEANED_SUFFIX);
  }

  /** Opens the existing segment starting at {@code baseOffset} with dense offsets. */
  static LogSegment open(Path dir, long baseOffset, StorageIo io, int indexIntervalBytes) throws IOException {
    return open(dir, baseOffset, io, indexIntervalBytes, false);
  }

  /**
   * Opens the existing segment starting at {@code baseOffset}; its indexes are not loaded yet. With
   * {@code offsetGapsAllowed} (compacted topics) batches only need strictly increasing offsets.
   */
  static LogSegment open(Path dir, long baseOffset, StorageIo io, int indexIntervalBytes, boolean offsetGapsAllowed)
      throws IOException {
    Path file = SegmentFiles.logFile(dir, baseOffset);
    FileChannel channel = io.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException(file + " is " + size + " bytes; a segment holds at most " + Integer.MAX_VALUE);
      }
      return new LogSegment(dir, baseOffset, channel, io, indexIntervalBytes, (int) size, offsetGapsAllowed, "");
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  long baseOffset() {
    return baseOffset;
  }

  Path logFile() {
    return logFile;
  }

  /** Bytes of complete batches; readers must not read past it. */
  int sizeInBytes() {
    return sizeInBytes;
  }

  /** The offset after the segment's last batch (= base offset when empty). */
  long nextOffset() {
    return nextOffset;
  }

  /** Largest batch timestamp in the segment, or {@link TimeIndex#NO_TIMESTAMP}. */
  long maxTimestamp() {
    return maxTimestamp;
  }

  boolean isEmpty() {
    return sizeInBytes == 0;
  }

  /** Whether batches may leave offset gaps (compacted topics): offsets only strictly increase. */
  boolean offsetGapsAllowed() {
    return offsetGapsAllowed;
  }

  /**
   * Whether a batch starting at {@code batchBaseOffset} may follow one whose next offset is
   * {@code expectedNextOffset}: equal (dense), or, with gaps allowed, at or above it.
   */
  boolean acceptsBaseOffset(long batchBaseOffset, long expectedNextOffset) {
    return batchBaseOffset == expectedNextOffset || (offsetGapsAllowed && batchBaseOffset > expectedNextOffset);
  }

  /** Owner: wall-clock time of the first append (or of the first batch for a reopened segment). */
  long firstAppendMs() {
    return firstAppendMs;
  }

  OffsetIndex offsetIndex() {
    return offsetIndex;
  }

  TimeIndex timeIndex() {
    return timeIndex;
  }

  /** Size of the file right now (may exceed {@link #sizeInBytes()} during recovery). */
  long fileSize() throws IOException {
    return channel.size();
  }

  FileChannel channel() {
    return channel;
  }

  // ---------------------------------------------------------------- appends (owner)

  /**
   * Owner: writes one or more whole batches, back to back in {@code batches} (position to limit; the
   * position is restored; checked by the caller), at the end of the segment with one write, then indexes
   * and publishes them one by one. On an {@link IOException} nothing is published; the file may hold part
   * of the bytes past {@link #sizeInBytes()}, which the caller removes with {@link #truncateFileTo(int)}.
   */
  void append(ByteBuffer batches, long nowMs) throws IOException {
    int position = sizeInBytes;
    int start = batches.position();
    int size = batches.remaining();
    maybePreallocate((long) position + size);
    try {
      long writeAt = position;
      while (batches.hasRemaining()) {
        writeAt += channel.write(batches, writeAt);
      }
    } finally {
      batches.position(start);
    }
    if (firstAppendMs == UNKNOWN_MS) {
      firstAppendMs = nowMs;
    }
    for (int at = start; at < start + size; ) {
      int batchSize = BatchHeader.LOG_OVERHEAD + BatchHeader.batchLength(batches, at);
      indexBatch(BatchHeader.baseOffset(batches, at), BatchHeader.lastOffset(batches, at),
          BatchHeader.maxTimestamp(batches, at), position + at - start, batchSize);
      at += batchSize;
    }
    sizeInBytes = position + size;
    maybeWarmAhead(sizeInBytes);
  }

  /**
   * Owner: adds a batch at {@code position} to the in-memory state and indexes: an offset-index
   * entry for the first batch and after every {@code index.interval.bytes}, with a time-index entry
   * when the largest timestamp grew.
   */
  void indexBatch(long batchBaseOffset, long batchLastOffset, long batchMaxTimestamp, int position, int size) {
    if (batchMaxTimestamp > maxTimestamp) {
      maxTimestamp = batchMaxTimestamp;
      offsetOfMaxTimestamp = batchBaseOffset;
    }
    if (position == 0 || bytesSinceLastIndexEntry >= indexIntervalBytes) {
      offsetIndex.append(batchBaseOffset, position);
      timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
      bytesSinceLastIndexEntry = 0;
    }
    bytesSinceLastIndexEntry += size;
    nextOffset = batchLastOffset + 1;
  }

  /** Owner: cuts the file to {@code position} bytes (to undo a failed append). */
  void truncateFileTo(int position) throws IOException {
    channel.truncate(position);
    fileEndsAt(position);
  }

  /**
   * Owner: from now on, when an append would extend the file, first writes {@code stepBytes} of zeros
   * past it. Later appends then overwrite allocated, initialised blocks, so their {@code fdatasync}
   * flushes data without committing a size change to the file-system journal (about a third cheaper
   * here). The zeros never count as log: {@link #sizeInBytes()} is the end of the batches, the file is
   * cut back to it by {@link #trimToSize()} at roll and close, and after a crash the zeros are a torn
   * tail that recovery truncates. Only for the active segment.
   */
  void enablePreallocation(int stepBytes) throws IOException {
    preallocationStepBytes = stepBytes;
    preallocatedEnd = channel.size();
  }

  private void maybePreallocate(long end) {
    if (preallocationStepBytes == 0 || end <= preallocatedEnd) {
      return;
    }
    long from = Math.max(preallocatedEnd, sizeInBytes);
    long to = end + preallocationStepBytes;
    try {
      for (long at = from; at < to; ) {
        ByteBuffer zeros = ZEROS.duplicate();
        zeros.limit((int) Math.min(zeros.capacity(), to - at));
        at += channel.write(zeros, at);
      }
      preallocatedEnd = to;
    } catch (IOException e) {
      // no room for zeros ahead: append without them; the batch write reports a full disk itself
      preallocationStepBytes = 0;
      LOG.debug("{}: preallocation stopped: {}", logFile, e.toString());
    }
  }

  /**
   * Owner: from now on keeps up to {@code aheadBytes} past the last batch in the page cache: when fewer than
   * half of them are left, it grows the file by writing one zero byte at {@code end + aheadBytes - 1} (the
   * bytes between are a hole that reads as zeros) and asks {@code warmer} to read the new range, which makes
   * the kernel create its pages off this thread (ADR 0015). Like preallocated zeros, the hole never counts as
   * log: {@link #trimToSize()} cuts it at roll and close, and after a crash it is a torn tail that recovery
   * truncates. Nothing past {@code limitBytes} (the segment's largest size) is warmed. Only for the active
   * segment; off when {@code warmer} is off or {@code aheadBytes} is 0.
   */
  void enableWarming(PageCacheWarmer warmer, int aheadBytes, long limitBytes) throws IOException {
    this.warmer = warmer;
    this.warmAheadBytes = warmer.enabled() ? aheadBytes : 0;
    this.warmLimit = limitBytes;
    this.warmedFileEnd = channel.size();
  }

  private void maybeWarmAhead(long end) {
    if (warmAheadBytes == 0 || end + warmAheadBytes / 2 <= warmedFileEnd) {
      return;
    }
    long from = Math.max(warmedFileEnd, end);
    long to = Math.min(end + warmAheadBytes, warmLimit);
    if (to <= from) {
      return;
    }
    try {
      channel.write(ByteBuffer.wrap(ONE_ZERO), to - 1);
      warmedFileEnd = to;
    } catch (IOException e) {
      // no room for the byte that grows the file: append without warming; a batch write reports a full disk itself
      warmAheadBytes = 0;
      LOG.debug("{}: page-cache warming stopped: {}", logFile, e.toString());
      return;
    }
    warmer.warm(logFile, from, to, this::sizeInBytes);
  }

  /**
   * Owner: cuts the zeros (and the warmed hole) after the last batch off the file, so that a closed segment holds
   * batches only, and leaves forcing the new size to the next {@link #flush()}, on the flushing thread. Stops
   * preallocation and warming.
   *
   * <p>The cut is in the page cache at once, so a process crash after it finds the file ending at its last batch.
   * Only a power loss before the next flush can bring the zeros back; recovery then truncates this segment at
   * them and deletes the segments after it, which is safe because nothing in them was fsynced: a flush forces
   * the segments in order, this one (with its cut) before any later one, and the recovery point only moves past
   * what a flush forced. Forcing here instead held the owner's appends for one fsync per roll: 2-4 ms in the
   * benchmark's recordings, on a disk where the flushing thread's fsyncs took up to 84 ms in the same minute.
   */
  void trimToSize() throws IOException {
    preallocationStepBytes = 0;
    warmAheadBytes = 0;
    if (channel.size() > sizeInBytes) {
      channel.truncate(sizeInBytes);
      cutUnforced = true;
    }
    fileEndsAt(sizeInBytes);
  }

  /** Owner: after the file was cut to {@code size} bytes, nothing past it is preallocated or warmed any more. */
  private void fileEndsAt(long size) {
    preallocatedEnd = size;
    warmedFileEnd = size;
  }

  /** Owner: forgets every batch and index entry, before a rebuild from the file. */
  void resetIndexes() {
    offsetIndex.clear();
    timeIndex.clear();
    maxTimestamp = TimeIndex.NO_TIMESTAMP;
    offsetOfMaxTimestamp = baseOffset;
    bytesSinceLastIndexEntry = 0;
    nextOffset = baseOffset;
    firstAppendMs = UNKNOWN_MS;
  }

  /** Owner: sets the published size after a rebuild or truncation. */
  void setSizeInBytes(int size) {
    sizeInBytes = size;
  }

  /**
   * Owner: after a scan rebuilt the state, takes the segment's age from its first batch's timestamp
   * (Kafka's rule for reopened segments), or {@code nowMs} if the segment has none.
   */
  void initFirstAppendMs(long nowMs) {
    if (isEmpty()) {
      firstAppendMs = UNKNOWN_MS;
      return;
    }
    long first = timeIndex.entryCount() > 0 ? timeIndex.timestampAt(0) : TimeIndex.NO_TIMESTAMP;
    firstAppendMs = first >= 0 ? first : nowMs;
  }

  // ---------------------------------------------------------------- loading (owner)

  /**
   * Owner: loads both index files and checks them against the segment, whose end offset is
   * {@code nextOffsetIfKnown} (-1 for the last segment). Returns why they cannot be used (missing,
   * malformed, pointing at the wrong bytes); then the caller rebuilds them from the log. On success
   * of a closed segment the segment's state is set from them; the last segment still needs
   * {@link #recoverTail(int)}.
   */
  Optional<String> loadIndexes(long nextOffsetIfKnown) throws IOException {
    int size = sizeInBytes;
    if (!offsetIndex.load(io)) {
      return Optional.of(offsetIndex.file().getFileName() + " is missing");
    }
    if (!timeIndex.load(io)) {
      return Optional.of(timeIndex.file().getFileName() + " is missing");
    }
    Optional<String> problem = offsetIndex.validate(size, nextOffsetIfKnown, offsetGapsAllowed)
        .or(() -> timeIndex.validate(size == 0, nextOffsetIfKnown));
    if (problem.isPresent() || size == 0) {
      return problem;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_READ_BYTES);
    OffsetPosition last = offsetIndex.lastEntry().orElseThrow();
    TimestampOffset lastTime = timeIndex.lastEntry().orElseThrow();
    try {
      if (!readHeader(header, last.position(), size) || BatchHeader.baseOffset(header, 0) != last.offset()) {
        return Optional.of(offsetIndex.file().getFileName() + " last entry (" + last.offset() + ", "
            + last.position() + ") does not point at a batch with that base offset");
      }
      int position = translateOffset(lastTime.offset(), size, header);
      if (position < 0 || BatchHeader.baseOffset(header, 0) != lastTime.offset()
          || BatchHeader.maxTimestamp(header, 0) != lastTime.timestamp()) {
        return Optional.of(timeIndex.file().getFileName() + " last entry (" + lastTime.timestamp() + ", "
            + lastTime.offset() + ") does not match a batch with that base offset and max timestamp");
      }
    } catch (StorageException e) {
      return Optional.of("checking the index files against the log: " + e.getMessage());
    }
    if (nextOffsetIfKnown >= 0) {
      nextOffset = nextOffsetIfKnown;
      maxTimestamp = lastTime.timestamp();
      offsetOfMaxTimestamp = lastTime.offset();
    }
    return Optional.empty();
  }

  /**
   * Owner: rebuilds the in-memory state of the batches from the last offset-index entry to
   * {@code endPosition} by walking their headers (no CRC check), dropping index entries at or after
   * that entry first and adding them back as an append would. Returns why the walk failed (a torn or
   * non-dense batch before {@code endPosition}); the state is then incomplete and the caller must
   * scan. On success {@link #sizeInBytes()} is {@code endPosition}.
   */
  Optional<String> recoverTail(int endPosition) throws IOException {
    Optional<OffsetPosition> lastEntry = offsetIndex.lastEntry();
    long fromOffset = lastEntry.map(OffsetPosition::offset).orElse(baseOffset);
    int fromPosition = lastEntry.map(OffsetPosition::position).orElse(0);
    offsetIndex.truncateTo(fromOffset);
    timeIndex.truncateTo(fromOffset);
    Optional<TimestampOffset> lastTime = timeIndex.lastEntry();
    maxTimestamp = lastTime.map(TimestampOffset::timestamp).orElse(TimeIndex.NO_TIMESTAMP);
    offsetOfMaxTimestamp = lastTime.map(TimestampOffset::offset).orElse(baseOffset);
    bytesSinceLastIndexEntry = indexIntervalBytes;
    nextOffset = fromOffset;
    BatchScanner scanner = new BatchScanner(channel, fromPosition, endPosition,
        BatchScanner.bufferBytesFor((long) endPosition - fromPosition), false);
    long expected = fromOffset;
    for (BatchScanner.Step step = scanner.next(); step != BatchScanner.Step.END; step = scanner.next()) {
      if (step == BatchScanner.Step.INVALID) {
        return Optional.of("batch at position " + scanner.position() + " of " + logFile + ": " + scanner.problem());
      }
      ByteBuffer buffer = scanner.buffer();
      int at = scanner.batchStart();
      long batchBase = BatchHeader.baseOffset(buffer, at);
      if (!acceptsBaseOffset(batchBase, expected)) {
        return Optional.of("batch at position " + scanner.batchPosition() + " of " + logFile + ": baseOffset is "
            + batchBase + ", expected " + (offsetGapsAllowed ? "at least " : "") + expected
            + (offsetGapsAllowed ? " (offsets must increase)" : " (offsets must be dense)"));
      }
      indexBatch(batchBase, BatchHeader.lastOffset(buffer, at), BatchHeader.maxTimestamp(buffer, at),
          (int) scanner.batchPosition(), scanner.batchSize());
      expected = BatchHeader.lastOffset(buffer, at) + 1;
    }
    sizeInBytes = endPosition;
    return Optional.empty();
  }

  /**
   * Owner: writes both index files (after a last time-index entry holding the segment's largest
   * timestamp) and serves lookups from them from now on. They are fsynced by the next
   * {@link #flush()}.
   */
  void sealIndexes() throws IOException {
    appendLastTimeIndexEntry();
    offsetIndex.writeFile(io);
    timeIndex.writeFile(io);
  }

  /**
   * Owner, at roll: adds the last time-index entry, as {@link #sealIndexes()} does, and leaves writing the index files
   * to the next {@link #flush()}, on the flushing thread: writing them into new page-cache pages took about 3 ms of
   * the owner's 6-8 ms roll here (ADR 0004 addendum). Until then lookups use the entries in memory; after a crash
   * before that flush the next open rebuilds the missing files from the segment.
   */
  void sealIndexesLater() {
    appendLastTimeIndexEntry();
    // not under the lifecycle lock: a flush holds it while it forces this file, and the owner must not wait for
    // that; the volatile write publishes the entry above to the flush that reads the flag
    indexFilesDue = true;
  }

  private void appendLastTimeIndexEntry() {
    if (!isEmpty()) {
      timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
    }
  }

  /** Owner: deletes both index files (stale after a rebuild of the active segment); none is written later. */
  void deleteIndexFiles() throws IOException {
    synchronized (lifecycleLock) {
      indexFilesDue = false;
    }
    offsetIndex.deleteFile();
    timeIndex.deleteFile();
  }

  /**
   * The position of the batch whose base offset is exactly {@code offset}.
   *
   * @throws InvalidInputException if no batch of this segment starts at {@code offset}
   */
  int ensureBatchBoundary(long offset) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_READ_BYTES);
    int position = offset < baseOffset ? -1 : translateOffset(offset, sizeInBytes, header);
    if (position < 0 || BatchHeader.baseOffset(header, 0) != offset) {
      throw new InvalidInputException("offset", offset, "must be the first offset of a batch of " + logFile
          + (position < 0 ? " (the segment holds offsets " + baseOffset + " to " + (nextOffset - 1) + ")"
          : " (the batch at position " + position + " starts at " + BatchHeader.baseOffset(header, 0) + ")"));
    }
    return position;
  }

  /**
   * Owner: drops every batch at or after {@code offset}, which must be the base offset of a batch
   * of this segment or its end offset, and rebuilds the index state for what remains. The caller
   * deletes the now stale index files.
   */
  void truncateTo(long offset) throws IOException {
    if (offset == nextOffset) {
      return;
    }
    int position = ensureBatchBoundary(offset);
    channel.truncate(position);
    fileEndsAt(position);
    offsetIndex.truncateTo(offset);
    timeIndex.truncateTo(offset);
    Optional<String> problem = recoverTail(position);
    if (problem.isPresent()) {
      throw new StorageException("after truncating " + logFile + " to position " + position + ": " + problem.get());
    }
  }

  // ---------------------------------------------------------------- reads (any thread)

  /**
   * Reads the 43 header bytes that header walks need of the batch at {@code position} into
   * {@code header} (at index 0). Returns false if they do not fit below {@code limitBytes}.
   */
  boolean readHeader(ByteBuffer header, int position, int limitBytes) throws IOException {
    if ((long) position + HEADER_READ_BYTES > limitBytes) {
      return false;
    }
    header.clear();
    readFully(header, position);
    return true;
  }

  /**
   * The position of the batch holding {@code offset} (its header is left in {@code header}), found
   * from the offset index and a forward header walk below {@code limitBytes}; -1 if no batch below
   * the limit holds it. A header that does not make sense throws {@link StorageException}.
   */
  int translateOffset(long offset, int limitBytes, ByteBuffer header) throws IOException {
    int position = offsetIndex.floorPosition(offset);
    while (position < limitBytes) {
      if (!readHeader(header, position, limitBytes)) {
        throw new StorageException("batch header at position " + position + " of " + logFile
            + " runs past the segment's " + limitBytes + " bytes");
      }
      int size = batchSizeAt(header, position, limitBytes);
      if (BatchHeader.lastOffset(header, 0) >= offset) {
        return position;
      }
      position += size;
    }
    return -1;
  }

  /** Checks the length in {@code header} of the batch at {@code position} and returns the batch size. */
  int batchSizeAt(ByteBuffer header, int position, int limitBytes) {
    int length = BatchHeader.batchLength(header, 0);
    long size = BatchHeader.LOG_OVERHEAD + (long) length;
    if (length < BatchHeader.HEADER_SIZE - BatchHeader.LOG_OVERHEAD || position + size > limitBytes) {
      throw new StorageException("batch at position " + position + " of " + logFile + " has batchLength " + length
          + ", which does not fit the segment's " + limitBytes + " bytes");
    }
    return (int) size;
  }

  /** Reads {@code destination.remaining()} bytes at {@code position}; end of file is an error. */
  void readFully(ByteBuffer destination, long position) throws IOException {
    long at = position;
    while (destination.hasRemaining()) {
      int read = channel.read(destination, at);
      if (read < 0) {
        throw new StorageException("unexpected end of " + logFile + " at position " + at);
      }
      at += read;
    }
    destination.flip();
  }

  /**
   * Position of the first batch below {@code limitBytes} whose max timestamp is at or after
   * {@code timestamp} (its header is left in {@code header}), or -1 if there is none. Uses the
   * time index to skip batches that cannot match, then walks headers.
   */
  int findBatchByTimestamp(long timestamp, int limitBytes, ByteBuffer header) throws IOException {
    if (maxTimestamp < timestamp) {
      return -1;
    }
    long fromOffset = timeIndex.floorOffset(timestamp);
    int position = offsetIndex.floorPosition(fromOffset);
    while (position < limitBytes) {
      if (!readHeader(header, position, limitBytes)) {
        throw new StorageException("batch header at position " + position + " of " + logFile
            + " runs past the segment's " + limitBytes + " bytes");
      }
      int size = batchSizeAt(header, position, limitBytes);
      if (BatchHeader.maxTimestamp(header, 0) >= timestamp) {
        return position;
      }
      position += size;
    }
    return -1;
  }

  // ---------------------------------------------------------------- durability and lifecycle

  /** Whether bytes, a cut or index files were written and not fsynced yet, or index files are due. */
  boolean hasUnflushed() {
    return sizeInBytes != flushedBytes || cutUnforced || indexFilesDue || offsetIndex.fsyncPending()
        || timeIndex.fsyncPending();
  }

  /**
   * Writes the index files if they are due ({@link #sealIndexesLater()}), then forces the log file if bytes were
   * appended or {@linkplain #trimToSize() cut} since the last flush, and index files written since their last
   * fsync. Returns true if index files were forced (their rename needs a directory fsync). A closed segment is
   * skipped. Any thread.
   *
   * <p>Index files that cannot be written are not a failure of the flush: the entries stay in memory, the files stay
   * due for the next flush, and an open without them rebuilds them from the segment.
   */
  boolean flush() throws IOException {
    synchronized (lifecycleLock) {
      if (closed) {
        return false;
      }
      if (indexFilesDue) {
        writeDueIndexFiles();
      }
      int size = sizeInBytes;
      boolean cut = cutUnforced;
      if (size != flushedBytes || cut) {
        cutUnforced = false;
        // fdatasync: the appended bytes and the file size needed to read them; mtime is not worth a journal write.
        // A cut (once per roll) is forced with all of the inode's metadata
        channel.force(cut);
        flushedBytes = size;
      }
      boolean indexesPending = offsetIndex.fsyncPending() || timeIndex.fsyncPending();
      offsetIndex.forceIfPending(io);
      timeIndex.forceIfPending(io);
      return indexesPending;
    }
  }

  private void writeDueIndexFiles() {
    try {
      offsetIndex.writeFile(io);
      timeIndex.writeFile(io);
      indexFilesDue = false;
    } catch (IOException e) {
      LOG.warn("{}: writing the index files failed, trying again at the next flush: {}", logFile, e.toString());
    }
  }

  /** Marks the current size, and any cut, as durable (after the owner forced the file with its metadata). */
  void markFlushed() {
    flushedBytes = sizeInBytes;
    cutUnforced = false;
  }

  /** Marks the file as needing a force at the next flush (recovered bytes may not be durable yet). */
  void markUnflushed() {
    flushedBytes = -1;
  }

  /** Closes the file. Idempotent. */
  void close() throws IOException {
    synchronized (lifecycleLock) {
      if (!closed) {
        closed = true;
        channel.close();
      }
    }
  }

  /** Whether {@link #close()} or {@link #closeAndDelete()} ran. */
  boolean isClosed() {
    synchronized (lifecycleLock) {
      return closed;
    }
  }

  /** Closes the file and deletes the segment's {@code .log}, {@code .index} and {@code .timeindex}. */
  void closeAndDelete() throws IOException {
    close();
    deleteFiles();
  }

  /**
   * Deletes the segment's {@code .log}, {@code .index} and {@code .timeindex} and leaves the channel open:
   * reads through it go on, and the kernel frees the log file's pages only at {@link #close()}, which the
   * caller may then run on another thread (freeing a large file's page cache takes milliseconds).
   */
  void deleteFiles() throws IOException {
    synchronized (lifecycleLock) {
      indexFilesDue = false;
    }
    Files.deleteIfExists(offsetIndex.file());
    Files.deleteIfExists(timeIndex.file());
    Files.deleteIfExists(logFile);
  }

  @Override
  public String toString() {
    return "LogSegment[" + logFile + ", offsets " + baseOffset + ".." + nextOffset + ", " + sizeInBytes + " bytes]";
  }
}
