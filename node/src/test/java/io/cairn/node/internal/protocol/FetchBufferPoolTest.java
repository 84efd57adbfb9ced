package io.cairn.node.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sizes, reuse and bounds of the pool of Fetch record buffers. */
class FetchBufferPoolTest {

  private final FetchBufferPool pool = new FetchBufferPool();

  @Test
  void aBufferIsTheSmallestPowerOfTwoFromFourKibibytesThatHoldsTheBytes() {
    assertThat(pool.take(1).capacity()).isEqualTo(4096);
    assertThat(pool.take(4096).capacity()).isEqualTo(4096);
    assertThat(pool.take(4097).capacity()).isEqualTo(8192);
    assertThat(pool.take(FetchBufferPool.MAX_BYTES).capacity()).isEqualTo(FetchBufferPool.MAX_BYTES);
    assertThat(pool.take(FetchBufferPool.MAX_BYTES + 1).capacity()).isEqualTo(FetchBufferPool.MAX_BYTES + 1);
  }

  @Test
  void aBufferGivenBackIsTakenAgainClearedByAFetchOfItsSize() {
    // given
    ByteBuffer first = pool.take(5000);
    first.position(100).limit(200);

    // when
    pool.give(first);

    // then
    ByteBuffer again = pool.take(6000);
    assertThat(again).isSameAs(first);
    assertThat(again.position()).isZero();
    assertThat(again.limit()).isEqualTo(again.capacity());
    assertThat(pool.take(6000)).isNotSameAs(first);
  }

  @Test
  void aBufferGivenBackTwiceIsKeptOnce() {
    ByteBuffer buffer = pool.take(100);

    pool.give(buffer);
    pool.give(buffer);

    assertThat(pool.keptBuffers()).isEqualTo(1);
    assertThat(pool.take(100)).isSameAs(buffer);
    assertThat(pool.take(100)).isNotSameAs(buffer);
  }

  @Test
  void buffersNotOfItsSizesAreNotKept() {
    pool.give(ByteBuffer.allocate(5000));
    pool.give(ByteBuffer.allocate(2048));
    pool.give(ByteBuffer.allocate(2 * FetchBufferPool.MAX_BYTES));
    pool.give(pool.take(FetchBufferPool.MAX_BYTES + 1));
    pool.give(ByteBuffer.allocateDirect(4096));

    assertThat(pool.keptBuffers()).isZero();
  }

  @Test
  void eachSizeKeepsAtMostSixteenBuffersAndFourMebibytes() {
    // when: 20 buffers of 4 KiB and 20 of 1 MiB come back
    List<ByteBuffer> small = new ArrayList<>();
    List<ByteBuffer> large = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      small.add(pool.take(4096));
      large.add(pool.take(FetchBufferPool.MAX_BYTES));
    }
    small.forEach(pool::give);
    large.forEach(pool::give);

    // then
    assertThat(pool.keptBuffers()).isEqualTo(FetchBufferPool.MAX_KEPT_PER_SIZE
        + FetchBufferPool.MAX_KEPT_BYTES_PER_SIZE / FetchBufferPool.MAX_BYTES);
  }
}
