package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.InvalidInputException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A bounded map {@code aggregateId -> (version, lastOffset)} for the append path: the current version of
 * recently written aggregates without touching the stream index. Holds at most {@link #capacity()}
 * entries; adding one more evicts one that has not been used (read or written) since the eviction
 * clock last passed it (CLOCK, the second-chance approximation of least-recently-used): a use sets the
 * entry's reference bit, and the clock hand, moving over the entries in a circle, clears set bits and
 * evicts the first entry whose bit is already clear. The entry just written is never the one evicted.
 *
 * <p>Aggregates are identified by their UTF-8 id bytes and the id's {@link StreamHash#hash64 stream
 * hash}, which the append and produce paths compute anyway: a lookup compares 64-bit hashes first and
 * the id bytes only on a hash match, and allocates nothing (no id string is decoded). The
 * {@code String} overloads encode the id first and are for callers off the hot path.
 *
 * <p>Layout, chosen so that a lookup touches two places of memory: an open-addressing table (linear
 * probing, at most half full) of {@code (hash, slot)} pairs in one array, and per slot one record of
 * {@value #RECORD_LONGS} longs holding the hash, version, last offset, id length with the reference bit,
 * and ids of up to {@value #INLINE_KEY_BYTES} bytes packed in place; longer ids are kept in a side array.
 * A lookup reads the table pair and the slot's record, nothing else (an exact LRU list would also touch
 * the two neighbours of every entry it uses). All arrays grow with the number of entries, not with the
 * capacity, so that a cache of 100 000 holding 10 000 aggregates touches memory for 10 000.
 *
 * <p>Not thread-safe: the partition's owner thread only.
 */
public final class StreamVersionCache {

  /** Returned by the lookups when the aggregate is not cached. */
  public static final long ABSENT = -1L;
  /** Smallest capacity accepted. */
  public static final int MIN_CAPACITY = 1;
  /** Longest id kept inside its slot's record; longer ones live in {@link #longKeys}. */
  static final int INLINE_KEY_BYTES = 32;

  private static final int RECORD_LONGS = 8;
  private static final int HASH = 0;
  private static final int VERSION = 1;
  private static final int LAST_OFFSET = 2;
  /** The id's length in the low 32 bits, the reference bit above them. */
  private static final int META = 3;
  private static final int KEY_WORDS = 4;
  private static final long REFERENCED = 1L << 32;
  private static final long LENGTH_MASK = 0xFFFF_FFFFL;

  private static final int INITIAL_SLOTS = 64;
  /** Estimated bytes of a long id's array beyond its bytes (array header, reference). */
  private static final int KEY_OVERHEAD_BYTES = 24;
  private static final int OBJECT_OVERHEAD_BYTES = 128;
  /** Per slot: its record, a long-id reference, and two table positions of two longs each. */
  private static final int SLOT_BYTES = RECORD_LONGS * Long.BYTES + Integer.BYTES + 2 * 2 * Long.BYTES;
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final int capacity;
  /** Per slot, {@link #RECORD_LONGS} longs: see the constants {@link #HASH} to {@link #KEY_WORDS}. */
  private long[] records = new long[0];
  /** Per slot: the id when it is longer than {@link #INLINE_KEY_BYTES}, else null. */
  private byte[][] longKeys = new byte[0][];
  /** Per table position, two longs: the hash of the slot there, then slot + 1 (0 when the position is free). */
  private long[] table;
  private int tableMask;
  private int size;
  private int hand;
  private long longKeyBytes;
  private long evictions;
  /** Keeps the loads of {@link #prefetch} from being optimized away. */
  private long prefetchSink;

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
   * stream hash is {@code hash}, or {@link #ABSENT}; counts as a use.
   */
  public long version(long hash, byte[] key, int offset, int length) {
    int record = use(hash, key, offset, length);
    return record < 0 ? ABSENT : records[record + VERSION];
  }

  /**
   * Brings the table positions and records of the aggregates with the stream hashes
   * {@code hashes[0, count)} into the CPU cache, for lookups that follow: one tight loop per level, so
   * that the memory reads of many aggregates overlap instead of each lookup waiting for its own. Not a use;
   * answers nothing.
   */
  public void prefetch(long[] hashes, int count) {
    long touched = 0;
    for (int i = 0; i < count; i++) {
      touched += table[home(hashes[i]) + 1];
    }
    for (int i = 0; i < count; i++) {
      long hash = hashes[i];
      for (int position = home(hash); table[position + 1] != 0; position = (position + 2) & tableMask) {
        if (table[position] == hash) {
          touched += records[(int) (table[position + 1] - 1) * RECORD_LONGS + META];
          break;
        }
      }
    }
    prefetchSink = touched;
  }

  /** {@link #version(long, byte[], int, int)} by id string. */
  public long version(String aggregateId) {
    byte[] key = utf8(aggregateId);
    return version(StreamHash.hash64(key), key, 0, key.length);
  }

  /** The cached offset of the last record of {@code aggregateId}, or {@link #ABSENT}; counts as a use. */
  public long lastOffset(String aggregateId) {
    byte[] key = utf8(aggregateId);
    return lastOffset(StreamHash.hash64(key), key, 0, key.length);
  }

  /** {@link #lastOffset(String)} by id bytes and stream hash, as {@link #version(long, byte[], int, int)}. */
  long lastOffset(long hash, byte[] key, int offset, int length) {
    int record = use(hash, key, offset, length);
    return record < 0 ? ABSENT : records[record + LAST_OFFSET];
  }

  /** The start of the aggregate's record in {@link #records}, marked as used, or -1 when it is not cached. */
  private int use(long hash, byte[] key, int offset, int length) {
    int slot = find(hash, key, offset, length);
    if (slot < 0) {
      return -1;
    }
    int record = slot * RECORD_LONGS;
    records[record + META] |= REFERENCED;
    return record;
  }

  /** Whether {@code aggregateId} is cached; not a use. */
  public boolean contains(String aggregateId) {
    byte[] key = utf8(aggregateId);
    return contains(StreamHash.hash64(key), key, 0, key.length);
  }

  /** {@link #contains(String)} by id bytes and stream hash. */
  boolean contains(long hash, byte[] key, int offset, int length) {
    return find(hash, key, offset, length) >= 0;
  }

  /**
   * Caches {@code version} and {@code lastOffset} for the aggregate whose UTF-8 id is
   * {@code key[offset, offset + length)} (copied when the aggregate is new) and whose stream hash is
   * {@code hash}, as a use, evicting another entry if the cache is full.
   */
  public void put(long hash, byte[] key, int offset, int length, long version, long lastOffset) {
    if (version < 0) {
      throw new InvalidInputException("version", version, "must not be negative");
    }
    int slot = find(hash, key, offset, length);
    if (slot < 0) {
      slot = freeSlot();
      storeKey(slot, hash, key, offset, length);
      place(slot);
    }
    int record = slot * RECORD_LONGS;
    records[record + VERSION] = version;
    records[record + LAST_OFFSET] = lastOffset;
    records[record + META] |= REFERENCED;
  }

  /** {@link #put(long, byte[], int, int, long, long)} by id string. */
  public void put(String aggregateId, long version, long lastOffset) {
    byte[] key = utf8(aggregateId);
    put(StreamHash.hash64(key), key, 0, key.length, version, lastOffset);
  }

  /** Forgets {@code aggregateId}; returns whether it was cached. */
  public boolean remove(String aggregateId) {
    byte[] key = utf8(aggregateId);
    return remove(StreamHash.hash64(key), key, 0, key.length);
  }

  /** {@link #remove(String)} by id bytes and stream hash. */
  boolean remove(long hash, byte[] key, int offset, int length) {
    int slot = find(hash, key, offset, length);
    if (slot < 0) {
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
      if (records[slot * RECORD_LONGS + LAST_OFFSET] >= offset) {
        removeSlot(slot);
        removed++;
      }
    }
    return removed;
  }

  /** Forgets everything. */
  public void clear() {
    Arrays.fill(table, 0);
    Arrays.fill(longKeys, 0, size, null);
    size = 0;
    hand = 0;
    longKeyBytes = 0;
  }

  /** Estimated heap bytes: the arrays plus the ids too long to be kept in place. */
  public long memoryBytes() {
    return OBJECT_OVERHEAD_BYTES + (long) slots() * SLOT_BYTES + longKeyBytes;
  }

  /** The slot of the aggregate, or -1. */
  private int find(long hash, byte[] key, int offset, int length) {
    for (int position = home(hash); table[position + 1] != 0; position = (position + 2) & tableMask) {
      if (table[position] == hash) {
        int slot = (int) table[position + 1] - 1;
        if (keyEquals(slot, key, offset, length)) {
          return slot;
        }
      }
    }
    return -1;
  }

  private boolean keyEquals(int slot, byte[] key, int offset, int length) {
    int record = slot * RECORD_LONGS;
    if ((records[record + META] & LENGTH_MASK) != length) {
      return false;
    }
    if (length > INLINE_KEY_BYTES) {
      return Arrays.equals(longKeys[slot], 0, length, key, offset, offset + length);
    }
    for (int word = 0; word * Long.BYTES < length; word++) {
      if (records[record + KEY_WORDS + word] != packedWord(key, offset, length, word)) {
        return false;
      }
    }
    return true;
  }

  /** Bytes {@code [8 * word, 8 * word + 8)} of the id, little-endian, zero past its end. */
  private static long packedWord(byte[] key, int offset, int length, int word) {
    int from = word * Long.BYTES;
    int bytes = Math.min(Long.BYTES, length - from);
    if (bytes == Long.BYTES) {
      return (long) LONG_LE.get(key, offset + from);
    }
    long value = 0;
    for (int i = bytes - 1; i >= 0; i--) {
      value = (value << 8) | (key[offset + from + i] & 0xFF);
    }
    return value;
  }

  private void storeKey(int slot, long hash, byte[] key, int offset, int length) {
    int record = slot * RECORD_LONGS;
    records[record + HASH] = hash;
    records[record + META] = length;
    if (length > INLINE_KEY_BYTES) {
      longKeys[slot] = Arrays.copyOfRange(key, offset, offset + length);
      longKeyBytes += KEY_OVERHEAD_BYTES + length;
      return;
    }
    for (int word = 0; word < INLINE_KEY_BYTES / Long.BYTES; word++) {
      records[record + KEY_WORDS + word] = word * Long.BYTES < length ? packedWord(key, offset, length, word) : 0;
    }
  }

  /** A slot for a new entry: the next unused one, growing the arrays, or one the clock evicts. */
  private int freeSlot() {
    if (size < capacity) {
      if (size == slots()) {
        growSlots(Math.min(capacity, 2 * slots()));
      }
      return size++;
    }
    while (true) {
      int meta = hand * RECORD_LONGS + META;
      if ((records[meta] & REFERENCED) == 0) {
        break;
      }
      records[meta] &= ~REFERENCED;
      hand = (hand + 1) % size;
    }
    int slot = hand;
    hand = (hand + 1) % size;
    unplace(slot);
    forgetLongKey(slot);
    evictions++;
    return slot;
  }

  /** Removes a slot and moves the last used slot into its place so that slots stay dense. */
  private void removeSlot(int slot) {
    unplace(slot);
    forgetLongKey(slot);
    int last = size - 1;
    if (slot != last) {
      unplace(last);
      System.arraycopy(records, last * RECORD_LONGS, records, slot * RECORD_LONGS, RECORD_LONGS);
      longKeys[slot] = longKeys[last];
      longKeys[last] = null;
      place(slot);
    }
    size--;
    if (hand >= size) {
      hand = 0;
    }
  }

  private void forgetLongKey(int slot) {
    byte[] longKey = longKeys[slot];
    if (longKey != null) {
      longKeyBytes -= KEY_OVERHEAD_BYTES + longKey.length;
      longKeys[slot] = null;
    }
  }

  /** Enters {@code slot} (its record's hash set) into the table. */
  private void place(int slot) {
    long hash = records[slot * RECORD_LONGS + HASH];
    int position = home(hash);
    while (table[position + 1] != 0) {
      position = (position + 2) & tableMask;
    }
    table[position] = hash;
    table[position + 1] = slot + 1;
  }

  /**
   * Takes {@code slot} out of the table and closes the gap by moving later entries of its probe run back
   * (deletion without tombstones for linear probing).
   */
  private void unplace(int slot) {
    int gap = home(records[slot * RECORD_LONGS + HASH]);
    while (table[gap + 1] != slot + 1) {
      gap = (gap + 2) & tableMask;
    }
    table[gap + 1] = 0;
    for (int position = (gap + 2) & tableMask; table[position + 1] != 0; position = (position + 2) & tableMask) {
      int wanted = home(table[position]);
      // the entry may move back to the gap unless its home lies cyclically in (gap, position]
      boolean homeAfterGap = gap <= position ? wanted > gap && wanted <= position : wanted > gap || wanted <= position;
      if (!homeAfterGap) {
        table[gap] = table[position];
        table[gap + 1] = table[position + 1];
        table[position + 1] = 0;
        gap = position;
      }
    }
  }

  private void growSlots(int newSlots) {
    records = Arrays.copyOf(records, newSlots * RECORD_LONGS);
    longKeys = Arrays.copyOf(longKeys, newSlots);
    int positions = Integer.highestOneBit(Math.max(1, newSlots - 1)) << 2;
    table = new long[2 * positions];
    tableMask = 2 * positions - 1;
    for (int slot = 0; slot < size; slot++) {
      place(slot);
    }
  }

  /** Slots the arrays have room for. */
  private int slots() {
    return records.length / RECORD_LONGS;
  }

  /** The table index (even) where the probe for {@code hash} starts. */
  private int home(long hash) {
    // the stream hash is XXH64: its low bits are already well mixed
    return ((int) (hash ^ (hash >>> 32)) << 1) & tableMask;
  }

  private static byte[] utf8(String aggregateId) {
    return Objects.requireNonNull(aggregateId, "aggregateId").getBytes(StandardCharsets.UTF_8);
  }
}
