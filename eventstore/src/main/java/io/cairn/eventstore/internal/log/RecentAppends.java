package io.cairn.eventstore.internal.log;

/**
 * Which offsets of a log were appended moments ago, by bytes: those whose records lie within the last
 * {@code windowBytes} to {@code 2 * windowBytes} (plus one append) of bytes this process appended. Their pages
 * were written into the page cache by that append and are still there, so reading them is a memory copy, cheap
 * enough to do on the thread that asks instead of handing it to a disk thread and back (two thread wake-ups).
 *
 * <p>Two marks, no list: every {@code windowBytes} of appends the floor moves up to the log end of the
 * previous move. Offsets appended before the log was opened are never recent, whatever the page cache
 * holds.
 *
 * <p>Threads: the log's owner calls {@link #appended}; {@link #holds} may run on any thread.
 */
final class RecentAppends {

  private final long windowBytes;
  /** Appended bytes and log end offset when the floor last moved (owner only). */
  private long markBytes;
  private long markOffset;
  private volatile long floorOffset = Long.MAX_VALUE;

  /** Nothing is recent until {@link #opened}. {@code windowBytes}: bytes of appends between two moves, at least 1. */
  RecentAppends(long windowBytes) {
    if (windowBytes < 1) {
      throw new IllegalArgumentException("windowBytes must be at least 1, got " + windowBytes);
    }
    this.windowBytes = windowBytes;
  }

  /** The log was opened (recovered) and ends at {@code logEndOffset}, the first offset that can be recent. */
  void opened(long logEndOffset) {
    markBytes = 0;
    markOffset = logEndOffset;
    floorOffset = logEndOffset;
  }

  /** Notes an append: {@code appendedBytes} appended since open, the log now ends at {@code logEndOffset}. */
  void appended(long appendedBytes, long logEndOffset) {
    if (appendedBytes - markBytes >= windowBytes) {
      floorOffset = markOffset;
      markBytes = appendedBytes;
      markOffset = logEndOffset;
    }
  }

  /** Whether the record at {@code offset}, if it exists, was appended within the window. Any thread. */
  boolean holds(long offset) {
    return offset >= floorOffset;
  }
}
