package io.cairn.eventstore.internal.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The sparse time index of one segment ({@code <base>.timeindex}): maps the largest batch timestamp
 * seen so far in the segment to the base offset of the first batch that reached it. An entry is
 * added whenever an offset-index entry is added and the largest timestamp grew since the last
 * time entry, and once more when the segment rolls or the log closes, so the last entry of a closed
 * segment holds the segment's largest timestamp.
 *
 * <p>Entry, 12 bytes, big-endian:
 * <pre>
 * timestamp int64 | relativeOffset int32
 * </pre>
 * Invariant: timestamps strictly increase, offsets never decrease, every offset is the base offset
 * of a batch of the segment whose maxTimestamp equals the entry's timestamp, and every batch before
 * it has a smaller maxTimestamp. Hence for a target time {@code t}, no batch before the offset of
 * the last entry with timestamp at most {@code t} has a timestamp at or after {@code t}.
 * Thread-safety as {@link SparseIndex}.
 */
final class TimeIndex extends SparseIndex {

  static final int TIMESTAMP_OFFSET = 0;
  static final int TIMESTAMP_LENGTH = 8;
  static final int RELATIVE_OFFSET_OFFSET = TIMESTAMP_OFFSET + TIMESTAMP_LENGTH;
  static final int RELATIVE_OFFSET_LENGTH = 4;
  static final int ENTRY_SIZE = RELATIVE_OFFSET_OFFSET + RELATIVE_OFFSET_LENGTH;
  /** Timestamp of a segment without batches (Kafka's {@code RecordBatch.NO_TIMESTAMP}). */
  static final long NO_TIMESTAMP = -1L;

  TimeIndex(Path file, long baseOffset) {
    super(file, baseOffset, ENTRY_SIZE);
  }

  @Override
  protected long keyAt(ByteBuffer buffer, int slot) {
    return buffer.getLong(slotPosition(slot) + TIMESTAMP_OFFSET);
  }

  /** Timestamp of the entry in {@code slot}. */
  long timestampAt(int slot) {
    return entries().getLong(slotPosition(slot) + TIMESTAMP_OFFSET);
  }

  /** Relative offset of the entry in {@code slot}. */
  int relativeOffsetAt(int slot) {
    return entries().getInt(slotPosition(slot) + RELATIVE_OFFSET_OFFSET);
  }

  /** The largest timestamp indexed, or {@link #NO_TIMESTAMP}. */
  long lastTimestamp() {
    int count = entryCount();
    return count == 0 ? NO_TIMESTAMP : timestampAt(count - 1);
  }

  /** The last entry, if any. */
  Optional<TimestampOffset> lastEntry() {
    int count = entryCount();
    if (count == 0) {
      return Optional.empty();
    }
    return Optional.of(new TimestampOffset(timestampAt(count - 1), baseOffset + relativeOffsetAt(count - 1)));
  }

  /** Owner: adds {@code (timestamp, offset)} if {@code timestamp} is larger than the last entry's. */
  void maybeAppend(long timestamp, long offset) {
    int count = entryCount();
    if (count > 0 && timestamp <= timestampAt(count - 1)) {
      return;
    }
    long relative = offset - baseOffset;
    if (relative < 0 || relative > Integer.MAX_VALUE || (count > 0 && relative < relativeOffsetAt(count - 1))) {
      throw new IllegalStateException("time index " + file.getFileName() + ": offset " + offset
          + " cannot follow the last entry");
    }
    ByteBuffer buffer = bufferForAppend();
    int at = slotPosition(count);
    buffer.putLong(at + TIMESTAMP_OFFSET, timestamp);
    buffer.putInt(at + RELATIVE_OFFSET_OFFSET, (int) relative);
    commitAppend();
  }

  /**
   * The offset from which to scan for the first batch with a timestamp at or after
   * {@code timestamp}: the offset of the last entry whose timestamp is at most it, or the segment's
   * base offset. Any thread; no allocation.
   */
  long floorOffset(long timestamp) {
    int slot = floorSlot(timestamp);
    return slot < 0 ? baseOffset : baseOffset + relativeOffsetAt(slot);
  }

  /** Owner: drops the entries whose offset is at least {@code offset}. */
  void truncateTo(long offset) {
    int count = entryCount();
    int keep = count;
    while (keep > 0 && baseOffset + relativeOffsetAt(keep - 1) >= offset) {
      keep--;
    }
    truncateEntries(keep);
  }

  /**
   * Why the entries break the invariant for a segment whose offsets are below {@code nextOffset}
   * (or -1 if unknown) and that is empty or not; empty if they hold it. Whether each entry points at
   * a batch is checked by the caller where it can read the log.
   */
  Optional<String> validate(boolean segmentEmpty, long nextOffset) {
    Optional<String> sizeProblem = fileSizeProblem();
    if (sizeProblem.isPresent()) {
      return sizeProblem;
    }
    int count = entryCount();
    String name = file.getFileName().toString();
    if (count == 0) {
      return segmentEmpty ? Optional.empty() : Optional.of(name + " has no entries but the segment has batches");
    }
    if (segmentEmpty) {
      return Optional.of(name + " has " + count + " entries but the segment is empty");
    }
    for (int slot = 0; slot < count; slot++) {
      int relative = relativeOffsetAt(slot);
      if (relative < 0 || (nextOffset >= 0 && baseOffset + relative >= nextOffset)) {
        return Optional.of(name + " entry " + slot + " has offset " + (baseOffset + relative)
            + ", outside the segment's offsets [" + baseOffset + ", " + nextOffset + ")");
      }
      if (slot > 0 && (timestampAt(slot) <= timestampAt(slot - 1) || relative < relativeOffsetAt(slot - 1))) {
        return Optional.of(name + " entry " + slot + " (" + timestampAt(slot) + ", " + relative
            + ") does not follow entry " + (slot - 1) + " (" + timestampAt(slot - 1) + ", "
            + relativeOffsetAt(slot - 1) + ")");
      }
    }
    return Optional.empty();
  }
}
