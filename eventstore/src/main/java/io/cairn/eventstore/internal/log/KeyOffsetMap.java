package io.cairn.eventstore.internal.log;

import java.util.Arrays;

/**
 * The compaction map: record key -> the highest offset seen with that key. Keys are stored and
 * compared exactly (their bytes, not a digest), so two keys never share an entry and a record is
 * never dropped because of a hash collision.
 *
 * <p>Memory is bounded by {@code memoryBytes} given at construction, split between the slot
 * table (open addressing, linear probing, at most {@link #MAX_LOAD_PERCENT}% full) and an arena
 * that holds the key bytes back to back. Both grow on demand up to their share, so a small log
 * costs little. {@link #put} reports a new key that does not fit instead of evicting anything;
 * the caller then compacts only the part of the log the map covers (Kafka's rule).
 *
 * <p>Slot layout (parallel primitive arrays, no boxing): {@code offsets[slot]} (-1 = empty),
 * {@code hashes[slot]}, {@code keyPositions[slot]} and {@code keyLengths[slot]} into the arena.
 * Not thread-safe: one compaction worker.
 */
final class KeyOffsetMap {

  /** Offset stored in an empty slot, and returned by {@link #get} for an absent key. */
  static final long ABSENT = -1L;
  /** The table is never more than this full, so probes stay short. */
  static final int MAX_LOAD_PERCENT = 70;
  /** Heap bytes of one slot: offset (8), hash (4), key position (4), key length (4). */
  static final int SLOT_BYTES = Long.BYTES + 3 * Integer.BYTES;
  /** Slots of a fresh table. */
  private static final int INITIAL_SLOTS = 1024;
  /** Arena bytes of a fresh map. */
  private static final int INITIAL_ARENA_BYTES = 64 * 1024;
  /** Largest array Java allocates safely. */
  private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 16;
  private static final int PERCENT = 100;

  private final int maxSlots;
  private final int maxArenaBytes;
  private long[] offsets;
  private int[] hashes;
  private int[] keyPositions;
  private int[] keyLengths;
  private byte[] arena;
  private int arenaUsed;
  private int size;

  /**
   * A map using at most about {@code memoryBytes} of heap: half for slots, half for key bytes.
   *
   * @throws IllegalArgumentException if that is too small for the smallest table
   */
  KeyOffsetMap(long memoryBytes) {
    long slotBudget = memoryBytes / 2 / SLOT_BYTES;
    if (slotBudget < INITIAL_SLOTS) {
      throw new IllegalArgumentException("compaction map memory " + memoryBytes + " bytes is too small; it needs at"
          + " least " + (2L * INITIAL_SLOTS * SLOT_BYTES));
    }
    this.maxSlots = Integer.highestOneBit((int) Math.min(slotBudget, 1 << 30));
    this.maxArenaBytes = (int) Math.min(memoryBytes / 2, MAX_ARRAY_LENGTH);
    allocateSlots(INITIAL_SLOTS);
    this.arena = new byte[Math.min(INITIAL_ARENA_BYTES, maxArenaBytes)];
  }

  /** Number of distinct keys. */
  int size() {
    return size;
  }

  /**
   * Records {@code offset} for the key {@code key[0, keyLength)} if it is higher than the one
   * stored. Returns false, changing nothing, if the key is new and does not fit the memory bound.
   */
  boolean put(byte[] key, int keyLength, long offset) {
    int hash = hash(key, keyLength);
    int slot = find(key, keyLength, hash);
    if (offsets[slot] != ABSENT) {
      if (offset > offsets[slot]) {
        offsets[slot] = offset;
      }
      return true;
    }
    if (!ensureRoom(keyLength)) {
      return false;
    }
    slot = find(key, keyLength, hash);
    System.arraycopy(key, 0, arena, arenaUsed, keyLength);
    offsets[slot] = offset;
    hashes[slot] = hash;
    keyPositions[slot] = arenaUsed;
    keyLengths[slot] = keyLength;
    arenaUsed += keyLength;
    size++;
    return true;
  }

  /** The offset stored for the key {@code key[0, keyLength)}, or {@link #ABSENT}. */
  long get(byte[] key, int keyLength) {
    return offsets[find(key, keyLength, hash(key, keyLength))];
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private int find(byte[] key, int keyLength, int hash) {
    int mask = offsets.length - 1;
    int slot = hash & mask;
    while (offsets[slot] != ABSENT) {
      if (hashes[slot] == hash && keyLengths[slot] == keyLength
          && Arrays.equals(arena, keyPositions[slot], keyPositions[slot] + keyLength, key, 0, keyLength)) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Grows the table or the arena for one more key of {@code keyLength} bytes; false if over the bound. */
  private boolean ensureRoom(int keyLength) {
    if ((long) (size + 1) * PERCENT > (long) offsets.length * MAX_LOAD_PERCENT) {
      if (offsets.length >= maxSlots) {
        return false;
      }
      rehash(offsets.length * 2);
    }
    long needed = (long) arenaUsed + keyLength;
    if (needed > arena.length) {
      if (needed > maxArenaBytes) {
        return false;
      }
      arena = Arrays.copyOf(arena, (int) Math.min(Math.max(needed, 2L * arena.length), maxArenaBytes));
    }
    return true;
  }

  private void rehash(int slots) {
    long[] oldOffsets = offsets;
    int[] oldHashes = hashes;
    int[] oldPositions = keyPositions;
    int[] oldLengths = keyLengths;
    allocateSlots(slots);
    int mask = slots - 1;
    for (int old = 0; old < oldOffsets.length; old++) {
      if (oldOffsets[old] != ABSENT) {
        int slot = oldHashes[old] & mask;
        while (offsets[slot] != ABSENT) {
          slot = (slot + 1) & mask;
        }
        offsets[slot] = oldOffsets[old];
        hashes[slot] = oldHashes[old];
        keyPositions[slot] = oldPositions[old];
        keyLengths[slot] = oldLengths[old];
      }
    }
  }

  private void allocateSlots(int slots) {
    offsets = new long[slots];
    Arrays.fill(offsets, ABSENT);
    hashes = new int[slots];
    keyPositions = new int[slots];
    keyLengths = new int[slots];
  }

  /** Murmur3-style mix of the key bytes; only spreads slots, equality is always checked on bytes. */
  private static int hash(byte[] key, int keyLength) {
    int h = keyLength;
    for (int i = 0; i < keyLength; i++) {
      h = h * 31 + key[i];
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
