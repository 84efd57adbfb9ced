package io.cairn.client.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * The size prefix of frames (docs/protocol.md, "Frames"): building whole frames and checking a received
 * size. Stateless and thread-safe.
 */
public final class Frames {

  /** Bytes of the {@code int32 size} prefix. */
  public static final int SIZE_BYTES = Integer.BYTES;
  /** Default largest request frame ({@code socket.request.max.bytes}): 16 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** Room for the size prefix and a header, and all of a small body. */
  private static final int INITIAL_FRAME_BYTES = 128;

  private Frames() {
  }

  /** A whole request frame: size, header, body. */
  public static Buffer encodeRequest(RequestHeader header, RequestBody body) {
    Buffer frame = startFrame(body.sizeHint());
    ProtocolWriter out = new ProtocolWriter(frame);
    header.encode(out);
    body.encode(out);
    return finishFrame(frame);
  }

  /** A whole response frame: size, header with {@code correlationId}, body. */
  public static Buffer encodeResponse(int correlationId, ResponseBody body) {
    return encodeResponse(Buffer.buffer(responseFrameCapacity(body)), correlationId, body);
  }

  /**
   * Writes the whole response frame (size, header with {@code correlationId}, body) into {@code frame}, which
   * MUST be empty, and returns it: for callers that bring their own buffer, such as a pooled one.
   */
  public static Buffer encodeResponse(Buffer frame, int correlationId, ResponseBody body) {
    if (frame.length() != 0) {
      throw new IllegalArgumentException("the frame buffer must be empty, not " + frame.length() + " bytes long");
    }
    ProtocolWriter out = new ProtocolWriter(frame.appendInt(0));
    new ResponseHeader(correlationId).encode(out);
    body.encode(out);
    return finishFrame(frame);
  }

  /** The capacity a buffer for the response frame of {@code body} should start with: it rarely has to grow. */
  public static int responseFrameCapacity(ResponseBody body) {
    return frameCapacity(body.sizeHint());
  }

  /** A whole error frame. */
  public static Buffer encodeError(ErrorFrame error) {
    Buffer frame = startFrame(0);
    error.encode(new ProtocolWriter(frame));
    return finishFrame(frame);
  }

  /**
   * Checks a received {@code size} prefix before any of the frame is buffered.
   *
   * @throws MalformedFrameException with {@link ErrorCode#FRAME_TOO_LARGE} above {@code maxFrameBytes},
   *                                 {@link ErrorCode#MALFORMED_REQUEST} below 1
   */
  public static void ensureValidSize(int size, int maxFrameBytes) {
    if (size < 1) {
      throw new MalformedFrameException("frame size " + size + " must be at least 1");
    }
    if (size > maxFrameBytes) {
      throw new MalformedFrameException(ErrorCode.FRAME_TOO_LARGE, "frame size " + size + " is larger than "
          + maxFrameBytes + " bytes (socket.request.max.bytes)");
    }
  }

  /** A frame buffer with room for the size prefix, a header and {@code bodySizeHint} bytes of body. */
  private static Buffer startFrame(int bodySizeHint) {
    return Buffer.buffer(frameCapacity(bodySizeHint)).appendInt(0);
  }

  private static int frameCapacity(int bodySizeHint) {
    return (int) Math.min(Integer.MAX_VALUE - 8, (long) INITIAL_FRAME_BYTES + bodySizeHint);
  }

  private static Buffer finishFrame(Buffer frame) {
    return frame.setInt(0, frame.length() - SIZE_BYTES);
  }
}
