package io.cairn.node.internal.protocol;

import java.nio.ByteBuffer;

/**
 * Heap buffers for the records of Fetch answers, reused from one answer to the next instead of allocated for every
 * fetch: with a consumer at the log end, those buffers were about 30% of what the node allocated
 * (docs/benchmarks.md), and every allocation brings the next garbage-collection cycle closer.
 *
 * <p>Buffers come in powers of two from {@value #MIN_BYTES} to {@value #MAX_BYTES} bytes; {@link #take} hands out
 * the smallest that holds the bytes asked for. Each size keeps at most {@value #MAX_KEPT_PER_SIZE} buffers and
 * {@value #MAX_KEPT_BYTES_PER_SIZE} bytes, so the pool holds 16 MiB at most. A request above {@value #MAX_BYTES}
 * bytes gets a buffer of its own that the pool does not keep.
 *
 * <p>Contract: a buffer goes back with {@link #give} only once nothing reads or writes it any more; a buffer never
 * given back is simply garbage-collected. Thread-safe: buffers are taken on the partitions' threads and given back
 * on the connections' event loops.
 */
final class FetchBufferPool {

  static final int MIN_BYTES = 4 * 1024;
  static final int MAX_BYTES = 1024 * 1024;
  static final int MAX_KEPT_PER_SIZE = 16;
  static final int MAX_KEPT_BYTES_PER_SIZE = 4 * 1024 * 1024;
  private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_BYTES);
  private static final int SIZES = Integer.numberOfTrailingZeros(MAX_BYTES) - MIN_SHIFT + 1;

  /** Per size, the buffers kept (a stack: the last given back is taken first, while its memory is warm). */
  private final ByteBuffer[][] kept = new ByteBuffer[SIZES][];
  private final int[] keptCount = new int[SIZES];

  FetchBufferPool() {
    for (int size = 0; size < SIZES; size++) {
      kept[size] = new ByteBuffer[Math.min(MAX_KEPT_PER_SIZE, MAX_KEPT_BYTES_PER_SIZE / bytesOf(size))];
    }
  }

  /** A cleared heap buffer of at least {@code bytes} capacity: a kept one if there is one of its size. */
  ByteBuffer take(int bytes) {
    if (bytes > MAX_BYTES) {
      return ByteBuffer.allocate(bytes);
    }
    int size = sizeFor(bytes);
    synchronized (this) {
      int count = keptCount[size];
      if (count > 0) {
        ByteBuffer buffer = kept[size][--count];
        kept[size][count] = null;
        keptCount[size] = count;
        return buffer.clear();
      }
    }
    return ByteBuffer.allocate(bytesOf(size));
  }

  /**
   * Keeps {@code buffer}, one that {@link #take} returned and that nothing reads any more, for a later fetch;
   * drops it if its size is full, not one of the pool's sizes, or it is kept already.
   */
  void give(ByteBuffer buffer) {
    int capacity = buffer.capacity();
    if (capacity < MIN_BYTES || capacity > MAX_BYTES || Integer.bitCount(capacity) != 1 || !buffer.hasArray()) {
      return;
    }
    int size = Integer.numberOfTrailingZeros(capacity) - MIN_SHIFT;
    synchronized (this) {
      ByteBuffer[] stack = kept[size];
      int count = keptCount[size];
      if (count == stack.length) {
        return;
      }
      for (int i = 0; i < count; i++) {
        if (stack[i] == buffer) {
          return; // given back twice: keeping it twice would hand it to two fetches
        }
      }
      stack[count] = buffer;
      keptCount[size] = count + 1;
    }
  }

  /** Buffers kept now (a figure for tests). */
  synchronized int keptBuffers() {
    int total = 0;
    for (int count : keptCount) {
      total += count;
    }
    return total;
  }

  private static int sizeFor(int bytes) {
    int atLeast = Math.max(bytes, MIN_BYTES);
    return 32 - Integer.numberOfLeadingZeros(atLeast - 1) - MIN_SHIFT;
  }

  private static int bytesOf(int size) {
    return 1 << (size + MIN_SHIFT);
  }
}
