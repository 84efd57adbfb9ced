package io.cairn.client.internal.producer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The producer's batch buffers (Kafka's {@code BufferPool}): each batch writes its records into one buffer
 * taken here. Buffers of {@code batch.size} are kept once their batch is done and handed out again, so a
 * steady producer allocates no batch memory; a bigger buffer (for a record larger than {@code batch.size})
 * is made for its batch alone and dropped afterwards.
 *
 * <p>Accounting: a buffer handed out holds its capacity of {@code buffer.memory} ({@link MemoryBudget}) until
 * it is {@linkplain #release given back}; a kept free buffer counts as free memory. Kept buffers plus
 * buffers in use never exceed the budget's capacity: a bigger buffer drops kept ones to stay within it.
 *
 * <p>Thread-safe: the budget is lock-free, the free list is guarded by this object's lock.
 */
final class BufferPool {

  private final MemoryBudget budget;
  private final int batchSizeBytes;
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

  BufferPool(MemoryBudget budget, int batchSizeBytes) {
    this.budget = budget;
    this.batchSizeBytes = batchSizeBytes;
  }

  /** The capacity of the buffers kept for reuse: {@code batch.size}. */
  int batchSizeBytes() {
    return batchSizeBytes;
  }

  MemoryBudget budget() {
    return budget;
  }

  /**
   * A cleared heap buffer of exactly {@code capacityBytes}, reserved from the budget; null, reserving nothing,
   * if the budget has no room for it now.
   */
  ByteBuffer tryAllocate(int capacityBytes) {
    if (!budget.tryReserve(capacityBytes)) {
      return null;
    }
    return take(capacityBytes);
  }

  /** A kept buffer or a new one of {@code capacityBytes}, already reserved; keeps kept plus used within the budget. */
  private ByteBuffer take(int capacityBytes) {
    synchronized (this) {
      if (capacityBytes == batchSizeBytes) {
        ByteBuffer kept = free.pollFirst();
        if (kept != null) {
          return kept.clear();
        }
      } else {
        while (!free.isEmpty() && (long) free.size() * batchSizeBytes + budget.usedBytes() > budget.capacityBytes()) {
          free.pollFirst();
        }
      }
    }
    return ByteBuffer.allocate(capacityBytes);
  }

  /**
   * A cleared heap buffer of exactly {@code capacityBytes} for records accepted earlier, paid from {@code credit}
   * (the {@code buffer.memory} they already hold) as far as it goes and reserved beyond it even over the budget's
   * capacity: such records are never refused.
   */
  ByteBuffer allocate(int capacityBytes, Credit credit) {
    long paid = Math.min(credit.bytes, capacityBytes);
    credit.bytes -= paid;
    budget.forceReserve(capacityBytes - paid);
    return take(capacityBytes);
  }

  /**
   * {@code buffer.memory} held by records that waited for the partition count, spent on the buffers they need
   * once routed; the holder gives back what is left. Used by one thread.
   */
  static final class Credit {
    private long bytes;

    Credit(long bytes) {
      this.bytes = bytes;
    }

    /** Bytes not spent yet. */
    long bytes() {
      return bytes;
    }
  }

  /** Gives back a buffer from {@link #tryAllocate}; its owner MUST NOT use it afterwards. */
  void release(ByteBuffer buffer) {
    if (buffer.capacity() == batchSizeBytes) {
      synchronized (this) {
        free.addFirst(buffer);
      }
    }
    budget.release(buffer.capacity());
  }

  /** Buffers kept for reuse now. */
  synchronized int freeBuffers() {
    return free.size();
  }
}
