package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A bounded LRU map {@code aggregateId -> (version, lastOffset)} for the append path: the current
 * version of recently written aggregates without touching the stream index. Holds at most
 * {@link #capacity()} entries; adding one more evicts the least recently used (a read or a write
 * counts as a use).
 *
 * <p>Aggregates are identified by their UTF-8 id bytes and the id's {@link StreamHash#hash64 stream
 * hash}, which the append and produce paths compute anyway: a lookup compares 64-bit hashes first and
 * the id bytes only on a hash match, and allocates nothing (no id string is decoded). The
 * {@code String} overloads encode the id first and are for callers off the hot path.
 *
 * <p>Layout: parallel primitive arrays indexed by slot (hashes, id bytes, versions, last offsets, a
 * doubly linked LRU list {@code newer}/{@code older}), and an open-addressing table (linear probing,
 * at most half full) of positions holding the slot's hash beside the slot number, so that a probe
 * reads one place. All arrays grow with the number of entries, not with the capacity, so that a cache
 * of 100 000 holding 10 000 aggregates touches memory for 10 000.
 *
 * <p>Not thread-safe: the partition's owner thread only.
 */
public final class StreamVersionCache {

  /** Returned by the lookups when the aggregate is not cached. */
  public static final long ABSENT = -1L;
  /** Smallest capacity accepted. */
  public static final int MIN_CAPACITY = 1;
  private static final int NIL = -1;
  private static final int INITIAL_SLOTS = 64;
  /** Estimated bytes of a cached id array beyond its bytes (array header, reference). */
  private static final int KEY_OVERHEAD_BYTES = 24;
  private static final int OBJECT_OVERHEAD_BYTES = 128;
  /** Per slot: hash, version, last offset, newer, older, key reference, plus two table positions. */
  private static final int SLOT_BYTES = 3 * Long.BYTES + 3 * Integer.BYTES + 2 * (Long.BYTES + Integer.BYTES);

  private final int capacity;
  private long[] hashes = new long[0];
  private byte[][] keys = new byte[0][];
  private long[] versions = new long[0];
  private long[] lastOffsets = new long[0];
  private int[] newer = new int[0];
  private int[] older = new int[0];
  /** Per table position: the hash of the slot there (meaningful only where {@link #tableSlots} is set). */
  private long[] tableHashes;
  /** Per table position: slot + 1, or 0 when free. */
  private int[] tableSlots;
  private int tableMask;
  private int size;
  private int newest = NIL;
  private int oldest = NIL;
  private long keyBytes;
  private long evictions;

  /** An empty cache holding at most {@code capacity} aggregates. */
  public StreamVersionCache(int capacity) {
    if (capacity < MIN_CAPACITY) {
      throw new InvalidInputException("capacity", capacity, "must be at least " + MIN_CAPACITY);
    }
    this.capacity = capacity;
    growSlots(Math.min(capacity, INITIAL_SLOTS));
  }

  /** Most aggregates held. */
  public int capacity() {
    return capacity;
  }

  /** Aggregates held now. */
  public int size() {
    return size;
  }

  /** Entries evicted to make room so far. */
  public long evictions() {
    return evictions;
  }

  /**
   * The cached version of the aggregate whose UTF-8 id is {@code key[offset, offset + length)} and whose
   * stream hash is {@code hash}, or {@link #ABSENT}; marks it recently used.
   */
  public long version(long hash, byte[] key, int offset, int length) {
    int slot = find(hash, key, offset, length);
    if (slot == NIL) {
      return ABSENT;
    }
    touch(slot);
    return versions[slot];
  }

  /** {@link #version(long, byte[], int, int)} by id string. */
  public long version(String aggregateId) {
    byte[] key = utf8(aggregateId);
    return version(StreamHash.hash64(key), key, 0, key.length);
  }

  /** The cached offset of the last record of {@code aggregateId}, or {@link #ABSENT}; marks it recently used. */
  public long lastOffset(String aggregateId) {
    byte[] key = utf8(aggregateId);
    int slot = find(StreamHash.hash64(key), key, 0, key.length);
    if (slot == NIL) {
      return ABSENT;
    }
    touch(slot);
    return lastOffsets[slot];
  }

  /** Whether {@code aggregateId} is cached; does not change the LRU order. */
  public boolean contains(String aggregateId) {
    byte[] key = utf8(aggregateId);
    return find(StreamHash.hash64(key), key, 0, key.length) != NIL;
  }

  /**
   * Caches {@code version} and {@code lastOffset} for the aggregate whose UTF-8 id is
   * {@code key[offset, offset + length)} (copied when the aggregate is new) and whose stream hash is
   * {@code hash}, as the most recently used entry, evicting the least recently used one if the cache is
   * full.
   */
  public void put(long hash, byte[] key, int offset, int length, long version, long lastOffset) {
    if (version < 0) {
      throw new InvalidInputException("version", version, "must not be negative");
    }
    int slot = find(hash, key, offset, length);
    if (slot == NIL) {
      slot = freeSlot();
      hashes[slot] = hash;
      keys[slot] = Arrays.copyOfRange(key, offset, offset + length);
      keyBytes += KEY_OVERHEAD_BYTES + length;
      place(slot);
      linkAsNewest(slot);
    } else {
      touch(slot);
    }
    versions[slot] = version;
    lastOffsets[slot] = lastOffset;
  }

  /** {@link #put(long, byte[], int, int, long, long)} by id string. */
  public void put(String aggregateId, long version, long lastOffset) {
    byte[] key = utf8(aggregateId);
    put(StreamHash.hash64(key), key, 0, key.length, version, lastOffset);
  }

  /** Forgets {@code aggregateId}; returns whether it was cached. */
  public boolean remove(String aggregateId) {
    byte[] key = utf8(aggregateId);
    int slot = find(StreamHash.hash64(key), key, 0, key.length);
    if (slot == NIL) {
      return false;
    }
    removeSlot(slot);
    return true;
  }

  /**
   * Forgets every aggregate whose last record is at or after {@code offset}: after a log truncation
   * their cached versions may be gone. Scans the cache. Returns how many were forgotten.
   */
  public int removeFromOffset(long offset) {
    int removed = 0;
    // downwards, so that the slot moved into a freed one has already been looked at
    for (int slot = size - 1; slot >= 0; slot--) {
      if (lastOffsets[slot] >= offset) {
        removeSlot(slot);
        removed++;
      }
    }
    return removed;
  }

  /** Forgets everything. */
  public void clear() {
    Arrays.fill(tableSlots, 0);
    Arrays.fill(keys, 0, size, null);
    size = 0;
    newest = NIL;
    oldest = NIL;
    keyBytes = 0;
  }

  /** Estimated heap bytes: the arrays plus the cached ids. */
  public long memoryBytes() {
    return OBJECT_OVERHEAD_BYTES + (long) hashes.length * SLOT_BYTES + keyBytes;
  }

  private int find(long hash, byte[] key, int offset, int length) {
    for (int position = home(hash); tableSlots[position] != 0; position = (position + 1) & tableMask) {
      if (tableHashes[position] == hash) {
        int slot = tableSlots[position] - 1;
        byte[] candidate = keys[slot];
        if (candidate.length == length && Arrays.equals(candidate, 0, length, key, offset, offset + length)) {
          return slot;
        }
      }
    }
    return NIL;
  }

  /** A slot for a new entry: the next unused one, growing the arrays, or the least recently used one, evicted. */
  private int freeSlot() {
    if (size < capacity) {
      if (size == hashes.length) {
        growSlots(Math.min(capacity, 2 * hashes.length));
      }
      return size++;
    }
    int slot = oldest;
    unplace(slot);
    unlinkFromLru(slot);
    keyBytes -= KEY_OVERHEAD_BYTES + keys[slot].length;
    evictions++;
    return slot;
  }

  /** Removes a slot and moves the last used slot into its place so that slots stay dense. */
  private void removeSlot(int slot) {
    unplace(slot);
    unlinkFromLru(slot);
    keyBytes -= KEY_OVERHEAD_BYTES + keys[slot].length;
    int last = size - 1;
    if (slot != last) {
      unplace(last);
      boolean lastWasNewest = newest == last;
      boolean lastWasOldest = oldest == last;
      hashes[slot] = hashes[last];
      keys[slot] = keys[last];
      versions[slot] = versions[last];
      lastOffsets[slot] = lastOffsets[last];
      newer[slot] = newer[last];
      older[slot] = older[last];
      if (newer[slot] != NIL) {
        older[newer[slot]] = slot;
      }
      if (older[slot] != NIL) {
        newer[older[slot]] = slot;
      }
      if (lastWasNewest) {
        newest = slot;
      }
      if (lastWasOldest) {
        oldest = slot;
      }
      place(slot);
    }
    keys[last] = null;
    size--;
  }

  private void touch(int slot) {
    if (slot != newest) {
      unlinkFromLru(slot);
      linkAsNewest(slot);
    }
  }

  private void linkAsNewest(int slot) {
    newer[slot] = NIL;
    older[slot] = newest;
    if (newest != NIL) {
      newer[newest] = slot;
    }
    newest = slot;
    if (oldest == NIL) {
      oldest = slot;
    }
  }

  private void unlinkFromLru(int slot) {
    int newerSlot = newer[slot];
    int olderSlot = older[slot];
    if (newerSlot != NIL) {
      older[newerSlot] = olderSlot;
    } else {
      newest = olderSlot;
    }
    if (olderSlot != NIL) {
      newer[olderSlot] = newerSlot;
    } else {
      oldest = newerSlot;
    }
    newer[slot] = NIL;
    older[slot] = NIL;
  }

  /** Enters {@code slot} (its hash set) into the table. */
  private void place(int slot) {
    long hash = hashes[slot];
    int position = home(hash);
    while (tableSlots[position] != 0) {
      position = (position + 1) & tableMask;
    }
    tableHashes[position] = hash;
    tableSlots[position] = slot + 1;
  }

  /**
   * Takes {@code slot} out of the table and closes the gap by moving later entries of its probe run back
   * (deletion without tombstones for linear probing).
   */
  private void unplace(int slot) {
    int gap = home(hashes[slot]);
    while (tableSlots[gap] != slot + 1) {
      gap = (gap + 1) & tableMask;
    }
    tableSlots[gap] = 0;
    for (int position = (gap + 1) & tableMask; tableSlots[position] != 0; position = (position + 1) & tableMask) {
      int wanted = home(tableHashes[position]);
      // the entry may move back to the gap unless its home lies cyclically in (gap, position]
      boolean homeAfterGap = gap <= position ? wanted > gap && wanted <= position : wanted > gap || wanted <= position;
      if (!homeAfterGap) {
        tableHashes[gap] = tableHashes[position];
        tableSlots[gap] = tableSlots[position];
        tableSlots[position] = 0;
        gap = position;
      }
    }
  }

  private void growSlots(int slots) {
    hashes = Arrays.copyOf(hashes, slots);
    keys = Arrays.copyOf(keys, slots);
    versions = Arrays.copyOf(versions, slots);
    lastOffsets = Arrays.copyOf(lastOffsets, slots);
    newer = Arrays.copyOf(newer, slots);
    older = Arrays.copyOf(older, slots);
    int positions = Integer.highestOneBit(Math.max(1, slots - 1)) << 2;
    tableHashes = new long[positions];
    tableSlots = new int[positions];
    tableMask = positions - 1;
    for (int slot = 0; slot < size; slot++) {
      place(slot);
    }
  }

  private int home(long hash) {
    // the stream hash is XXH64: its low bits are already well mixed
    return (int) (hash ^ (hash >>> 32)) & tableMask;
  }

  private static byte[] utf8(String aggregateId) {
    return Objects.requireNonNull(aggregateId, "aggregateId").getBytes(StandardCharsets.UTF_8);
  }
}
