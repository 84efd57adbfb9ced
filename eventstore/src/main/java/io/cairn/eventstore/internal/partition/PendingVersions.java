package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.internal.stream.StreamVersionCache;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stream versions a produced batch gives its aggregates while the owner re-encodes it: per
 * aggregate the version of its last record in the batch so far and that record's offset, so that
 * several records of one aggregate in one batch get consecutive versions. Nothing here is visible to
 * anyone else until the batch is in the log; then the owner copies the entries into its version cache
 * ({@link #applyTo}).
 *
 * <p>Aggregates are identified by their UTF-8 id bytes and stream hash, as in
 * {@link StreamVersionCache}; the ids are copied into one reused byte array. Slots in insertion order
 * with an open-addressing table over them (linear probing); arrays are reused from batch to batch and
 * only grow, so a batch allocates nothing once they are large enough.
 * Not thread-safe: the partition owner only.
 */
final class PendingVersions {

  /** Returned by {@link #find} for an id not in the batch yet. */
  static final int ABSENT = -1;
  private static final int INITIAL_SLOTS = 64;
  private static final int INITIAL_KEY_BYTES = 64 * 32;
  private static final int EMPTY = 0;

  private long[] hashes = new long[INITIAL_SLOTS];
  private int[] keyOffsets = new int[INITIAL_SLOTS];
  private int[] keyLengths = new int[INITIAL_SLOTS];
  private long[] versions = new long[INITIAL_SLOTS];
  private long[] lastOffsets = new long[INITIAL_SLOTS];
  /** Where each slot sits in {@link #table}, so that clearing needs no probing. */
  private int[] positions = new int[INITIAL_SLOTS];
  /** Slot index + 1 per table position, {@link #EMPTY} = free; at most half full. */
  private int[] table = new int[2 * INITIAL_SLOTS];
  /** The ids of all slots, back to back. */
  private byte[] keyBytes = new byte[INITIAL_KEY_BYTES];
  private int keyBytesUsed;
  private int size;

  /** Forgets every entry; costs the number of entries. */
  void clear() {
    for (int slot = 0; slot < size; slot++) {
      table[positions[slot]] = EMPTY;
    }
    size = 0;
    keyBytesUsed = 0;
  }

  /** Aggregates in the batch so far. */
  int size() {
    return size;
  }

  /** The slot of the aggregate with stream hash {@code hash} and UTF-8 id {@code key[0, keyLength)}, or {@link #ABSENT}. */
  int find(long hash, byte[] key, int keyLength) {
    int mask = table.length - 1;
    for (int position = home(hash); table[position] != EMPTY; position = (position + 1) & mask) {
      int slot = table[position] - 1;
      if (hashes[slot] == hash && keyLengths[slot] == keyLength
          && Arrays.equals(keyBytes, keyOffsets[slot], keyOffsets[slot] + keyLength, key, 0, keyLength)) {
        return slot;
      }
    }
    return ABSENT;
  }

  /**
   * Adds the aggregate (not present) with stream hash {@code hash} and UTF-8 id {@code key[0, keyLength)}
   * at its stored version {@code currentVersion}; returns its slot.
   */
  int add(long hash, byte[] key, int keyLength, long currentVersion) {
    if (size == hashes.length) {
      grow();
    }
    if (keyBytesUsed + keyLength > keyBytes.length) {
      keyBytes = Arrays.copyOf(keyBytes, Math.max(keyBytesUsed + keyLength, 2 * keyBytes.length));
    }
    System.arraycopy(key, 0, keyBytes, keyBytesUsed, keyLength);
    int slot = size++;
    hashes[slot] = hash;
    keyOffsets[slot] = keyBytesUsed;
    keyLengths[slot] = keyLength;
    keyBytesUsed += keyLength;
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

  /** The aggregate id in {@code slot}, decoded (for tests and messages). */
  String aggregateId(int slot) {
    return new String(keyBytes, keyOffsets[slot], keyLengths[slot], StandardCharsets.UTF_8);
  }

  /** The version of the aggregate's last record in the batch. */
  long version(int slot) {
    return versions[slot];
  }

  /** The offset of the aggregate's last record in the batch. */
  long lastOffset(int slot) {
    return lastOffsets[slot];
  }

  /** Caches every aggregate's new version and last offset in {@code cache}, in insertion order. */
  void applyTo(StreamVersionCache cache) {
    for (int slot = 0; slot < size; slot++) {
      cache.put(hashes[slot], keyBytes, keyOffsets[slot], keyLengths[slot], versions[slot], lastOffsets[slot]);
    }
  }

  private void place(int slot) {
    int mask = table.length - 1;
    int position = home(hashes[slot]);
    while (table[position] != EMPTY) {
      position = (position + 1) & mask;
    }
    table[position] = slot + 1;
    positions[slot] = position;
  }

  private void grow() {
    int capacity = 2 * hashes.length;
    hashes = Arrays.copyOf(hashes, capacity);
    keyOffsets = Arrays.copyOf(keyOffsets, capacity);
    keyLengths = Arrays.copyOf(keyLengths, capacity);
    versions = Arrays.copyOf(versions, capacity);
    lastOffsets = Arrays.copyOf(lastOffsets, capacity);
    positions = Arrays.copyOf(positions, capacity);
    table = new int[2 * capacity];
    for (int slot = 0; slot < size; slot++) {
      place(slot);
    }
  }

  private int home(long hash) {
    // the stream hash is XXH64: its low bits are already well mixed
    return (int) (hash ^ (hash >>> 32)) & (table.length - 1);
  }
}
