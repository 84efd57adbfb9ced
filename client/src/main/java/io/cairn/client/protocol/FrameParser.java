package io.cairn.client.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

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
 * <p>{@link #pause()} stops delivering frames (bytes keep being buffered; the caller pauses its socket too),
 * {@link #resume()} delivers what is buffered and continues. Not thread-safe: use it from the connection's
 * context only.
 */
public final class FrameParser implements Handler<Buffer> {

  /** How far beyond the bytes received a frame's buffer may be allocated ahead. */
  static final int MAX_AHEAD_BYTES = 64 * 1024;

  private final int maxFrameBytes;
  private final Handler<Buffer> frameHandler;
  private final Handler<MalformedFrameException> errorHandler;
  private Buffer pending = Buffer.buffer(0);
  private int position;
  /** Whether {@link #pending} is a buffer this parser allocated (appendable), not a received chunk. */
  private boolean accumulating;
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
    int buffered = pending.length() - position;
    if (buffered == 0) {
      pending = chunk;
      position = 0;
      accumulating = false;
    } else if (accumulating && position == 0) {
      // still the start of one frame in a buffer of our own: fill it up to the frame's end only, and parse
      // the rest as a chunk of its own, so that the buffer never holds more than that frame
      int frameBytes = frameBytesAt(0);
      int room = frameBytes - pending.length();
      if (room > 0 && chunk.length() > room) {
        pending.appendBuffer(chunk, 0, room);
        deliver();
        handle(chunk.slice(room, chunk.length()));
        return;
      }
      pending.appendBuffer(chunk);
    } else {
      int received = buffered + chunk.length();
      Buffer accumulator = Buffer.buffer(Math.max(received,
          Math.min(frameBytesAt(position), received + MAX_AHEAD_BYTES)));
      pending = accumulator.appendBuffer(pending, position, buffered).appendBuffer(chunk);
      position = 0;
      accumulating = true;
    }
    deliver();
  }

  /**
   * Size prefix plus payload of the frame starting at {@code at}, if its size prefix is buffered and in
   * range; else 0. Lets an accumulator be sized ahead for a frame that arrives in many chunks (up to
   * {@link #MAX_AHEAD_BYTES} beyond what was received).
   */
  private int frameBytesAt(int at) {
    if (pending.length() - at < Frames.SIZE_BYTES) {
      return 0;
    }
    int size = pending.getInt(at);
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
