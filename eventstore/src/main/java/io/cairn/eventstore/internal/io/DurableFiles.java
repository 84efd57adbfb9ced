package io.cairn.eventstore.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small files written so that a crash leaves either the old or the new content: write to
 * {@code name.tmp}, fsync, rename over the target, fsync the directory. Blocking; call off the event loop
 * where latency matters.
 */
public final class DurableFiles {

  /** Suffix of the temporary file a write goes through. */
  public static final String TMP_SUFFIX = ".tmp";

  private DurableFiles() {
  }

  /** Replaces {@code target} with {@code content} atomically and durably. */
  public static void writeAtomically(Path target, byte[] content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + TMP_SUFFIX);
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(target.getParent());
  }

  /** Deletes {@code file} if present and fsyncs its directory. */
  public static void deleteDurably(Path file) throws IOException {
    Files.deleteIfExists(file);
    fsyncDirectory(file.getParent());
  }

  /** Makes the directory's entries (creations, renames, deletions) durable. */
  public static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Deletes a directory tree (used when a topic is deleted), then fsyncs the parent. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
    fsyncDirectory(dir.getParent());
  }
}
