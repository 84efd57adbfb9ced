package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.internal.io.DurableFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Names and small durable-file helpers of a partition directory. A partition directory
 * {@code <topic>-<partition>/} holds, per segment, files named by the segment's base offset as 20
 * zero-padded decimal digits (so {@code ls} sorts them by offset):
 *
 * <pre>
 * 00000000000000000000.log        record batches (Kafka record batch v2)
 * 00000000000000000000.index      sparse offset index   ({@link OffsetIndex})
 * 00000000000000000000.timeindex  sparse time index     ({@link TimeIndex})
 * recovery-point                  offset up to which the log was fsynced ({@link RecoveryPointFile})
 * clean-shutdown                  marker written last by a clean close ({@link CleanShutdownMarker})
 * 00000000000000000000.log.cleaned  compaction: cleaned copy being written (also .index/.timeindex)
 * 00000000000000000000.log.swap     compaction: committed cleaned copy, being renamed into place
 * </pre>
 *
 * Other files in the directory ({@code .streams}, producer-state snapshots) belong to other
 * components and are never touched here. Stateless and thread-safe.
 */
public final class SegmentFiles {

  public static final String LOG_SUFFIX = ".log";
  public static final String OFFSET_INDEX_SUFFIX = ".index";
  public static final String TIME_INDEX_SUFFIX = ".timeindex";
  /** Suffix of a file being written before it is renamed into place. */
  public static final String TEMP_SUFFIX = DurableFiles.TEMP_SUFFIX;
  /**
   * Appended to a segment file's name ({@code <base>.log.cleaned}) while compaction writes its
   * cleaned copy; such files are never part of the log and are deleted at open.
   */
  public static final String CLEANED_SUFFIX = ".cleaned";
  /**
   * Appended to a segment file's name ({@code <base>.log.swap}) once every cleaned copy of a
   * compaction is complete and durable: from then on the compaction is committed, and an open
   * finishes it by renaming each {@code .swap} over its segment file.
   */
  public static final String SWAP_SUFFIX = ".swap";
  public static final String RECOVERY_POINT_FILE = "recovery-point";
  public static final String CLEAN_SHUTDOWN_FILE = "clean-shutdown";
  /** Digits of a segment file's base offset: enough for every non-negative long. */
  public static final int BASE_OFFSET_DIGITS = 20;
  /** Separator between topic name and partition number in a partition directory name. */
  public static final char PARTITION_SEPARATOR = '-';

  private SegmentFiles() {
  }

  /** The 20-digit zero-padded file name stem of a segment, e.g. {@code 00000000000000000042}. */
  public static String fileStem(long baseOffset) {
    if (baseOffset < 0) {
      throw new IllegalArgumentException("segment base offset must be >= 0, was " + baseOffset);
    }
    String digits = Long.toString(baseOffset);
    char[] stem = new char[BASE_OFFSET_DIGITS];
    Arrays.fill(stem, 0, BASE_OFFSET_DIGITS - digits.length(), '0');
    digits.getChars(0, digits.length(), stem, BASE_OFFSET_DIGITS - digits.length());
    return new String(stem);
  }

  /** The {@code .log} file of the segment starting at {@code baseOffset}. */
  public static Path logFile(Path partitionDir, long baseOffset) {
    return partitionDir.resolve(fileStem(baseOffset) + LOG_SUFFIX);
  }

  /** The {@code .index} file of the segment starting at {@code baseOffset}. */
  public static Path offsetIndexFile(Path partitionDir, long baseOffset) {
    return partitionDir.resolve(fileStem(baseOffset) + OFFSET_INDEX_SUFFIX);
  }

  /** The {@code .timeindex} file of the segment starting at {@code baseOffset}. */
  public static Path timeIndexFile(Path partitionDir, long baseOffset) {
    return partitionDir.resolve(fileStem(baseOffset) + TIME_INDEX_SUFFIX);
  }

  /** {@code file} with {@code suffix} appended to its name ({@code .cleaned}, {@code .swap}, {@code .tmp}). */
  static Path withSuffix(Path file, String suffix) {
    return file.resolveSibling(file.getFileName() + suffix);
  }

  /** The partition directory name {@code <topic>-<partition>}. */
  public static String partitionDirName(String topic, int partition) {
    return topic + PARTITION_SEPARATOR + partition;
  }

  /**
   * The base offset encoded in {@code fileName} if it is exactly 20 decimal digits followed by
   * {@code suffix}; empty otherwise.
   */
  public static OptionalLong parseBaseOffset(String fileName, String suffix) {
    if (fileName.length() != BASE_OFFSET_DIGITS + suffix.length() || !fileName.endsWith(suffix)) {
      return OptionalLong.empty();
    }
    long value = 0;
    for (int i = 0; i < BASE_OFFSET_DIGITS; i++) {
      char c = fileName.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      long next = value * 10 + (c - '0');
      if (next < value) {
        return OptionalLong.empty();
      }
      value = next;
    }
    return OptionalLong.of(value);
  }

  /** Base offsets of the files in {@code partitionDir} ending with {@code suffix}, ascending. */
  public static long[] listBaseOffsets(Path partitionDir, String suffix) throws IOException {
    long[] found = new long[16];
    int count = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir)) {
      for (Path file : files) {
        OptionalLong base = parseBaseOffset(file.getFileName().toString(), suffix);
        if (base.isPresent()) {
          if (count == found.length) {
            found = Arrays.copyOf(found, count * 2);
          }
          found[count++] = base.getAsLong();
        }
      }
    }
    long[] sorted = Arrays.copyOf(found, count);
    Arrays.sort(sorted);
    return sorted;
  }
}
