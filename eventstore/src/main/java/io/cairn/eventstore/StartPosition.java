package io.cairn.eventstore;

/** Where a subscription starts reading a partition. */
public sealed interface StartPosition {

  /** The first stored record. */
  StartPosition EARLIEST = new Earliest();
  /** Only records appended after the subscription starts. */
  StartPosition LATEST = new Latest();

  /** From the given offset (clamped to what is stored). */
  static StartPosition offset(long offset) {
    if (offset < 0) {
      throw new InvalidInputException("offset", offset, "must be at least 0");
    }
    return new AtOffset(offset);
  }

  /** From the first record whose timestamp is at or after {@code timestampMs}. */
  static StartPosition timestamp(long timestampMs) {
    return new AtTimestamp(timestampMs);
  }

  record Earliest() implements StartPosition {
  }

  record Latest() implements StartPosition {
  }

  record AtOffset(long offset) implements StartPosition {
  }

  record AtTimestamp(long timestampMs) implements StartPosition {
  }
}
