package io.cairn.aggregates.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ids of an aggregate's most recent commands with the versions their events took, at most
 * {@code capacity}, oldest dropped first. Rebuilt on replay from the events' causation ids, and stored in
 * snapshots. Not thread-safe: used on the gateway's context only.
 *
 * <p>A ring buffer of parallel arrays (id, its hash code, first and last version), oldest entry at
 * {@code oldest}, {@code size} entries in order after it; a free slot holds a null id. An open-addressing
 * table ({@code index}: slot + 1 per used bucket, linear probing, at least twice as many buckets as slots)
 * finds an id's slot from its hash code, so a lookup touches one or two cache lines of the table instead of
 * scanning every slot, and compares ids only where the hash codes match. Neither a lookup nor recording
 * allocates, beyond growing the arrays (doubling, up to {@code capacity} slots) while the aggregate has had
 * fewer commands than that. An id is held at most once: recording it again moves it to the newest end with
 * its new range (a rare path that shifts the newer entries and rebuilds the table).
 */
final class RecentCommands {

  /** Slots of a new buffer; aggregates with few commands never grow it. */
  static final int INITIAL_SLOTS = 8;
  private static final int FIBONACCI_MULTIPLIER = 0x9E3779B9;

  private final int capacity;
  private String[] ids;
  private int[] hashes;
  private long[] firstVersions;
  private long[] lastVersions;
  private int[] index;
  private int oldest;
  private int size;
  // true while the newest entry is the command of the last event observed or recorded
  private boolean newestIsLast;
  // the id (this very String) that the last find did not hold, if nothing was recorded since
  private String lastMiss;

  public RecentCommands(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " must be at least 1");
    }
    this.capacity = capacity;
    int slots = Math.min(capacity, INITIAL_SLOTS);
    this.ids = new String[slots];
    this.hashes = new int[slots];
    this.firstVersions = new long[slots];
    this.lastVersions = new long[slots];
    this.index = new int[bucketsFor(slots)];
  }

  /** The versions taken by the events of {@code commandId}, if it is one of the recent commands. */
  public Optional<VersionRange> find(String commandId) {
    int slot = slotOf(commandId);
    lastMiss = slot < 0 ? commandId : null;
    return slot < 0 ? Optional.empty() : Optional.of(new VersionRange(firstVersions[slot], lastVersions[slot]));
  }

  /** Records that {@code commandId}'s events took {@code range}. */
  public void record(String commandId, VersionRange range) {
    record(commandId, range.firstVersion(), range.lastVersion());
  }

  /** Records that {@code commandId}'s events took versions {@code firstVersion} to {@code lastVersion}, inclusive. */
  public void record(String commandId, long firstVersion, long lastVersion) {
    // the gateway records the id it has just looked up in vain: no need to look again
    int existing = commandId == lastMiss ? -1 : slotOf(commandId);
    lastMiss = null;
    if (existing >= 0) {
      removeAt(existing);
    }
    if (size == capacity) {
      removeAt(oldest);
    } else if (size == ids.length) {
      grow();
    }
    int slot = slotAt(size);
    ids[slot] = commandId;
    hashes[slot] = commandId.hashCode();
    firstVersions[slot] = firstVersion;
    lastVersions[slot] = lastVersion;
    indexSlot(slot);
    size++;
    newestIsLast = true;
  }

  /**
   * Records one replayed event at {@code version} caused by {@code causationId} (null: not caused by a
   * command): consecutive events of one command extend its range.
   */
  public void observe(String causationId, long version) {
    if (causationId == null) {
      newestIsLast = false;
      return;
    }
    int newest = slotAt(size - 1);
    if (newestIsLast && size > 0 && causationId.equals(ids[newest]) && lastVersions[newest] == version - 1) {
      lastVersions[newest] = version;
    } else {
      record(causationId, version, version);
    }
  }

  /** How many command ids are held. */
  public int size() {
    return size;
  }

  /** The recent commands, oldest first (a copy). */
  public Map<String, VersionRange> toMap() {
    Map<String, VersionRange> map = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      int slot = slotAt(i);
      map.put(ids[slot], new VersionRange(firstVersions[slot], lastVersions[slot]));
    }
    return map;
  }

  /** The slot holding {@code commandId}, or -1. */
  private int slotOf(String commandId) {
    int hash = commandId.hashCode();
    int mask = index.length - 1;
    for (int bucket = home(hash, mask); index[bucket] != 0; bucket = (bucket + 1) & mask) {
      int slot = index[bucket] - 1;
      if (hashes[slot] == hash && commandId.equals(ids[slot])) {
        return slot;
      }
    }
    return -1;
  }

  /** Adds {@code slot} (id and hash code set) to the table. */
  private void indexSlot(int slot) {
    int mask = index.length - 1;
    int bucket = home(hashes[slot], mask);
    while (index[bucket] != 0) {
      bucket = (bucket + 1) & mask;
    }
    index[bucket] = slot + 1;
  }

  /** Removes {@code slot} from the table, moving later entries of its probe run back (linear probing deletion). */
  private void unindexSlot(int slot) {
    int mask = index.length - 1;
    int hole = home(hashes[slot], mask);
    while (index[hole] != slot + 1) {
      hole = (hole + 1) & mask;
    }
    index[hole] = 0;
    for (int bucket = (hole + 1) & mask; index[bucket] != 0; bucket = (bucket + 1) & mask) {
      int wanted = home(hashes[index[bucket] - 1], mask);
      // the entry may fill the hole unless its home lies cyclically in (hole, bucket]
      boolean homeAfterHole = hole <= bucket ? wanted > hole && wanted <= bucket : wanted > hole || wanted <= bucket;
      if (!homeAfterHole) {
        index[hole] = index[bucket];
        index[bucket] = 0;
        hole = bucket;
      }
    }
  }

  private void rebuildIndex() {
    Arrays.fill(index, 0);
    for (int i = 0; i < size; i++) {
      indexSlot(slotAt(i));
    }
  }

  private static int home(int hash, int mask) {
    // Fibonacci hashing: the top bits of hash * 2^32/phi. Ids of one aggregate often differ only in a
    // trailing counter, so their String hash codes are close together; taken modulo the table they would
    // form long runs, and linear probing would walk them.
    return (hash * FIBONACCI_MULTIPLIER) >>> Integer.numberOfLeadingZeros(mask);
  }

  private static int bucketsFor(int slots) {
    return Integer.highestOneBit(Math.max(1, 2 * slots - 1)) << 1;
  }

  /** The slot of the {@code index}-th entry, oldest first. */
  private int slotAt(int index) {
    int slot = oldest + index;
    return slot >= ids.length ? slot - ids.length : slot;
  }

  /** Removes the entry in {@code slot}, moving the newer entries one place towards the oldest. */
  private void removeAt(int slot) {
    unindexSlot(slot);
    int position = slot >= oldest ? slot - oldest : slot + ids.length - oldest;
    if (position == 0) {
      clear(oldest);
      oldest = slotAt(1);
    } else {
      for (int i = position; i < size - 1; i++) {
        int to = slotAt(i);
        int from = slotAt(i + 1);
        ids[to] = ids[from];
        hashes[to] = hashes[from];
        firstVersions[to] = firstVersions[from];
        lastVersions[to] = lastVersions[from];
      }
      clear(slotAt(size - 1));
    }
    size--;
    if (size == 0) {
      oldest = 0;
    }
    if (position != 0) {
      rebuildIndex();
    }
  }

  private void clear(int slot) {
    ids[slot] = null;
    hashes[slot] = 0;
  }

  /** Doubles the slots (at most to {@code capacity}), laying the entries out from slot 0, oldest first. */
  private void grow() {
    int slots = (int) Math.min(capacity, 2L * ids.length);
    String[] newIds = new String[slots];
    int[] newHashes = new int[slots];
    long[] newFirst = new long[slots];
    long[] newLast = new long[slots];
    for (int i = 0; i < size; i++) {
      int slot = slotAt(i);
      newIds[i] = ids[slot];
      newHashes[i] = hashes[slot];
      newFirst[i] = firstVersions[slot];
      newLast[i] = lastVersions[slot];
    }
    ids = newIds;
    hashes = newHashes;
    firstVersions = newFirst;
    lastVersions = newLast;
    oldest = 0;
    index = new int[bucketsFor(slots)];
    rebuildIndex();
  }

  @Override
  public String toString() {
    return "RecentCommands{capacity=" + capacity + ", slots=" + ids.length + ", " + toMap() + "}";
  }
}
