package io.cairn.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The producer's batch buffers: batch.size buffers are reused, all are accounted in buffer.memory. */
class BufferPoolTest {

  private static final int BATCH_SIZE = 1024;

  private final MemoryBudget budget = new MemoryBudget(4 * BATCH_SIZE, BATCH_SIZE);
  private final BufferPool pool = new BufferPool(budget, BATCH_SIZE);

  @Test
  void aBatchSizeBufferGivenBackIsHandedOutAgainCleared() {
    // given
    ByteBuffer first = pool.tryAllocate(BATCH_SIZE);
    first.position(100);

    // when
    pool.release(first);
    ByteBuffer second = pool.tryAllocate(BATCH_SIZE);

    // then
    assertThat(second).isSameAs(first);
    assertThat(second.position()).isZero();
    assertThat(second.limit()).isEqualTo(BATCH_SIZE);
    assertThat(budget.usedBytes()).isEqualTo(BATCH_SIZE);
  }

  @Test
  void buffersBeyondTheBudgetAreRefusedUntilOneIsGivenBack() {
    // given
    ByteBuffer[] held = new ByteBuffer[4];
    for (int i = 0; i < held.length; i++) {
      held[i] = pool.tryAllocate(BATCH_SIZE);
    }

    // when
    ByteBuffer refused = pool.tryAllocate(BATCH_SIZE);
    boolean waited = budget.whenAvailable().isComplete();
    pool.release(held[0]);

    // then
    assertThat(refused).isNull();
    assertThat(waited).isFalse();
    assertThat(budget.whenAvailable().isComplete()).isTrue();
    assertThat(pool.tryAllocate(BATCH_SIZE)).isSameAs(held[0]);
  }

  @Test
  void aBiggerBufferIsMadeForItsBatchAloneAndDropsKeptBuffersToStayWithinTheBudget() {
    // given: three kept buffers, one in use
    ByteBuffer inUse = pool.tryAllocate(BATCH_SIZE);
    ByteBuffer[] kept = {pool.tryAllocate(BATCH_SIZE), pool.tryAllocate(BATCH_SIZE), pool.tryAllocate(BATCH_SIZE)};
    for (ByteBuffer buffer : kept) {
      pool.release(buffer);
    }
    assertThat(pool.freeBuffers()).isEqualTo(3);

    // when
    ByteBuffer big = pool.tryAllocate(2 * BATCH_SIZE + 10);

    // then
    assertThat(big.capacity()).isEqualTo(2 * BATCH_SIZE + 10);
    assertThat((long) pool.freeBuffers() * BATCH_SIZE + budget.usedBytes())
        .as("kept plus used buffers stay within buffer.memory").isLessThanOrEqualTo(budget.capacityBytes());
    int keptBeforeRelease = pool.freeBuffers();
    pool.release(big);
    assertThat(pool.freeBuffers()).as("a bigger buffer is not kept").isEqualTo(keptBeforeRelease);
    assertThat(budget.usedBytes()).isEqualTo(BATCH_SIZE);
    pool.release(inUse);
    assertThat(budget.usedBytes()).isZero();
  }

  @Test
  void recordsAcceptedEarlierPayFromTheirCreditAndAreNeverRefused() {
    // given: two buffers in use, and waiting records that hold 1500 bytes
    pool.tryAllocate(BATCH_SIZE);
    pool.tryAllocate(BATCH_SIZE);
    assertThat(budget.tryReserve(1500)).isTrue();
    BufferPool.Credit credit = new BufferPool.Credit(1500);

    // when: routed, they need three buffers
    ByteBuffer[] taken = {pool.allocate(BATCH_SIZE, credit), pool.allocate(BATCH_SIZE, credit),
        pool.allocate(BATCH_SIZE, credit)};

    // then
    assertThat(taken).doesNotContainNull();
    assertThat(credit.bytes()).isZero();
    assertThat(budget.usedBytes()).as("five buffers: over buffer.memory by what the credit did not cover")
        .isEqualTo(5L * BATCH_SIZE);
    assertThat(pool.tryAllocate(BATCH_SIZE)).as("new sends are refused meanwhile").isNull();
  }
}
