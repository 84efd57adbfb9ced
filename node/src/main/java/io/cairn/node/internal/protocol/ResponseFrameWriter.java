package io.cairn.node.internal.protocol;

import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.ResponseBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;
import java.util.function.IntFunction;

/**
 * Writes response frames encoded straight into pooled direct buffers: a Fetch answer's records are copied
 * once, into memory the socket sends from, instead of into a new heap frame that Netty copies again into
 * direct memory, and the node's heap does not churn through a frame per answer.
 *
 * <p>Contract: the buffer goes back to the pool when the socket's write completes, successfully or not (the
 * connection closed first); nothing else holds it. Vert.x hands the socket an unreleasable view of the
 * buffer, so the release here is the only one.
 *
 * <p>Thread-safety: stateless; call on the socket's context.
 */
final class ResponseFrameWriter {

  /** Netty's default allocator, the pooled one Vert.x's transport allocates from too. */
  private static final IntFunction<ByteBuf> POOLED_DIRECT = ByteBufAllocator.DEFAULT::directBuffer;

  private ResponseFrameWriter() {
  }

  /**
   * Encodes the response to {@code correlationId} into a pooled direct buffer and writes it to {@code socket}.
   *
   * @return the socket's write, complete once the frame left or the connection closed
   * @throws RuntimeException if {@code body} cannot be encoded; nothing was written then
   */
  static Future<Void> write(NetSocket socket, int correlationId, ResponseBody body) {
    return write(POOLED_DIRECT, socket, correlationId, body);
  }

  /** {@link #write(NetSocket, int, ResponseBody)} with buffers of {@code allocate} (given a capacity). */
  static Future<Void> write(IntFunction<ByteBuf> allocate, NetSocket socket, int correlationId, ResponseBody body) {
    ByteBuf pooled = allocate.apply(Frames.responseFrameCapacity(body));
    Buffer frame;
    try {
      frame = Frames.encodeResponse(BufferInternal.buffer(pooled), correlationId, body);
    } catch (RuntimeException e) {
      pooled.release();
      throw e;
    }
    return socket.write(frame).onComplete(ignored -> pooled.release());
  }
}
