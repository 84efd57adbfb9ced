package io.cairn.client.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Splits a byte stream into frames: reads each {@code int32 size}, checks it with
 * {@link Frames#ensureValidSize} before buffering any of the frame, and hands each complete frame's payload
 * (without the size prefix) to the frame handler as a slice that shares the received bytes. It never holds
 * more than one incomplete frame plus the chunk being parsed. A size out of range is reported once to the
 * error handler; the parser then drops everything.
 *
 * <p>{@link #pause()} stops delivering frames (bytes keep being buffered; the caller pauses its socket too),
 * {@link #resume()} delivers what is buffered and continues. Not thread-safe: use it from the connection's
 * context only.
 */
public final class FrameParser implements Handler<Buffer> {

  private final int maxFrameBytes;
  private final Handler<Buffer> frameHandler;
  private final Handler<MalformedFrameException> errorHandler;
  private Buffer pending = Buffer.buffer(0);
  private int position;
  private boolean paused;
  private boolean failed;
  private boolean delivering;

  /**
   * @param maxFrameBytes largest payload accepted
   * @param frameHandler  receives each frame's payload
   * @param errorHandler  receives the one failure (a size out of range)
   */
  public FrameParser(int maxFrameBytes, Handler<Buffer> frameHandler, Handler<MalformedFrameException> errorHandler) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1, is " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
    this.frameHandler = frameHandler;
    this.errorHandler = errorHandler;
  }

  /** Parses {@code chunk}, the next bytes of the stream. */
  @Override
  public void handle(Buffer chunk) {
    if (failed) {
      return;
    }
    if (position == pending.length()) {
      pending = chunk;
    } else {
      pending = pending.getBuffer(position, pending.length()).appendBuffer(chunk);
    }
    position = 0;
    deliver();
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
    return pending.length() - position;
  }

  private void deliver() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (!paused && !failed && pending.length() - position >= Frames.SIZE_BYTES) {
        int size = pending.getInt(position);
        try {
          Frames.ensureValidSize(size, maxFrameBytes);
        } catch (MalformedFrameException e) {
          failed = true;
          pending = Buffer.buffer(0);
          position = 0;
          errorHandler.handle(e);
          return;
        }
        int start = position + Frames.SIZE_BYTES;
        if (pending.length() - start < size) {
          return;
        }
        position = start + size;
        frameHandler.handle(pending.slice(start, start + size));
      }
    } finally {
      delivering = false;
    }
  }
}
