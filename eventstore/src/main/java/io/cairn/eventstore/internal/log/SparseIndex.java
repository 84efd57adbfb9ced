package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Common machinery of the sparse per-segment index files: fixed-size big-endian entries sorted by
 * a key, looked up by binary search. While its segment is active the entries live in a growable
 * heap buffer; when the segment rolls (or the log closes) they are written to the file and read
 * from a read-only memory mapping of it from then on, so closed segments cost no heap.
 *
 * <p>Thread-safety: one owner thread appends, truncates, writes and loads; any thread may look up.
 * A reader reads the entry count (volatile) before the buffer (volatile), and the owner publishes a
 * new buffer before a count that needs it, so a reader always sees complete entries. Lookups racing
 * with a truncation may see entries that were just dropped; callers verify what they read.
 */
abstract class SparseIndex {

  /** Entries a fresh in-memory index has room for before it grows. */
  private static final int INITIAL_ENTRIES = 64;

  protected final Path file;
  protected final long baseOffset;
  private final int entrySize;
  private volatile ByteBuffer entries;
  private volatile int entryCount;
  private boolean mapped;
  private volatile boolean fsyncPending;
  private long loadedFileBytes;

  SparseIndex(Path file, long baseOffset, int entrySize) {
    this.file = file;
    this.baseOffset = baseOffset;
    this.entrySize = entrySize;
    this.entries = ByteBuffer.allocate(INITIAL_ENTRIES * entrySize);
  }

  /** The index file (which may not exist yet). */
  final Path file() {
    return file;
  }

  /** Number of entries. */
  final int entryCount() {
    return entryCount;
  }

  /** The current entry buffer; read {@link #entryCount()} first. */
  protected final ByteBuffer entries() {
    return entries;
  }

  /** The key entries are sorted by, of the entry in {@code slot}. */
  protected abstract long keyAt(ByteBuffer buffer, int slot);

  /** Byte position of {@code slot}'s entry in the buffer. */
  protected final int slotPosition(int slot) {
    return slot * entrySize;
  }

  /** The largest slot whose key is at most {@code key}, or -1 if there is none. */
  protected final int floorSlot(long key) {
    int count = entryCount;
    ByteBuffer buffer = entries;
    int low = 0;
    int high = count - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (keyAt(buffer, mid) <= key) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** Owner: a heap buffer with room for one more entry, to be filled at {@code slotPosition(entryCount())}. */
  protected final ByteBuffer bufferForAppend() {
    ensureInMemory(entryCount + 1);
    return entries;
  }

  /** Owner: publishes the entry written at the end of {@link #bufferForAppend()}. */
  protected final void commitAppend() {
    entryCount = entryCount + 1;
  }

  /** Owner: keeps only the first {@code count} entries. */
  protected final void truncateEntries(int count) {
    if (count < entryCount) {
      ensureInMemory(count);
      entryCount = count;
    }
  }

  /** Owner: drops every entry. */
  final void clear() {
    truncateEntries(0);
  }

  private void ensureInMemory(int neededEntries) {
    ByteBuffer current = entries;
    if (!mapped && current.capacity() >= neededEntries * entrySize) {
      return;
    }
    int capacityEntries = Math.max(INITIAL_ENTRIES, Math.max(neededEntries, entryCount) * 2);
    ByteBuffer grown = ByteBuffer.allocate(capacityEntries * entrySize);
    ByteBuffer used = current.duplicate();
    used.clear().limit(entryCount * entrySize);
    grown.put(used).clear();
    entries = grown;
    mapped = false;
  }

  /**
   * Owner: loads the index file as a read-only mapping. Returns false if the file does not exist.
   * The caller validates the entries; a file whose size is not a whole number of entries keeps only
   * the whole ones and reports the rest through {@link #fileSizeProblem()}.
   */
  final boolean load(StorageIo io) throws IOException {
    try (FileChannel channel = io.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException(file + " is " + size + " bytes, larger than any index can be");
      }
      entries = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      entryCount = (int) (size / entrySize);
      mapped = true;
      loadedFileBytes = size;
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Why the loaded file's size is not a whole number of entries, if it is not. */
  protected final Optional<String> fileSizeProblem() {
    if (loadedFileBytes % entrySize != 0) {
      return Optional.of(file.getFileName() + " is " + loadedFileBytes + " bytes, not a multiple of the "
          + entrySize + "-byte entry");
    }
    return Optional.empty();
  }

  /**
   * Owner, or the flushing thread once the segment rolled (no entry is added any more): writes the entries to the
   * index file and switches lookups to a read-only mapping of it.
   * The file is written as {@code <name>.tmp} and renamed over the old one, so readers still using a
   * mapping of the old file never see it shrink. No fsync here: {@link #forceIfPending(StorageIo)}
   * does that later (and the caller fsyncs the directory for the rename).
   */
  final void writeFile(StorageIo io) throws IOException {
    int count = entryCount;
    ByteBuffer content = entries.duplicate();
    content.clear().limit(count * entrySize);
    Path temp = DurableFiles.tempFile(file);
    DurableFiles.writeFile(io, temp, content);
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncPending = true;
    try (FileChannel channel = io.open(file, StandardOpenOption.READ)) {
      entries = channel.map(FileChannel.MapMode.READ_ONLY, 0, (long) count * entrySize);
      mapped = true;
    }
  }

  /** Whether the file was written and not fsynced yet. */
  final boolean fsyncPending() {
    return fsyncPending;
  }

  /** Fsyncs the index file if it was written since the last fsync. Any thread. */
  final void forceIfPending(StorageIo io) throws IOException {
    if (fsyncPending) {
      fsyncPending = false;
      try {
        DurableFiles.forceFile(io, file);
      } catch (IOException e) {
        fsyncPending = true;
        throw e;
      }
    }
  }

  /** Owner: deletes the index file if it exists; the in-memory entries stay. */
  final void deleteFile() throws IOException {
    Files.deleteIfExists(file);
    fsyncPending = false;
  }
}
