package io.cairn.eventstore.internal.io;

import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;

/**
 * The store's small-file durability primitives, all through {@link StorageIo} so disk-fault tests reach
 * them: write a file, force it, rename it into place, fsync a directory. A file replaced with
 * {@link #writeAtomically} holds either its old or its new content after a crash. Blocking; call off
 * the event loop where latency matters.
 */
public final class DurableFiles {

  /** Suffix of the temporary file a replacement is written to before it is renamed into place. */
  public static final String TEMP_SUFFIX = ".tmp";

  private DurableFiles() {
  }

  /** The temporary sibling {@code target} is written to before {@link #forceAndRename} moves it into place. */
  public static Path tempFile(Path target) {
    return target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
  }

  /**
   * Writes {@code content} (position to limit, position unchanged) to {@code file}, replacing it,
   * without fsync. A failure here (e.g. disk full) breaks no durability promise.
   */
  public static void writeFile(StorageIo io, Path file, ByteBuffer content) throws IOException {
    ByteBuffer view = content.duplicate();
    try (FileChannel channel = io.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long position = 0;
      while (view.hasRemaining()) {
        position += channel.write(view, position);
      }
    }
  }

  /** Forces {@code file}'s content to disk. */
  public static void forceFile(StorageIo io, Path file) throws IOException {
    try (FileChannel channel = io.open(file, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Forces {@code temp}, renames it over {@code target} atomically and fsyncs the directory. */
  public static void forceAndRename(StorageIo io, Path temp, Path target) throws IOException {
    forceFile(io, temp);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(io, target.getParent());
  }

  /** Replaces {@code target} with {@code content} atomically and durably. */
  public static void writeAtomically(StorageIo io, Path target, byte[] content) throws IOException {
    Path temp = tempFile(target);
    writeFile(io, temp, ByteBuffer.wrap(content));
    forceAndRename(io, temp, target);
  }

  /** Deletes {@code file} if present and fsyncs its directory. */
  public static void deleteDurably(StorageIo io, Path file) throws IOException {
    Files.deleteIfExists(file);
    fsyncDirectory(io, file.getParent());
  }

  /** Makes the directory's entries (creations, renames, deletions) durable. */
  public static void fsyncDirectory(StorageIo io, Path dir) throws IOException {
    try (FileChannel channel = io.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Deletes a directory tree (a deleted topic's partition), then fsyncs the parent. */
  public static void deleteTree(StorageIo io, Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
    fsyncDirectory(io, dir.getParent());
  }
}
