package io.cairn.eventstore.internal.stream;

import static io.cairn.eventstore.internal.stream.Memtable.BASE_OFFSET_SLOT;
import static io.cairn.eventstore.internal.stream.Memtable.COUNT_POSITION_SLOT;
import static io.cairn.eventstore.internal.stream.Memtable.ENTRY_LONGS;
import static io.cairn.eventstore.internal.stream.Memtable.FIRST_VERSION_SLOT;
import static io.cairn.eventstore.internal.stream.Memtable.HASH_SLOT;

import java.io.IOException;

/**
 * The entries of a frozen memtable copied into one flat array in chunk order (hash, then firstVersion,
 * then baseOffset), for a flush to read front to back.
 *
 * <p>The sort touches memory in sequence, not entry by entry along hash chains: a counting pass and a
 * copying pass over the memtable in offset order put every entry into the bucket of its hash's top bits
 * (buckets of about {@value #TARGET_BUCKET_ENTRIES} entries, so that each bucket's sort runs in the CPU
 * cache), then each bucket is merge-sorted on its own. Walking the chains of a 1 000 000-entry memtable
 * and reading its entries in sorted order missed the cache on nearly every entry.
 *
 * <p>Holds {@value Memtable#ENTRY_LONGS} longs per entry, as many as the memtable. Built and read on the
 * flushing worker; not thread-safe.
 */
final class SortedEntryArray implements SortedEntries {

  /** Entries per bucket aimed at: 8 KiB, sorted in the L1 cache. */
  static final int TARGET_BUCKET_ENTRIES = 256;
  private static final int MAX_BUCKET_BITS = 20;
  /** Ranges this short are sorted by insertion inside the merge sort. */
  private static final int INSERTION_SORT_MAX = 16;
  /**
   * Entries a pass handles between two calls of {@link WorkPacer#pace(int)}: some microseconds of work. A call per
   * entry put a volatile read and a count into loops of a few nanoseconds per entry.
   */
  static final int ENTRIES_PER_PACE = 1024;

  /** {@value Memtable#ENTRY_LONGS} longs per entry, exactly as many as the entries. */
  private final long[] entries;

  private SortedEntryArray(long[] entries) {
    this.entries = entries;
  }

  /**
   * The entries of {@code memtable} (frozen: it must not change meanwhile), sorted; {@code pacer} is told of
   * every entry in each pass, {@value #ENTRIES_PER_PACE} at a time.
   */
  static SortedEntryArray of(Memtable memtable, WorkPacer pacer) {
    int size = memtable.size();
    int bits = bucketBits(size);
    int buckets = 1 << bits;
    int[] next = new int[buckets + 1];
    for (int start = 0; start < size; start += ENTRIES_PER_PACE) {
      int end = Math.min(size, start + ENTRIES_PER_PACE);
      for (int entry = start; entry < end; entry++) {
        next[bucketOf(memtable.hash(entry), bits) + 1]++;
      }
      pacer.pace(end - start);
    }
    int largestBucket = 0;
    for (int bucket = 0; bucket < buckets; bucket++) {
      largestBucket = Math.max(largestBucket, next[bucket + 1]);
      next[bucket + 1] += next[bucket];
    }
    long[] entries = new long[Math.multiplyExact(size, ENTRY_LONGS)];
    for (int start = 0; start < size; start += ENTRIES_PER_PACE) {
      int end = Math.min(size, start + ENTRIES_PER_PACE);
      for (int entry = start; entry < end; entry++) {
        int bucket = bucketOf(memtable.hash(entry), bits);
        memtable.copyEntry(entry, entries, next[bucket]++ * ENTRY_LONGS);
      }
      pacer.pace(end - start);
    }
    // next[bucket] is now the end of the bucket, the start of the next one
    long[] scratch = new long[largestBucket * ENTRY_LONGS];
    int from = 0;
    for (int bucket = 0; bucket < buckets; bucket++) {
      int to = next[bucket];
      sort(entries, from, to, scratch);
      pacer.pace(to - from);
      from = to;
    }
    return new SortedEntryArray(entries);
  }

  /** Bits of the hash that pick a bucket: about {@value #TARGET_BUCKET_ENTRIES} entries per bucket. */
  static int bucketBits(int size) {
    int buckets = size / TARGET_BUCKET_ENTRIES;
    int bits = buckets <= 1 ? 0 : Integer.SIZE - Integer.numberOfLeadingZeros(buckets - 1);
    return Math.min(bits, MAX_BUCKET_BITS);
  }

  /** The bucket of {@code hash}: its top {@code bits} bits in signed order (the order of {@link Long#compare}). */
  static int bucketOf(long hash, int bits) {
    return bits == 0 ? 0 : (int) ((hash ^ Long.MIN_VALUE) >>> (Long.SIZE - bits));
  }

  /** Sorts the entries {@code [from, to)} of {@code entries} in chunk order; {@code scratch} holds at least as many. */
  private static void sort(long[] entries, int from, int to, long[] scratch) {
    if (to - from <= INSERTION_SORT_MAX) {
      insertionSort(entries, from, to);
      return;
    }
    int middle = (from + to) >>> 1;
    sort(entries, from, middle, scratch);
    sort(entries, middle, to, scratch);
    if (compare(entries, middle - 1, entries, middle) <= 0) {
      return; // already in order, as the entries of one aggregate's chain are
    }
    int count = to - from;
    System.arraycopy(entries, from * ENTRY_LONGS, scratch, 0, count * ENTRY_LONGS);
    int left = 0;
    int leftEnd = middle - from;
    int right = leftEnd;
    for (int out = from; out < to; out++) {
      boolean takeLeft = right >= count || (left < leftEnd && compare(scratch, left, scratch, right) <= 0);
      copy(scratch, takeLeft ? left++ : right++, entries, out);
    }
  }

  private static void insertionSort(long[] entries, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      int base = i * ENTRY_LONGS;
      long hash = entries[base + HASH_SLOT];
      long firstVersion = entries[base + FIRST_VERSION_SLOT];
      long baseOffset = entries[base + BASE_OFFSET_SLOT];
      long countPosition = entries[base + COUNT_POSITION_SLOT];
      int j = i - 1;
      while (j >= from && compare(entries, j, hash, firstVersion, baseOffset) > 0) {
        j--;
      }
      int shifted = i - 1 - j;
      if (shifted > 0) {
        System.arraycopy(entries, (j + 1) * ENTRY_LONGS, entries, (j + 2) * ENTRY_LONGS, shifted * ENTRY_LONGS);
        int into = (j + 1) * ENTRY_LONGS;
        entries[into + HASH_SLOT] = hash;
        entries[into + FIRST_VERSION_SLOT] = firstVersion;
        entries[into + BASE_OFFSET_SLOT] = baseOffset;
        entries[into + COUNT_POSITION_SLOT] = countPosition;
      }
    }
  }

  private static void copy(long[] source, int sourceEntry, long[] target, int targetEntry) {
    int from = sourceEntry * ENTRY_LONGS;
    int to = targetEntry * ENTRY_LONGS;
    target[to] = source[from];
    target[to + 1] = source[from + 1];
    target[to + 2] = source[from + 2];
    target[to + 3] = source[from + 3];
  }

  private static int compare(long[] a, int entryA, long[] b, int entryB) {
    int base = entryB * ENTRY_LONGS;
    return compare(a, entryA, b[base + HASH_SLOT], b[base + FIRST_VERSION_SLOT], b[base + BASE_OFFSET_SLOT]);
  }

  private static int compare(long[] a, int entry, long hash, long firstVersion, long baseOffset) {
    int base = entry * ENTRY_LONGS;
    int byHash = Long.compare(a[base + HASH_SLOT], hash);
    if (byHash != 0) {
      return byHash;
    }
    int byVersion = Long.compare(a[base + FIRST_VERSION_SLOT], firstVersion);
    return byVersion != 0 ? byVersion : Long.compare(a[base + BASE_OFFSET_SLOT], baseOffset);
  }

  /** Entries held. */
  int size() {
    return entries.length / ENTRY_LONGS;
  }

  @Override
  public void forEach(EntrySink sink) throws IOException {
    for (int at = 0; at < entries.length; at += ENTRY_LONGS) {
      long countPosition = entries[at + COUNT_POSITION_SLOT];
      sink.accept(entries[at + HASH_SLOT], entries[at + FIRST_VERSION_SLOT], entries[at + BASE_OFFSET_SLOT],
          Memtable.eventCountOf(countPosition), Memtable.positionOf(countPosition));
    }
  }
}
