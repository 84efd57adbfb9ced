package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.InvalidInputException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A bounded LRU map {@code aggregateId -> (version, lastOffset)} for the append path: the current
 * version of recently written aggregates without touching the stream index. Holds at most
 * {@link #capacity()} entries; adding one more evicts the least recently used (a read or a write
 * counts as a use).
 *
 * <p>Layout: parallel primitive arrays indexed by slot (keys, versions, last offsets), a chained
 * hash table over the slots ({@code buckets} -> first slot, {@code chainNext}), and a doubly linked
 * LRU list through the slots ({@code newer}/{@code older}). All arrays are allocated once at
 * construction; lookups and updates allocate nothing and box nothing.
 *
 * <p>Not thread-safe: the partition's owner thread only.
 */
public final class StreamVersionCache {

  /** Returned by the lookups when the aggregate is not cached. */
  public static final long ABSENT = -1L;
  /** Smallest capacity accepted. */
  public static final int MIN_CAPACITY = 1;
  private static final int NIL = -1;
  /** Estimated bytes of a cached String beyond its characters (object and array headers, fields). */
  private static final int STRING_OVERHEAD_BYTES = 56;
  private static final int OBJECT_OVERHEAD_BYTES = 128;
  private static final int SLOT_BYTES = 2 * Long.BYTES + 3 * Integer.BYTES + Long.BYTES;

  private final int capacity;
  private final String[] keys;
  private final long[] versions;
  private final long[] lastOffsets;
  private final int[] chainNext;
  private final int[] newer;
  private final int[] older;
  private final int[] buckets;
  private final int bucketMask;
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
    this.keys = new String[capacity];
    this.versions = new long[capacity];
    this.lastOffsets = new long[capacity];
    this.chainNext = new int[capacity];
    this.newer = new int[capacity];
    this.older = new int[capacity];
    int bucketCount = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    this.buckets = new int[bucketCount];
    this.bucketMask = bucketCount - 1;
    Arrays.fill(buckets, NIL);
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

  /** The cached version of {@code aggregateId}, or {@link #ABSENT}; marks it recently used. */
  public long version(String aggregateId) {
    int slot = find(aggregateId);
    if (slot == NIL) {
      return ABSENT;
    }
    touch(slot);
    return versions[slot];
  }

  /** The cached offset of the last record of {@code aggregateId}, or {@link #ABSENT}; marks it recently used. */
  public long lastOffset(String aggregateId) {
    int slot = find(aggregateId);
    if (slot == NIL) {
      return ABSENT;
    }
    touch(slot);
    return lastOffsets[slot];
  }

  /** Whether {@code aggregateId} is cached; does not change the LRU order. */
  public boolean contains(String aggregateId) {
    return find(aggregateId) != NIL;
  }

  /**
   * Caches {@code version} and {@code lastOffset} for {@code aggregateId} as the most recently used
   * entry, evicting the least recently used one if the cache is full.
   */
  public void put(String aggregateId, long version, long lastOffset) {
    Objects.requireNonNull(aggregateId, "aggregateId");
    if (version < 0) {
      throw new InvalidInputException("version", version, "must not be negative");
    }
    int slot = find(aggregateId);
    if (slot == NIL) {
      if (size < capacity) {
        slot = size++;
      } else {
        slot = oldest;
        unlinkFromBucket(slot);
        unlinkFromLru(slot);
        keyBytes -= keyBytes(keys[slot]);
        evictions++;
      }
      keys[slot] = aggregateId;
      keyBytes += keyBytes(aggregateId);
      int bucket = bucketOf(aggregateId);
      chainNext[slot] = buckets[bucket];
      buckets[bucket] = slot;
      linkAsNewest(slot);
    } else {
      touch(slot);
    }
    versions[slot] = version;
    lastOffsets[slot] = lastOffset;
  }

  /** Forgets {@code aggregateId}; returns whether it was cached. */
  public boolean remove(String aggregateId) {
    int slot = find(aggregateId);
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
    Arrays.fill(buckets, NIL);
    Arrays.fill(keys, 0, size, null);
    size = 0;
    newest = NIL;
    oldest = NIL;
    keyBytes = 0;
  }

  /** Estimated heap bytes: the arrays plus the cached id strings. */
  public long memoryBytes() {
    return OBJECT_OVERHEAD_BYTES + (long) capacity * SLOT_BYTES + (long) buckets.length * Integer.BYTES + keyBytes;
  }

  private int find(String aggregateId) {
    for (int slot = buckets[bucketOf(aggregateId)]; slot != NIL; slot = chainNext[slot]) {
      if (keys[slot].equals(aggregateId)) {
        return slot;
      }
    }
    return NIL;
  }

  /** Removes a slot and moves the last used slot into its place so that slots stay dense. */
  private void removeSlot(int slot) {
    unlinkFromBucket(slot);
    unlinkFromLru(slot);
    keyBytes -= keyBytes(keys[slot]);
    int last = size - 1;
    if (slot != last) {
      unlinkFromBucket(last);
      boolean lastWasNewest = newest == last;
      boolean lastWasOldest = oldest == last;
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
      int bucket = bucketOf(keys[slot]);
      chainNext[slot] = buckets[bucket];
      buckets[bucket] = slot;
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

  private void unlinkFromBucket(int slot) {
    int bucket = bucketOf(keys[slot]);
    int current = buckets[bucket];
    if (current == slot) {
      buckets[bucket] = chainNext[slot];
      return;
    }
    while (current != NIL) {
      int next = chainNext[current];
      if (next == slot) {
        chainNext[current] = chainNext[slot];
        return;
      }
      current = next;
    }
  }

  private int bucketOf(String aggregateId) {
    int h = aggregateId.hashCode();
    return (h ^ (h >>> 16)) & bucketMask;
  }

  private static long keyBytes(String key) {
    return STRING_OVERHEAD_BYTES + key.length();
  }
}
