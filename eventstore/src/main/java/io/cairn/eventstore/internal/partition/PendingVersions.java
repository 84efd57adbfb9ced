package io.cairn.eventstore.internal.partition;

import java.util.Arrays;

/**
 * The stream versions a produced batch gives its aggregates while the owner re-encodes it: per
 * aggregate id the version of its last record in the batch so far and that record's offset, so that
 * several records of one aggregate in one batch get consecutive versions. Nothing here is visible to
 * anyone else until the batch is in the log; then the owner copies the entries into its version cache.
 *
 * <p>Slots in insertion order with an open-addressing table over them (linear probing); arrays are
 * reused from batch to batch and only grow, so a batch costs no allocation beyond its id strings.
 * Not thread-safe: the partition owner only.
 */
final class PendingVersions {

  /** Returned by {@link #find} for an id not in the batch yet. */
  static final int ABSENT = -1;
  private static final int INITIAL_SLOTS = 64;
  private static final int EMPTY = 0;
  /** Fibonacci hashing: ids like "agg-17", "agg-18" have neighbouring hash codes, which must not cluster. */
  private static final int GOLDEN_RATIO = 0x9E3779B9;

  private String[] ids = new String[INITIAL_SLOTS];
  private long[] versions = new long[INITIAL_SLOTS];
  private long[] lastOffsets = new long[INITIAL_SLOTS];
  /** Where each slot sits in {@link #table}, so that clearing needs no probing. */
  private int[] positions = new int[INITIAL_SLOTS];
  /** Slot index + 1 per table position, {@link #EMPTY} = free; at most half full. */
  private int[] table = new int[2 * INITIAL_SLOTS];
  /** {@code 32 - log2(table.length)}: the top bits of the mixed hash pick the table position. */
  private int tableShift = Integer.numberOfLeadingZeros(2 * INITIAL_SLOTS) + 1;
  private int size;

  /** Forgets every entry; costs the number of entries. */
  void clear() {
    for (int slot = 0; slot < size; slot++) {
      table[positions[slot]] = EMPTY;
      ids[slot] = null;
    }
    size = 0;
  }

  /** Aggregates in the batch so far. */
  int size() {
    return size;
  }

  /** The slot of {@code aggregateId}, or {@link #ABSENT}. */
  int find(String aggregateId) {
    int mask = table.length - 1;
    for (int position = home(aggregateId); table[position] != EMPTY; position = (position + 1) & mask) {
      int slot = table[position] - 1;
      if (ids[slot].equals(aggregateId)) {
        return slot;
      }
    }
    return ABSENT;
  }

  /** Adds {@code aggregateId} (not present) at its stored version {@code currentVersion}; returns its slot. */
  int add(String aggregateId, long currentVersion) {
    if (size == ids.length) {
      grow();
    }
    int slot = size++;
    ids[slot] = aggregateId;
    versions[slot] = currentVersion;
    lastOffsets[slot] = -1;
    place(slot);
    return slot;
  }

  /** Gives the aggregate in {@code slot} its next version, for the record at {@code offset}; returns that version. */
  long next(int slot, long offset) {
    lastOffsets[slot] = offset;
    return ++versions[slot];
  }

  String aggregateId(int slot) {
    return ids[slot];
  }

  /** The version of the aggregate's last record in the batch. */
  long version(int slot) {
    return versions[slot];
  }

  /** The offset of the aggregate's last record in the batch. */
  long lastOffset(int slot) {
    return lastOffsets[slot];
  }

  private int freePosition(String aggregateId) {
    int mask = table.length - 1;
    int position = home(aggregateId);
    while (table[position] != EMPTY) {
      position = (position + 1) & mask;
    }
    return position;
  }

  private void place(int slot) {
    int position = freePosition(ids[slot]);
    table[position] = slot + 1;
    positions[slot] = position;
  }

  private void grow() {
    int capacity = 2 * ids.length;
    ids = Arrays.copyOf(ids, capacity);
    versions = Arrays.copyOf(versions, capacity);
    lastOffsets = Arrays.copyOf(lastOffsets, capacity);
    positions = Arrays.copyOf(positions, capacity);
    table = new int[2 * capacity];
    tableShift = Integer.numberOfLeadingZeros(table.length) + 1;
    for (int slot = 0; slot < size; slot++) {
      place(slot);
    }
  }

  private int home(String aggregateId) {
    return (aggregateId.hashCode() * GOLDEN_RATIO) >>> tableShift;
  }
}
