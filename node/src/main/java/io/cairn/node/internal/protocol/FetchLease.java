package io.cairn.node.internal.protocol;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * The buffer one store fetch reads its records into, taken from a {@link FetchBufferPool} when the store asks for
 * it, and given back once the answer that carries those records has been encoded. If the store asks twice (a read
 * retried after a failure), the first buffer is forgotten and left to the garbage collector. A lease whose records
 * were not sent is never given back, so a read still under way can never write into a buffer another fetch took.
 *
 * <p>Thread-safety: the store calls {@link #apply} on one thread, before its future completes; {@link #giveBack}
 * runs after that future completed, on the connection's event loop, which the future's completion orders after it.
 */
final class FetchLease implements IntFunction<ByteBuffer> {

  private final FetchBufferPool pool;
  private ByteBuffer buffer;

  FetchLease(FetchBufferPool pool) {
    this.pool = pool;
  }

  @Override
  public ByteBuffer apply(int bytes) {
    buffer = pool.take(bytes);
    return buffer;
  }

  /** Gives the buffer back to the pool, once; nothing may read the records read into it any more. */
  void giveBack() {
    if (buffer != null) {
      pool.give(buffer);
      buffer = null;
    }
  }
}
