package io.cairn.eventstore.internal.stream;

import java.util.Arrays;

/**
 * The in-memory part of a stream index: entries of the batches at offsets
 * {@code [fromOffset, toOffset)} in append (= offset) order, plus an open-addressing map from hash
 * to the newest entry of that hash. Each entry links to the previous entry of its hash, so the
 * entries of one hash are walked newest first without a scan.
 *
 * <p>Layout, all primitive arrays: entry pages hold {@value #ENTRY_LONGS} longs per entry
 * (hash, firstVersion, baseOffset, eventCount &lt;&lt; 32 | position); link pages hold per entry
 * {@code previousEntry << 1 | irregularBit} with previousEntry = -1 for none; the irregular bit of
 * an entry says that its chain (it and every older entry of its hash) is not one dense version
 * sequence, i.e. two aggregates share the hash (or versions were fed out of order), so lookups may
 * not stop early. The map is an open-addressing table with linear probing, one long per slot: the
 * hash's top 32 bits, the irregular bit of the chain, and the newest entry's index + 1 (0 = empty
 * slot). A probe reads an entry only where those 32 bits match, so that an add reads just the table
 * and its hash's newest entry (the 32 MB of a full memtable's entries are far larger than the CPU
 * caches).
 *
 * <p>Entries and links live in pages of {@value #PAGE_ENTRIES} entries: the first page grows by
 * doubling from a small size (many partitions, most of them quiet, each have a memtable), then whole
 * pages are added, so that growing a large memtable never copies what it holds (a 1 000 000-entry
 * memtable is 32 MB: copying it stalled the owner thread, and the append path with it, for
 * milliseconds). {@link #add} is O(1) and allocates only when it grows. A memtable is mutable until
 * {@link #freeze}; afterwards it never changes and may be read from any thread once safely
 * published (the worker that writes it to a chunk file). Before that, owner thread only.
 */
final class Memtable {

  static final int ENTRY_LONGS = 4;
  static final int HASH_SLOT = 0;
  static final int FIRST_VERSION_SLOT = 1;
  static final int BASE_OFFSET_SLOT = 2;
  static final int COUNT_POSITION_SLOT = 3;

  static final int NO_ENTRY = -1;
  private static final int IRREGULAR_BIT = 1;
  private static final int LINK_SHIFT = 1;
  private static final long EMPTY_SLOT = 0;
  /** Table slot: index + 1 of the newest entry of the hash in the low 31 bits. */
  private static final long SLOT_INDEX_MASK = 0x7FFFFFFFL;
  private static final long SLOT_IRREGULAR_BIT = 1L << 31;
  private static final long SLOT_FINGERPRINT_MASK = 0xFFFFFFFF_00000000L;
  private static final int INITIAL_CAPACITY = 1024;
  private static final int MIN_TABLE_SLOTS = 16;
  /** The map is rehashed when more than 7/10 of its slots are used. */
  private static final int LOAD_NUMERATOR = 7;
  private static final int LOAD_DENOMINATOR = 10;
  private static final long TABLE_MIX = 0x9E3779B97F4A7C15L;
  private static final long POSITION_MASK = 0xFFFFFFFFL;
  /** Rough header and field bytes of this object and its arrays, for {@link #memoryBytes()}. */
  private static final int OBJECT_OVERHEAD_BYTES = 128;

  private final long fromOffset;
  private final int maxEntries;
  private long toOffset = -1;
  private boolean frozen;

  /** Entries per page, beyond the first page's doubling: 512 KiB of entries and 64 KiB of links. */
  static final int PAGE_ENTRIES = 1 << 14;
  private static final int PAGE_SHIFT = Integer.numberOfTrailingZeros(PAGE_ENTRIES);
  private static final int PAGE_MASK = PAGE_ENTRIES - 1;

  private long[][] entryPages;
  private int[][] linkPages;
  /** Entries the pages hold. */
  private int capacity;
  private int size;
  /** Per slot: hash fingerprint (top 32 bits) | irregular bit | newest entry + 1. */
  private long[] table;
  private int tableShift;
  private int distinct;
  /** Keeps the loads of {@link #prefetch} from being optimized away. */
  private long prefetchSink;

  Memtable(long fromOffset, int maxEntries) {
    this.fromOffset = fromOffset;
    this.maxEntries = maxEntries;
    int capacity = Math.min(INITIAL_CAPACITY, maxEntries);
    this.entryPages = new long[][] {new long[capacity * ENTRY_LONGS]};
    this.linkPages = new int[][] {new int[capacity]};
    this.capacity = capacity;
    allocateTable(tableSlotsFor(capacity));
  }

  long fromOffset() {
    return fromOffset;
  }

  /** End of the covered offsets; only meaningful once frozen. */
  long toOffset() {
    return toOffset;
  }

  boolean isFrozen() {
    return frozen;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int distinctHashes() {
    return distinct;
  }

  /** Makes the memtable immutable, covering offsets up to {@code toOffsetExclusive}. */
  void freeze(long toOffsetExclusive) {
    this.toOffset = toOffsetExclusive;
    this.frozen = true;
  }

  /** Appends an entry; the caller has validated the values and the offset order. */
  void add(long hash, long firstVersion, int eventCount, long baseOffset, int position) {
    if (size == capacity) {
      growEntries();
    }
    int index = size;
    long[] page = entryPages[index >>> PAGE_SHIFT];
    int at = (index & PAGE_MASK) * ENTRY_LONGS;
    page[at + HASH_SLOT] = hash;
    page[at + FIRST_VERSION_SLOT] = firstVersion;
    page[at + BASE_OFFSET_SLOT] = baseOffset;
    page[at + COUNT_POSITION_SLOT] = (long) eventCount << Integer.SIZE | (position & POSITION_MASK);
    int slot = slotOf(hash);
    long stored = table[slot];
    boolean irregular;
    if (stored == EMPTY_SLOT) {
      irregular = false;
      setLink(index, NO_ENTRY << LINK_SHIFT);
      distinct++;
    } else {
      int head = headOf(stored);
      irregular = (stored & SLOT_IRREGULAR_BIT) != 0 || firstVersion != firstVersion(head) + eventCount(head);
      setLink(index, head << LINK_SHIFT | (irregular ? IRREGULAR_BIT : 0));
    }
    table[slot] = (hash & SLOT_FINGERPRINT_MASK) | (irregular ? SLOT_IRREGULAR_BIT : 0) | (index + 1);
    size++;
    if ((long) distinct * LOAD_DENOMINATOR > (long) table.length * LOAD_NUMERATOR) {
      rehash(table.length * 2);
    }
  }

  /**
   * Brings the table slots and newest entries of the hashes {@code hashes[0, count)} into the CPU cache for
   * the {@link #add}s that follow, one tight loop per level so that their memory reads overlap (as
   * {@link StreamVersionCache#prefetch} does). Changes nothing.
   */
  void prefetch(long[] hashes, int count) {
    long touched = 0;
    for (int i = 0; i < count; i++) {
      touched += table[homeSlot(hashes[i])];
    }
    for (int i = 0; i < count; i++) {
      touched += table[slotOf(hashes[i])];
    }
    prefetchSink = touched;
  }

  /** The newest entry of {@code hash}, or {@link #NO_ENTRY}. */
  int head(long hash) {
    return headOf(table[slotOf(hash)]);
  }

  /** The entry of the same hash before {@code entry}, or {@link #NO_ENTRY}. */
  int previous(int entry) {
    return link(entry) >> LINK_SHIFT;
  }

  /** Whether the chain ending at {@code entry} is not one dense version sequence. */
  boolean isIrregular(int entry) {
    return (link(entry) & IRREGULAR_BIT) != 0;
  }

  long hash(int entry) {
    return entryLong(entry, HASH_SLOT);
  }

  long firstVersion(int entry) {
    return entryLong(entry, FIRST_VERSION_SLOT);
  }

  long baseOffset(int entry) {
    return entryLong(entry, BASE_OFFSET_SLOT);
  }

  int eventCount(int entry) {
    return eventCountOf(entryLong(entry, COUNT_POSITION_SLOT));
  }

  int position(int entry) {
    return positionOf(entryLong(entry, COUNT_POSITION_SLOT));
  }

  /**
   * Appends to {@code out}, oldest first, the entries of {@code hash} whose versions meet
   * {@code [fromVersion, toVersionExclusive)}. A regular chain stops at the first entry below the range.
   */
  void find(long hash, long fromVersion, long toVersionExclusive, StreamEntryBuffer out) {
    int entry = head(hash);
    if (entry == NO_ENTRY) {
      return;
    }
    boolean irregular = isIrregular(entry);
    int start = out.size();
    while (entry != NO_ENTRY) {
      long first = firstVersion(entry);
      long end = first + eventCount(entry);
      if (first < toVersionExclusive && end > fromVersion) {
        out.add(hash, first, eventCount(entry), baseOffset(entry), position(entry));
      } else if (!irregular && end <= fromVersion) {
        break;
      }
      entry = previous(entry);
    }
    out.reverse(start);
  }

  /**
   * Appends to {@code out} the entries of {@code hash} newest first, after skipping {@code skip},
   * until {@code out} holds {@code maxSize}. Returns how many were skipped.
   */
  int newestFirst(long hash, int skip, int maxSize, StreamEntryBuffer out) {
    int skipped = 0;
    int entry = head(hash);
    while (entry != NO_ENTRY && out.size() < maxSize) {
      if (skipped < skip) {
        skipped++;
      } else {
        out.add(hash, firstVersion(entry), eventCount(entry), baseOffset(entry), position(entry));
      }
      entry = previous(entry);
    }
    return skipped;
  }

  /**
   * Drops every entry whose batch reaches {@code offset} or beyond (baseOffset + eventCount &gt;
   * offset) and returns the lowest base offset dropped, or {@code offset} if none was. Entries are in
   * offset order, so this pops the tail and rebuilds the map. Mutable memtables only.
   */
  long truncateFrom(long offset) {
    ensureMutable();
    long lowestDropped = offset;
    int keep = size;
    while (keep > 0 && baseOffset(keep - 1) + eventCount(keep - 1) > offset) {
      keep--;
      lowestDropped = Math.min(lowestDropped, baseOffset(keep));
    }
    if (keep < size) {
      size = keep;
      rebuildMap();
    }
    return lowestDropped;
  }

  /**
   * A memtable without the leading entries whose batches end at or below {@code logStartOffset}
   * (same coverage), or this one if there are none. Mutable memtables only.
   */
  Memtable withoutEntriesBelow(long logStartOffset) {
    ensureMutable();
    int drop = 0;
    while (drop < size && baseOffset(drop) + eventCount(drop) <= logStartOffset) {
      drop++;
    }
    if (drop == 0) {
      return this;
    }
    Memtable kept = new Memtable(fromOffset, maxEntries);
    for (int i = drop; i < size; i++) {
      kept.add(hash(i), firstVersion(i), eventCount(i), baseOffset(i), position(i));
    }
    return kept;
  }

  /** Copies the {@value #ENTRY_LONGS} longs of {@code entry} to {@code target[at, at + ENTRY_LONGS)}. */
  void copyEntry(int entry, long[] target, int at) {
    System.arraycopy(entryPages[entry >>> PAGE_SHIFT], (entry & PAGE_MASK) * ENTRY_LONGS, target, at, ENTRY_LONGS);
  }

  /** The event count held in an entry's {@link #COUNT_POSITION_SLOT} long. */
  static int eventCountOf(long countPosition) {
    return (int) (countPosition >>> Integer.SIZE);
  }

  /** The batch position held in an entry's {@link #COUNT_POSITION_SLOT} long. */
  static int positionOf(long countPosition) {
    return (int) countPosition;
  }

  /** Heap bytes of the arrays plus a fixed overhead. */
  long memoryBytes() {
    return (long) capacity * (ENTRY_LONGS * Long.BYTES + Integer.BYTES)
        + (long) table.length * Long.BYTES + OBJECT_OVERHEAD_BYTES;
  }

  private void ensureMutable() {
    if (frozen) {
      throw new IllegalStateException("memtable [" + fromOffset + ", " + toOffset + ") is frozen");
    }
  }

  private int slotOf(long hash) {
    int mask = table.length - 1;
    int slot = homeSlot(hash);
    long fingerprint = hash & SLOT_FINGERPRINT_MASK;
    while (true) {
      long stored = table[slot];
      if (stored == EMPTY_SLOT
          || (stored & SLOT_FINGERPRINT_MASK) == fingerprint && hash(headOf(stored)) == hash) {
        return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Where the probe for {@code hash} starts. */
  private int homeSlot(long hash) {
    return (int) ((hash * TABLE_MIX) >>> tableShift);
  }

  /**
   * Makes room for more entries: doubles the first page up to {@value #PAGE_ENTRIES} entries (by half
   * once past {@code maxEntries}: a memtable grows beyond it only while frozen ones wait to be written),
   * then adds whole pages.
   */
  private void growEntries() {
    if (capacity < PAGE_ENTRIES) {
      int grown = capacity < maxEntries ? (int) Math.min((long) capacity * 2, maxEntries) : capacity + (capacity >> 1);
      grown = Math.min(Math.max(grown, capacity + 1), PAGE_ENTRIES);
      entryPages[0] = Arrays.copyOf(entryPages[0], grown * ENTRY_LONGS);
      linkPages[0] = Arrays.copyOf(linkPages[0], grown);
      capacity = grown;
      return;
    }
    int pages = capacity >>> PAGE_SHIFT;
    entryPages = Arrays.copyOf(entryPages, pages + 1);
    linkPages = Arrays.copyOf(linkPages, pages + 1);
    entryPages[pages] = new long[PAGE_ENTRIES * ENTRY_LONGS];
    linkPages[pages] = new int[PAGE_ENTRIES];
    capacity += PAGE_ENTRIES;
  }

  private long entryLong(int entry, int field) {
    return entryPages[entry >>> PAGE_SHIFT][(entry & PAGE_MASK) * ENTRY_LONGS + field];
  }

  private int link(int entry) {
    return linkPages[entry >>> PAGE_SHIFT][entry & PAGE_MASK];
  }

  private void setLink(int entry, int link) {
    linkPages[entry >>> PAGE_SHIFT][entry & PAGE_MASK] = link;
  }

  private void rehash(int slots) {
    long[] old = table;
    allocateTable(slots);
    for (long stored : old) {
      if (stored != EMPTY_SLOT) {
        table[slotOf(hash(headOf(stored)))] = stored;
      }
    }
  }

  /** The entry a table slot names, or {@link #NO_ENTRY} for an empty slot. */
  private static int headOf(long stored) {
    return (int) (stored & SLOT_INDEX_MASK) - 1;
  }

  private void rebuildMap() {
    int count = size;
    Arrays.fill(table, EMPTY_SLOT);
    distinct = 0;
    size = 0;
    for (int i = 0; i < count; i++) {
      add(hash(i), firstVersion(i), eventCount(i), baseOffset(i), position(i));
    }
  }

  private void allocateTable(int slots) {
    table = new long[slots];
    tableShift = Long.SIZE - Integer.numberOfTrailingZeros(slots);
  }

  private static int tableSlotsFor(int expectedDistinct) {
    long needed = (long) expectedDistinct * LOAD_DENOMINATOR / LOAD_NUMERATOR + 1;
    int slots = MIN_TABLE_SLOTS;
    while (slots < needed) {
      slots <<= 1;
    }
    return slots;
  }
}
