package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.BatchSummary;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.VerifyReport;
import io.cairn.eventstore.internal.record.BatchHeader;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The read-only checks behind {@link io.cairn.eventstore.LogInspector}: verifies partition
 * directories and dumps segment files. Opens every file read-only and never writes. Stateless and
 * thread-safe.
 *
 * <p>Offsets must be dense, except in a partition of a topic whose metadata
 * ({@code <data.dir>/meta/topics/<topic>.properties}, looked up in the partition directory's
 * parents) says {@code cleanup.policy=compact}: there compaction leaves gaps, so offsets only need
 * to increase strictly within and across segments, and a segment's first batch may start after its
 * base offset. Without metadata the strict (dense) rule applies (unreadable metadata adds a note),
 * so a gap in a delete-policy topic is always a problem, never silently accepted.
 */
public final class LogVerifier {

  /** Where topic metadata lives relative to the data directory (as the topic registry writes it). */
  private static final String TOPIC_META_DIR = "meta";
  private static final String TOPIC_META_TOPICS_DIR = "topics";
  private static final String TOPIC_META_SUFFIX = ".properties";

  private LogVerifier() {
  }

  /** See {@link io.cairn.eventstore.LogInspector#verify(Path)}. */
  public static VerifyReport verify(Path dataDir) {
    List<Path> partitionDirs;
    try (Stream<Path> dirs = Files.walk(dataDir)) {
      partitionDirs = dirs.filter(Files::isDirectory).filter(LogVerifier::holdsSegments).sorted().toList();
    } catch (IOException e) {
      throw new StorageException("cannot list " + dataDir + ": " + e, e);
    }
    Tally tally = new Tally();
    for (Path dir : partitionDirs) {
      verifyPartition(dir, tally);
    }
    if (partitionDirs.isEmpty()) {
      tally.notes.add("no partition directory (with " + SegmentFiles.LOG_SUFFIX + " segment files) under " + dataDir);
    }
    return new VerifyReport(partitionDirs.size(), tally.segments, tally.batches, tally.bytes, tally.problems,
        tally.notes);
  }

  private static boolean holdsSegments(Path dir) {
    try {
      return SegmentFiles.listBaseOffsets(dir, SegmentFiles.LOG_SUFFIX).length > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static void verifyPartition(Path dir, Tally tally) {
    long[] bases;
    try {
      bases = SegmentFiles.listBaseOffsets(dir, SegmentFiles.LOG_SUFFIX);
    } catch (IOException e) {
      tally.problem(dir, -1, "cannot list the directory: " + e);
      return;
    }
    boolean gaps = isCompacted(dir, tally);
    long expectedNext = bases[0];
    for (int i = 0; i < bases.length; i++) {
      Path logFile = SegmentFiles.logFile(dir, bases[i]);
      if (bases[i] != expectedNext && !(gaps && bases[i] > expectedNext)) {
        tally.problem(logFile, -1, "segment starts at offset " + bases[i] + " but the segment before ends at "
            + expectedNext + (gaps ? " (offsets must increase across segments)"
            : " (offsets must be dense across segments)"));
      }
      boolean last = i == bases.length - 1;
      SegmentBatches batches = verifySegment(logFile, bases[i], gaps, tally);
      verifyOffsetIndex(SegmentFiles.offsetIndexFile(dir, bases[i]), bases[i], batches, last, gaps, tally);
      verifyTimeIndex(SegmentFiles.timeIndexFile(dir, bases[i]), bases[i], batches, last, tally);
      expectedNext = batches.nextOffset;
    }
    verifyRecoveryPoint(dir, expectedNext, tally);
    OptionalLong marker = CleanShutdownMarker.read(dir);
    if (marker.isPresent()) {
      tally.notes.add(CleanShutdownMarker.path(dir) + ": clean-shutdown marker present (log end offset "
          + marker.getAsLong() + (marker.getAsLong() == expectedNext ? ", matches" : ", the log ends at " + expectedNext
          + ": the next open recovers as after a crash") + ")");
    }
  }

  /**
   * Whether the partition in {@code dir} belongs to a compacted topic, from the topic metadata in
   * the first parent holding {@code meta/topics/<topic>.properties}.
   */
  private static boolean isCompacted(Path dir, Tally tally) {
    String dirName = String.valueOf(dir.getFileName());
    int separator = dirName.lastIndexOf(SegmentFiles.PARTITION_SEPARATOR);
    if (separator <= 0) {
      return false;
    }
    String topic = dirName.substring(0, separator);
    for (Path parent = dir.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
      Path meta = parent.resolve(TOPIC_META_DIR).resolve(TOPIC_META_TOPICS_DIR).resolve(topic + TOPIC_META_SUFFIX);
      if (Files.isRegularFile(meta)) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(meta)) {
          properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
          tally.notes.add(meta + " cannot be read (" + e + "); offsets of " + dir + " are checked as dense");
          return false;
        }
        return CleanupPolicy.COMPACT.configName().equals(properties.getProperty(TopicConfig.CLEANUP_POLICY));
      }
    }
    return false;
  }

  private static SegmentBatches verifySegment(Path logFile, long baseOffset, boolean gaps, Tally tally) {
    SegmentBatches batches = new SegmentBatches(baseOffset);
    tally.segments++;
    try (FileChannel channel = FileChannel.open(logFile, StandardOpenOption.READ)) {
      long size = channel.size();
      batches.sizeInBytes = size;
      BatchScanner scanner = new BatchScanner(channel, 0, size, BatchScanner.bufferBytesFor(size), false);
      for (BatchScanner.Step step = scanner.next(); step != BatchScanner.Step.END; step = scanner.next()) {
        if (step == BatchScanner.Step.INVALID) {
          tally.problem(logFile, scanner.position(), scanner.problem() + " (" + (size - scanner.position())
              + " bytes after the last valid batch are not a batch)");
          break;
        }
        ByteBuffer buffer = scanner.buffer();
        int at = scanner.batchStart();
        long position = scanner.batchPosition();
        long stored = BatchHeader.storedCrc(buffer, at);
        long computed = BatchHeader.computeCrc(buffer, at, scanner.batchSize());
        if (stored != computed) {
          tally.problem(logFile, position, String.format("CRC is 0x%08x, computed 0x%08x", stored, computed));
        }
        long base = BatchHeader.baseOffset(buffer, at);
        if (base != batches.nextOffset && !(gaps && base > batches.nextOffset)) {
          tally.problem(logFile, position, "baseOffset is " + base + ", expected " + (gaps ? "at least " : "")
              + batches.nextOffset + (gaps ? " (offsets must increase)" : " (offsets must be dense)"));
        }
        batches.add((int) position, base, BatchHeader.lastOffset(buffer, at), BatchHeader.maxTimestamp(buffer, at));
        tally.batches++;
      }
      tally.bytes += size;
    } catch (IOException e) {
      tally.problem(logFile, -1, "cannot read: " + e);
    }
    return batches;
  }

  private static void verifyOffsetIndex(Path file, long baseOffset, SegmentBatches batches, boolean last,
                                        boolean gaps, Tally tally) {
    Optional<ByteBuffer> read = readIndex(file, OffsetIndex.ENTRY_SIZE, batches, last, tally);
    if (read.isEmpty()) {
      return;
    }
    ByteBuffer entries = read.get();
    int count = entries.limit() / OffsetIndex.ENTRY_SIZE;
    int previousRelative = -1;
    int previousPosition = -1;
    for (int slot = 0; slot < count; slot++) {
      int at = slot * OffsetIndex.ENTRY_SIZE;
      int relative = entries.getInt(at + OffsetIndex.RELATIVE_OFFSET_OFFSET);
      int position = entries.getInt(at + OffsetIndex.POSITION_OFFSET);
      String entry = "entry " + slot + " (offset " + (baseOffset + relative) + ", position " + position + ")";
      if (slot == 0 && ((relative != 0 && !gaps) || position != 0)) {
        tally.problem(file, at, entry + " must be (offset " + baseOffset + ", position 0), the segment's first batch");
      }
      if (relative <= previousRelative || position <= previousPosition) {
        tally.problem(file, at, entry + " does not increase over the entry before");
      }
      int batch = batches.indexOfPosition(position);
      if (batch < 0) {
        tally.problem(file, at, entry + " does not point at the start of a batch");
      } else if (batches.baseOffsets[batch] != baseOffset + relative) {
        tally.problem(file, at, entry + " points at the batch with baseOffset " + batches.baseOffsets[batch]);
      }
      previousRelative = relative;
      previousPosition = position;
    }
  }

  private static void verifyTimeIndex(Path file, long baseOffset, SegmentBatches batches, boolean last, Tally tally) {
    Optional<ByteBuffer> read = readIndex(file, TimeIndex.ENTRY_SIZE, batches, last, tally);
    if (read.isEmpty()) {
      return;
    }
    ByteBuffer entries = read.get();
    int count = entries.limit() / TimeIndex.ENTRY_SIZE;
    long previousTimestamp = Long.MIN_VALUE;
    long previousOffset = Long.MIN_VALUE;
    for (int slot = 0; slot < count; slot++) {
      int at = slot * TimeIndex.ENTRY_SIZE;
      long timestamp = entries.getLong(at + TimeIndex.TIMESTAMP_OFFSET);
      long offset = baseOffset + entries.getInt(at + TimeIndex.RELATIVE_OFFSET_OFFSET);
      String entry = "entry " + slot + " (timestamp " + timestamp + ", offset " + offset + ")";
      if (slot > 0 && (timestamp <= previousTimestamp || offset < previousOffset)) {
        tally.problem(file, at, entry + " does not follow the entry before (timestamps must increase, offsets not"
            + " decrease)");
      }
      int batch = batches.indexOfBaseOffset(offset);
      if (batch < 0) {
        tally.problem(file, at, entry + " does not name the base offset of a batch");
      } else if (batches.maxTimestamps[batch] != timestamp) {
        tally.problem(file, at, entry + " but that batch's maxTimestamp is " + batches.maxTimestamps[batch]);
      } else if (batches.maxTimestampBefore(batch) >= timestamp) {
        tally.problem(file, at, entry + " but an earlier batch already has maxTimestamp "
            + batches.maxTimestampBefore(batch));
      }
      previousTimestamp = timestamp;
      previousOffset = offset;
    }
    long segmentMax = batches.maxTimestampBefore(batches.count);
    if (!last && batches.count > 0 && count > 0 && previousTimestamp != segmentMax) {
      tally.problem(file, -1, "the last entry has timestamp " + previousTimestamp + " but the closed segment's "
          + "largest timestamp is " + segmentMax + " (the time index of a closed segment must be complete)");
    }
  }

  /** Reads an index file whole; reports a missing file (as a note) and a bad size. */
  private static Optional<ByteBuffer> readIndex(Path file, int entrySize, SegmentBatches batches, boolean last,
                                                Tally tally) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      if (!last && batches.count > 0) {
        tally.notes.add(file + " is missing; the next open rebuilds it from its segment");
      }
      return Optional.empty();
    } catch (IOException e) {
      tally.problem(file, -1, "cannot read: " + e);
      return Optional.empty();
    }
    if (bytes.length % entrySize != 0) {
      tally.problem(file, -1, "is " + bytes.length + " bytes, not a multiple of the " + entrySize + "-byte entry");
    }
    if (!last && batches.count > 0 && bytes.length < entrySize) {
      tally.problem(file, -1, "has no entries but its closed segment has " + batches.count + " batches");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.limit(bytes.length - bytes.length % entrySize);
    return Optional.of(buffer);
  }

  private static void verifyRecoveryPoint(Path dir, long logEndOffset, Tally tally) {
    try {
      OptionalLong point = RecoveryPointFile.read(dir);
      if (point.isPresent() && point.getAsLong() > logEndOffset) {
        tally.problem(RecoveryPointFile.path(dir), -1, "recovery point " + point.getAsLong()
            + " is beyond the log end offset " + logEndOffset + ": batches that were fsynced are missing");
      }
    } catch (StorageException e) {
      tally.problem(RecoveryPointFile.path(dir), -1, e.getMessage());
    }
  }

  /** See {@link io.cairn.eventstore.LogInspector#dump(Path)}. */
  public static List<BatchSummary> dump(Path segmentLogFile) {
    List<BatchSummary> summaries = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(segmentLogFile, StandardOpenOption.READ)) {
      long size = channel.size();
      BatchScanner scanner = new BatchScanner(channel, 0, size, BatchScanner.bufferBytesFor(size), false);
      for (BatchScanner.Step step = scanner.next(); step != BatchScanner.Step.END; step = scanner.next()) {
        if (step == BatchScanner.Step.INVALID) {
          summaries.add(tornSummary(channel, scanner.position(), size, scanner.problem()));
          break;
        }
        ByteBuffer buffer = scanner.buffer();
        int at = scanner.batchStart();
        long stored = BatchHeader.storedCrc(buffer, at);
        long computed = BatchHeader.computeCrc(buffer, at, scanner.batchSize());
        Optional<String> problem = stored == computed ? Optional.empty()
            : Optional.of(String.format("CRC is 0x%08x, computed 0x%08x", stored, computed));
        summaries.add(summary(buffer, at, scanner.batchPosition(), scanner.batchSize(), computed, problem));
      }
    } catch (IOException e) {
      throw new StorageException("cannot read " + segmentLogFile + ": " + e, e);
    }
    return summaries;
  }

  private static BatchSummary tornSummary(FileChannel channel, long position, long fileSize, String problem)
      throws IOException {
    if (fileSize - position < BatchHeader.HEADER_SIZE) {
      return new BatchSummary(position, -1, -1, -1, (int) (fileSize - position), -1, (byte) -1, -1, -1, "unknown",
          false, false, false, -1, -1, -1, (short) -1, -1, Optional.of(problem));
    }
    ByteBuffer header = ByteBuffer.allocate(BatchHeader.HEADER_SIZE);
    while (header.hasRemaining()) {
      if (channel.read(header, position + header.position()) < 0) {
        break;
      }
    }
    return summary(header, 0, position, BatchHeader.sizeInBytes(header, 0), -1, Optional.of(problem));
  }

  private static BatchSummary summary(ByteBuffer buffer, int at, long position, int size, long computedCrc,
                                      Optional<String> problem) {
    short attributes = BatchHeader.attributes(buffer, at);
    return new BatchSummary(position, BatchHeader.baseOffset(buffer, at), BatchHeader.lastOffset(buffer, at),
        BatchHeader.recordsCount(buffer, at), size, BatchHeader.partitionLeaderEpoch(buffer, at),
        BatchHeader.magic(buffer, at), BatchHeader.storedCrc(buffer, at), computedCrc,
        compressionName(attributes & BatchHeader.COMPRESSION_CODEC_MASK),
        (attributes & BatchHeader.TIMESTAMP_TYPE_MASK) != 0, (attributes & BatchHeader.TRANSACTIONAL_FLAG_MASK) != 0,
        (attributes & BatchHeader.CONTROL_FLAG_MASK) != 0, BatchHeader.baseTimestamp(buffer, at),
        BatchHeader.maxTimestamp(buffer, at), BatchHeader.producerId(buffer, at), BatchHeader.producerEpoch(buffer, at),
        BatchHeader.baseSequence(buffer, at), problem);
  }

  private static String compressionName(int id) {
    for (CompressionType type : CompressionType.values()) {
      if (type.id() == id) {
        return type.configName();
      }
    }
    return "unknown(" + id + ")";
  }

  /** Positions, offsets and timestamps of the batches of one segment, in file order. */
  private static final class SegmentBatches {

    private static final int INITIAL_CAPACITY = 64;

    int count;
    int[] positions = new int[INITIAL_CAPACITY];
    long[] baseOffsets = new long[INITIAL_CAPACITY];
    long[] maxTimestamps = new long[INITIAL_CAPACITY];
    /** prefixMax[i] = largest maxTimestamp of batches 0..i-1 (Long.MIN_VALUE for i = 0). */
    long[] prefixMax = new long[INITIAL_CAPACITY + 1];
    long nextOffset;
    long sizeInBytes;

    SegmentBatches(long baseOffset) {
      this.nextOffset = baseOffset;
      prefixMax[0] = Long.MIN_VALUE;
    }

    void add(int position, long baseOffset, long lastOffset, long maxTimestamp) {
      if (count == positions.length) {
        int capacity = count * 2;
        positions = Arrays.copyOf(positions, capacity);
        baseOffsets = Arrays.copyOf(baseOffsets, capacity);
        maxTimestamps = Arrays.copyOf(maxTimestamps, capacity);
        prefixMax = Arrays.copyOf(prefixMax, capacity + 1);
      }
      positions[count] = position;
      baseOffsets[count] = baseOffset;
      maxTimestamps[count] = maxTimestamp;
      prefixMax[count + 1] = Math.max(prefixMax[count], maxTimestamp);
      count++;
      nextOffset = lastOffset + 1;
    }

    int indexOfPosition(int position) {
      int found = Arrays.binarySearch(positions, 0, count, position);
      return found >= 0 ? found : -1;
    }

    /** Binary search: base offsets increase in a valid segment (a segment where they do not is reported anyway). */
    int indexOfBaseOffset(long offset) {
      int found = Arrays.binarySearch(baseOffsets, 0, count, offset);
      return found >= 0 ? found : -1;
    }

    long maxTimestampBefore(int batch) {
      return prefixMax[batch];
    }
  }

  /** What a verification found so far. */
  private static final class Tally {
    int segments;
    long batches;
    long bytes;
    final List<VerifyReport.Problem> problems = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    void problem(Path file, long position, String message) {
      problems.add(new VerifyReport.Problem(file, position, message));
    }
  }
}
