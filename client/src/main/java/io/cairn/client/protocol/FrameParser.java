package io.cairn.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.function.IntFunction;

/**
 * Splits a byte stream into frames: reads each {@code int32 size}, checks it with
 * {@link Frames#ensureValidSize} before buffering any of the frame, and hands each complete frame's payload
 * (without the size prefix) to the frame handler as a slice that shares the received bytes. It never holds
 * more than one incomplete frame plus the chunk being parsed. A frame that arrives in several chunks is
 * gathered in one growing buffer, so its bytes are copied a bounded number of times (a 1 MiB fetch
 * response in 64 KiB reads used to be copied again with every read). That buffer starts at most
 * {@link #MAX_AHEAD_BYTES} larger than what was received and grows by doubling, so a peer that announces a
 * large frame and sends it slowly makes the parser hold about what it sent, not the announced size. A size
 * out of range is reported once to the error handler; the parser then drops everything.
 *
 * <p>Two kinds, which differ in who owns the bytes:
 * <ul>
 *   <li>{@linkplain #FrameParser(int, Handler, Handler) Of Vert.x buffers}: the chunks are heap buffers the
 *       garbage collector owns, and so are the frames; nobody releases anything.</li>
 *   <li>{@linkplain #pooled Pooled}: each chunk passed to {@link #handle(ByteBuf)} hands the parser one
 *       reference, which it releases once the chunk's bytes are parsed. Each frame handed out holds one reference
 *       of its own that the frame handler MUST release when it no longer reads the frame, on any thread.
 *       Frames gathered from several chunks are copied into buffers of the given allocator. {@link #close()}
 *       releases what is still buffered. Nothing is copied onto the heap, so a node reading from Netty's pooled
 *       buffers does not churn its heap with every read.</li>
 * </ul>
 *
 * <p>{@link #pause()} stops delivering frames (bytes keep being buffered; the caller pauses its socket too),
 * {@link #resume()} delivers what is buffered and continues. Not thread-safe: use it from the connection's
 * context only.
 */
public final class FrameParser implements Handler<Buffer> {

  /** How far beyond the bytes received a frame's buffer may be allocated ahead. */
  static final int MAX_AHEAD_BYTES = 64 * 1024;

  private final int maxFrameBytes;
  private final boolean counted;
  private final IntFunction<ByteBuf> allocate;
  private final Handler<ByteBuf> frameHandler;
  private final Handler<MalformedFrameException> errorHandler;
  /** Bytes received and not yet handed out, from its reader index on; null when there are none. */
  private ByteBuf pending;
  /** Whether {@link #pending} is a buffer this parser allocated (appendable), not a received chunk. */
  private boolean accumulating;
  private boolean paused;
  private boolean failed;
  private boolean closed;
  private boolean delivering;

  /**
   * A parser of Vert.x buffers, whose frames are Vert.x buffers on the heap.
   *
   * @param maxFrameBytes largest payload accepted
   * @param frameHandler  receives each frame's payload
   * @param errorHandler  receives the one failure (a size out of range)
   */
  public FrameParser(int maxFrameBytes, Handler<Buffer> frameHandler, Handler<MalformedFrameException> errorHandler) {
    this(maxFrameBytes, false, Unpooled::buffer, frame -> frameHandler.handle(BufferInternal.buffer(frame)),
        errorHandler);
  }

  private FrameParser(int maxFrameBytes, boolean counted, IntFunction<ByteBuf> allocate,
                      Handler<ByteBuf> frameHandler, Handler<MalformedFrameException> errorHandler) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1, is " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
    this.counted = counted;
    this.allocate = allocate;
    this.frameHandler = frameHandler;
    this.errorHandler = errorHandler;
  }

  /**
   * A parser of reference-counted buffers (see the class comment for who releases what).
   *
   * @param maxFrameBytes largest payload accepted
   * @param allocate      a buffer of at least the given capacity, for frames that span chunks
   * @param frameHandler  receives each frame's payload, and one reference to it
   * @param errorHandler  receives the one failure (a size out of range)
   */
  public static FrameParser pooled(int maxFrameBytes, IntFunction<ByteBuf> allocate, Handler<ByteBuf> frameHandler,
                                   Handler<MalformedFrameException> errorHandler) {
    return new FrameParser(maxFrameBytes, true, allocate, frameHandler, errorHandler);
  }

  /** Parses {@code chunk}, the next bytes of the stream (a parser of Vert.x buffers only). */
  @Override
  public void handle(Buffer chunk) {
    if (counted) {
      throw new IllegalStateException("a pooled parser takes ByteBufs, whose references it releases");
    }
    handle(((BufferInternal) chunk).getByteBuf());
  }

  /** Parses the readable bytes of {@code chunk}, the next bytes of the stream; a pooled parser owns it now. */
  public void handle(ByteBuf chunk) {
    if (failed || closed) {
      release(chunk);
      return;
    }
    if (pending == null) {
      pending = chunk;
      accumulating = false;
    } else if (accumulating && pending.readerIndex() == 0) {
      // still the start of one frame in a buffer of our own: fill it up to the frame's end only, and parse
      // the rest as a chunk of its own, so that the buffer never holds more than that frame
      int room = frameBytesAtReader() - pending.writerIndex();
      if (room > 0 && chunk.readableBytes() > room) {
        pending.writeBytes(chunk, room);
        deliver();
        handle(chunk);
        return;
      }
      pending.writeBytes(chunk);
      release(chunk);
    } else {
      int received = pending.readableBytes() + chunk.readableBytes();
      ByteBuf accumulator = allocate.apply(Math.max(received,
          Math.min(frameBytesAtReader(), received + MAX_AHEAD_BYTES)));
      accumulator.writeBytes(pending).writeBytes(chunk);
      release(pending);
      release(chunk);
      pending = accumulator;
      accumulating = true;
    }
    deliver();
  }

  /**
   * Size prefix plus payload of the frame at {@link #pending}'s reader index, if its size prefix is buffered
   * and in range; else 0. Lets an accumulator be sized ahead for a frame that arrives in many chunks (up to
   * {@link #MAX_AHEAD_BYTES} beyond what was received).
   */
  private int frameBytesAtReader() {
    if (pending.readableBytes() < Frames.SIZE_BYTES) {
      return 0;
    }
    int size = pending.getInt(pending.readerIndex());
    return size > 0 && size <= maxFrameBytes ? Frames.SIZE_BYTES + size : 0;
  }

  /** Stops handing out frames until {@link #resume()}. */
  public void pause() {
    paused = true;
  }

  /** Hands out the frames buffered so far, then continues with new bytes. */
  public void resume() {
    paused = false;
    deliver();
  }

  /** Whether frames are held back. */
  public boolean isPaused() {
    return paused;
  }

  /** Bytes received but not yet handed out as frames. */
  public int bufferedBytes() {
    return pending == null ? 0 : pending.readableBytes();
  }

  /** Drops (and releases) what is buffered; every chunk handled from now on is released at once. */
  public void close() {
    closed = true;
    dropPending();
  }

  private void deliver() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (!paused && !failed && pending != null && pending.readableBytes() >= Frames.SIZE_BYTES) {
        int at = pending.readerIndex();
        int size = pending.getInt(at);
        try {
          Frames.ensureValidSize(size, maxFrameBytes);
        } catch (MalformedFrameException e) {
          failed = true;
          dropPending();
          errorHandler.handle(e);
          return;
        }
        int start = at + Frames.SIZE_BYTES;
        if (pending.writerIndex() - start < size) {
          return;
        }
        ByteBuf frame = counted ? pending.retainedSlice(start, size) : pending.slice(start, size);
        pending.readerIndex(start + size);
        if (!pending.isReadable()) {
          dropPending();
        }
        frameHandler.handle(frame);
      }
    } finally {
      delivering = false;
    }
  }

  private void dropPending() {
    if (pending != null) {
      release(pending);
      pending = null;
    }
  }

  private void release(ByteBuf buffer) {
    if (counted) {
      buffer.release();
    }
  }
}
