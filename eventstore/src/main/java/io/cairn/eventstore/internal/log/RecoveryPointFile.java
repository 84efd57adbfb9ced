package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * The {@code recovery-point} file of a partition: the offset up to which every batch was fsynced.
 * After a crash, recovery verifies the batches from the segment holding the offset just before the
 * recovery point to the end; a batch below it that does not verify is corruption (the partition
 * refuses to open), a batch at or above it may be a torn write (the log is truncated there).
 *
 * <p>Format, ASCII, three lines each ending in {@code '\n'}:
 * <pre>
 * cairn-recovery-point 1      magic word and format version
 * 12345                       the recovery point, decimal
 * 0a1b2c3d                    CRC-32C of the first two lines (with their '\n'), 8 lowercase hex digits
 * </pre>
 * Written to {@code recovery-point.tmp}, fsynced, renamed over the old file and the directory
 * fsynced, so a crash leaves the old or the new value. Stateless and thread-safe; callers serialize writes.
 */
public final class RecoveryPointFile {

  /** First line's magic word. */
  public static final String MAGIC = "cairn-recovery-point";
  public static final int VERSION = 1;
  private static final String HEADER_LINE = MAGIC + " " + VERSION;
  private static final int LINES = 3;
  private static final int CRC_HEX_DIGITS = 8;
  private static final int HEX_RADIX = 16;

  private RecoveryPointFile() {
  }

  /** The file's path in {@code partitionDir}. */
  public static Path path(Path partitionDir) {
    return partitionDir.resolve(SegmentFiles.RECOVERY_POINT_FILE);
  }

  /** The bytes of a recovery-point file holding {@code offset}. */
  static ByteBuffer encode(long offset) {
    String body = HEADER_LINE + "\n" + offset + "\n";
    String text = body + crcHex(body) + "\n";
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The stored recovery point, or empty if the file does not exist. A file that exists but does not
   * parse or whose CRC does not match throws {@link StorageException} naming the file and the rule.
   */
  public static OptionalLong read(Path partitionDir) {
    Path file = path(partitionDir);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return OptionalLong.of(parse(file, text));
  }

  static long parse(Path file, String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length != LINES + 1 || !lines[LINES].isEmpty() || !HEADER_LINE.equals(lines[0])) {
      throw new StorageException(file + " is not a recovery-point file: expected 3 lines starting with \""
          + HEADER_LINE + "\", found " + (lines.length - 1) + " line(s)");
    }
    String body = lines[0] + "\n" + lines[1] + "\n";
    String expectedCrc = crcHex(body);
    if (!expectedCrc.equals(lines[2])) {
      throw new StorageException(file + " has CRC " + lines[2] + ", computed " + expectedCrc
          + " over its first two lines");
    }
    long offset;
    try {
      offset = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new StorageException(file + " line 2 = \"" + lines[1] + "\" is not an offset");
    }
    if (offset < 0) {
      throw new StorageException(file + " holds recovery point " + offset + ", which must be >= 0");
    }
    return offset;
  }

  /**
   * Writes {@code offset} to the temporary file without fsync. A failure (disk full) changes
   * nothing durable: the old recovery point still holds.
   */
  static void writeTemp(StorageIo io, Path partitionDir, long offset) throws IOException {
    DurableFiles.writeFile(io, DurableFiles.tempFile(path(partitionDir)), encode(offset));
  }

  /** Forces the temporary file, renames it into place and fsyncs the directory. */
  static void commitTemp(StorageIo io, Path partitionDir) throws IOException {
    Path target = path(partitionDir);
    DurableFiles.forceAndRename(io, DurableFiles.tempFile(target), target);
  }

  private static String crcHex(String body) {
    CRC32C crc = new CRC32C();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    String hex = Long.toString(crc.getValue(), HEX_RADIX);
    return "0".repeat(CRC_HEX_DIGITS - hex.length()) + hex;
  }
}
