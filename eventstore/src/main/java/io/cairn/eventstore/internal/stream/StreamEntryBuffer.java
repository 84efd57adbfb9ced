package io.cairn.eventstore.internal.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A reusable list of stream-index entries in primitive arrays, filled by the lookups of
 * {@link StreamIndex} so that a lookup allocates nothing once the buffer has grown to its working
 * size. Every lookup clears the buffer first. Index {@code i} runs from 0 to {@link #size()} - 1.
 * Not thread-safe: one buffer per owner thread.
 */
public final class StreamEntryBuffer {

  private static final int INITIAL_CAPACITY = 16;

  private long[] hashes;
  private long[] firstVersions;
  private long[] baseOffsets;
  private int[] eventCounts;
  private int[] positions;
  private int size;

  /** An empty buffer. */
  public StreamEntryBuffer() {
    this(INITIAL_CAPACITY);
  }

  /** An empty buffer with room for {@code initialCapacity} entries before it grows. */
  public StreamEntryBuffer(int initialCapacity) {
    int capacity = Math.max(1, initialCapacity);
    hashes = new long[capacity];
    firstVersions = new long[capacity];
    baseOffsets = new long[capacity];
    eventCounts = new int[capacity];
    positions = new int[capacity];
  }

  /** Entries in the buffer. */
  public int size() {
    return size;
  }

  /** Whether the buffer holds no entry. */
  public boolean isEmpty() {
    return size == 0;
  }

  /** Removes every entry; keeps the arrays. */
  public void clear() {
    size = 0;
  }

  /** Hash of entry {@code i}. */
  public long hash(int i) {
    ensureIndex(i);
    return hashes[i];
  }

  /** First stream version of entry {@code i}. */
  public long firstVersion(int i) {
    ensureIndex(i);
    return firstVersions[i];
  }

  /** Last stream version of entry {@code i}. */
  public long lastVersion(int i) {
    ensureIndex(i);
    return firstVersions[i] + eventCounts[i] - 1;
  }

  /** Events in the batch of entry {@code i}. */
  public int eventCount(int i) {
    ensureIndex(i);
    return eventCounts[i];
  }

  /** Base offset of the batch of entry {@code i}. */
  public long baseOffset(int i) {
    ensureIndex(i);
    return baseOffsets[i];
  }

  /** Byte position in its segment file of the batch of entry {@code i}. */
  public int position(int i) {
    ensureIndex(i);
    return positions[i];
  }

  /** Entry {@code i} as a value (allocates). */
  public StreamIndexEntry get(int i) {
    ensureIndex(i);
    return new StreamIndexEntry(hashes[i], firstVersions[i], eventCounts[i], baseOffsets[i], positions[i]);
  }

  /** Every entry as values, in buffer order (allocates). */
  public List<StreamIndexEntry> toList() {
    List<StreamIndexEntry> list = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      list.add(get(i));
    }
    return list;
  }

  /** Heap bytes held by the arrays. */
  public long memoryBytes() {
    return (long) hashes.length * (3L * Long.BYTES + 2L * Integer.BYTES);
  }

  void add(long hash, long firstVersion, int eventCount, long baseOffset, int position) {
    if (size == hashes.length) {
      grow();
    }
    hashes[size] = hash;
    firstVersions[size] = firstVersion;
    baseOffsets[size] = baseOffset;
    eventCounts[size] = eventCount;
    positions[size] = position;
    size++;
  }

  /** Drops the entries from {@code newSize} on. */
  void truncate(int newSize) {
    size = Math.min(size, Math.max(0, newSize));
  }

  /**
   * Sorts entries {@code [from, size)} by (firstVersion, baseOffset). Entries usually arrive sorted
   * (one aggregate, sources read oldest first), so the check costs one pass; otherwise a heap sort
   * (no allocation), which only hash collisions make necessary.
   */
  void sortByVersion(int from) {
    boolean sorted = true;
    for (int i = from + 1; i < size && sorted; i++) {
      sorted = compareVersion(i - 1, i) <= 0;
    }
    if (sorted) {
      return;
    }
    int count = size - from;
    for (int root = count / 2 - 1; root >= 0; root--) {
      siftDown(from, root, count);
    }
    for (int end = count - 1; end > 0; end--) {
      swap(from, from + end);
      siftDown(from, 0, end);
    }
  }

  private void siftDown(int base, int root, int count) {
    int parent = root;
    while (true) {
      int child = 2 * parent + 1;
      if (child >= count) {
        return;
      }
      if (child + 1 < count && compareVersion(base + child, base + child + 1) < 0) {
        child++;
      }
      if (compareVersion(base + parent, base + child) >= 0) {
        return;
      }
      swap(base + parent, base + child);
      parent = child;
    }
  }

  /** Reverses entries {@code [from, size)}. */
  void reverse(int from) {
    for (int i = from, j = size - 1; i < j; i++, j--) {
      swap(i, j);
    }
  }

  private int compareVersion(int a, int b) {
    int byVersion = Long.compare(firstVersions[a], firstVersions[b]);
    return byVersion != 0 ? byVersion : Long.compare(baseOffsets[a], baseOffsets[b]);
  }

  private void swap(int a, int b) {
    long hash = hashes[a];
    hashes[a] = hashes[b];
    hashes[b] = hash;
    long version = firstVersions[a];
    firstVersions[a] = firstVersions[b];
    firstVersions[b] = version;
    long offset = baseOffsets[a];
    baseOffsets[a] = baseOffsets[b];
    baseOffsets[b] = offset;
    int count = eventCounts[a];
    eventCounts[a] = eventCounts[b];
    eventCounts[b] = count;
    int position = positions[a];
    positions[a] = positions[b];
    positions[b] = position;
  }

  private void grow() {
    int capacity = hashes.length * 2;
    hashes = Arrays.copyOf(hashes, capacity);
    firstVersions = Arrays.copyOf(firstVersions, capacity);
    baseOffsets = Arrays.copyOf(baseOffsets, capacity);
    eventCounts = Arrays.copyOf(eventCounts, capacity);
    positions = Arrays.copyOf(positions, capacity);
  }

  private void ensureIndex(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("entry " + i + " of a buffer holding " + size);
    }
  }
}
