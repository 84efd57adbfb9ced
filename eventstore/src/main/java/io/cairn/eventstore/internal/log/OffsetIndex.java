package io.cairn.eventstore.internal.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The sparse offset index of one segment ({@code <base>.index}): maps a batch's base offset to the
 * byte position of the batch in the segment's {@code .log}. One entry for the segment's first batch
 * and then one for the first batch after every {@code index.interval.bytes} of log.
 *
 * <p>Entry, 8 bytes, big-endian:
 * <pre>
 * relativeOffset int32 | position int32
 * </pre>
 * {@code relativeOffset} = batch base offset - segment base offset. Invariant: both fields strictly
 * increase from entry to entry, the first entry is {@code (0, 0)} when the segment is not empty, and
 * every entry points at the start of a batch with exactly that base offset. The file holds the
 * entries and nothing else.
 *
 * <p>Lookup: the largest entry whose offset is at most the target gives a position from which a
 * forward scan of batch headers finds the batch holding the target. Thread-safety as {@link SparseIndex}.
 */
final class OffsetIndex extends SparseIndex {

  static final int RELATIVE_OFFSET_OFFSET = 0;
  static final int RELATIVE_OFFSET_LENGTH = 4;
  static final int POSITION_OFFSET = RELATIVE_OFFSET_OFFSET + RELATIVE_OFFSET_LENGTH;
  static final int POSITION_LENGTH = 4;
  static final int ENTRY_SIZE = POSITION_OFFSET + POSITION_LENGTH;

  OffsetIndex(Path file, long baseOffset) {
    super(file, baseOffset, ENTRY_SIZE);
  }

  @Override
  protected long keyAt(ByteBuffer buffer, int slot) {
    return buffer.getInt(slotPosition(slot) + RELATIVE_OFFSET_OFFSET);
  }

  /** Relative offset of the entry in {@code slot}. */
  int relativeOffsetAt(int slot) {
    return entries().getInt(slotPosition(slot) + RELATIVE_OFFSET_OFFSET);
  }

  /** Position of the entry in {@code slot}. */
  int positionAt(int slot) {
    return entries().getInt(slotPosition(slot) + POSITION_OFFSET);
  }

  /** Owner: adds an entry; {@code offset} and {@code position} must exceed the last entry's. */
  void append(long offset, int position) {
    int relative = relativeOffset(offset);
    int count = entryCount();
    if (count > 0 && (relative <= relativeOffsetAt(count - 1) || position <= positionAt(count - 1))) {
      throw new IllegalStateException("offset index " + file.getFileName() + ": entry (" + offset + ", " + position
          + ") does not follow the last entry (" + (baseOffset + relativeOffsetAt(count - 1)) + ", "
          + positionAt(count - 1) + ")");
    }
    ByteBuffer buffer = bufferForAppend();
    int at = slotPosition(count);
    buffer.putInt(at + RELATIVE_OFFSET_OFFSET, relative);
    buffer.putInt(at + POSITION_OFFSET, position);
    commitAppend();
  }

  /**
   * The position of the last indexed batch whose base offset is at most {@code offset}, or 0 (the
   * segment start) if there is none. Any thread; no allocation.
   */
  int floorPosition(long offset) {
    long relative = offset - baseOffset;
    if (relative < 0) {
      return 0;
    }
    int slot = floorSlot(Math.min(relative, Integer.MAX_VALUE));
    return slot < 0 ? 0 : entries().getInt(slotPosition(slot) + POSITION_OFFSET);
  }

  /** The last entry, if any. */
  Optional<OffsetPosition> lastEntry() {
    int count = entryCount();
    if (count == 0) {
      return Optional.empty();
    }
    return Optional.of(new OffsetPosition(baseOffset + relativeOffsetAt(count - 1), positionAt(count - 1)));
  }

  /** Owner: drops the entries whose offset is at least {@code offset}. */
  void truncateTo(long offset) {
    long relative = offset - baseOffset;
    int keep = relative <= 0 ? 0 : floorSlot(Math.min(relative - 1, Integer.MAX_VALUE)) + 1;
    truncateEntries(keep);
  }

  /**
   * Why the entries break the invariant for a segment of {@code segmentBytes} bytes whose offsets
   * are below {@code nextOffset} (or -1 if unknown); empty if they hold it.
   */
  Optional<String> validate(long segmentBytes, long nextOffset) {
    return validate(segmentBytes, nextOffset, false);
  }

  /**
   * As {@link #validate(long, long)}; with {@code offsetGapsAllowed} (a compacted segment) the first
   * entry only needs position 0, as the first batch may start after the segment's base offset.
   */
  Optional<String> validate(long segmentBytes, long nextOffset, boolean offsetGapsAllowed) {
    Optional<String> sizeProblem = fileSizeProblem();
    if (sizeProblem.isPresent()) {
      return sizeProblem;
    }
    int count = entryCount();
    String name = file.getFileName().toString();
    if (count == 0) {
      return segmentBytes == 0 ? Optional.empty()
          : Optional.of(name + " has no entries but the segment holds " + segmentBytes + " bytes");
    }
    if ((relativeOffsetAt(0) != 0 && !offsetGapsAllowed) || relativeOffsetAt(0) < 0 || positionAt(0) != 0) {
      return Optional.of(name + " entry 0 is (" + relativeOffsetAt(0) + ", " + positionAt(0)
          + "), expected (0, 0) for the segment's first batch");
    }
    for (int slot = 1; slot < count; slot++) {
      if (relativeOffsetAt(slot) <= relativeOffsetAt(slot - 1) || positionAt(slot) <= positionAt(slot - 1)) {
        return Optional.of(name + " entry " + slot + " (" + relativeOffsetAt(slot) + ", " + positionAt(slot)
            + ") does not increase over entry " + (slot - 1) + " (" + relativeOffsetAt(slot - 1) + ", "
            + positionAt(slot - 1) + ")");
      }
    }
    int last = count - 1;
    if (positionAt(last) >= segmentBytes) {
      return Optional.of(name + " entry " + last + " points at position " + positionAt(last)
          + ", past the segment's " + segmentBytes + " bytes");
    }
    if (nextOffset >= 0 && baseOffset + relativeOffsetAt(last) >= nextOffset) {
      return Optional.of(name + " entry " + last + " has offset " + (baseOffset + relativeOffsetAt(last))
          + ", not below the segment's end offset " + nextOffset);
    }
    return Optional.empty();
  }

  private int relativeOffset(long offset) {
    long relative = offset - baseOffset;
    if (relative < 0 || relative > Integer.MAX_VALUE) {
      throw new IllegalStateException("offset " + offset + " does not fit the offset index of segment " + baseOffset);
    }
    return (int) relative;
  }
}
