package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code clean-shutdown} marker of a partition directory. A clean close writes it last, after
 * every segment, index file and the recovery point were fsynced; opening a partition that has it
 * skips recovery, then deletes it (and fsyncs the directory) before the first append, so a later
 * crash is never mistaken for a clean shutdown.
 *
 * <p>Format, ASCII: {@code log-end-offset <decimal>\n}. Open compares it with the log end offset it
 * finds; a mismatch or an unreadable marker means the shutdown is treated as unclean.
 * Stateless and thread-safe.
 */
public final class CleanShutdownMarker {

  private static final Logger LOG = LoggerFactory.getLogger(CleanShutdownMarker.class);
  /** Prefix of the marker's single line. */
  public static final String PREFIX = "log-end-offset ";

  private CleanShutdownMarker() {
  }

  /** The marker's path in {@code partitionDir}. */
  public static Path path(Path partitionDir) {
    return partitionDir.resolve(SegmentFiles.CLEAN_SHUTDOWN_FILE);
  }

  /** Whether the marker file exists. */
  public static boolean exists(Path partitionDir) {
    return Files.exists(path(partitionDir));
  }

  /** The log end offset recorded by the clean close, or empty if the marker is missing or unreadable. */
  public static OptionalLong read(Path partitionDir) {
    Path file = path(partitionDir);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      LOG.warn("cannot read clean-shutdown marker {}: {}; recovering as after a crash", file, e.toString());
      return OptionalLong.empty();
    }
    if (!text.startsWith(PREFIX) || !text.endsWith("\n")) {
      LOG.warn("clean-shutdown marker {} does not start with \"{}\"; recovering as after a crash", file, PREFIX);
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(text.substring(PREFIX.length(), text.length() - 1)));
    } catch (NumberFormatException e) {
      LOG.warn("clean-shutdown marker {} holds no offset; recovering as after a crash", file);
      return OptionalLong.empty();
    }
  }

  /** Writes the marker durably: temp file, fsync, rename, fsync of the directory. */
  static void write(StorageIo io, Path partitionDir, long logEndOffset) throws IOException {
    Path target = path(partitionDir);
    Path temp = DurableFiles.tempFile(target);
    DurableFiles.writeFile(io, temp, ByteBuffer.wrap((PREFIX + logEndOffset + "\n").getBytes(StandardCharsets.US_ASCII)));
    DurableFiles.forceAndRename(io, temp, target);
  }

  /** Deletes the marker and fsyncs the directory so the deletion survives a crash. */
  static void delete(StorageIo io, Path partitionDir) throws IOException {
    if (Files.deleteIfExists(path(partitionDir))) {
      DurableFiles.fsyncDirectory(io, partitionDir);
    }
  }
}
