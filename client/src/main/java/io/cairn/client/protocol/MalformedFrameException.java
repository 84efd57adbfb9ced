package io.cairn.client.protocol;

import io.cairn.eventstore.CairnException;

/**
 * A frame that cannot be decoded: a length or count that is negative or runs past the end of the frame,
 * a boolean that is neither 0 nor 1, trailing bytes, a frame size out of range, an unknown api key or an
 * unsupported api version. {@link #errorCode()} is the code a node answers with before it closes the
 * connection: {@link ErrorCode#MALFORMED_REQUEST}, {@link ErrorCode#FRAME_TOO_LARGE},
 * {@link ErrorCode#UNKNOWN_API} or {@link ErrorCode#UNSUPPORTED_VERSION}. Never retryable.
 */
public final class MalformedFrameException extends CairnException {

  private final ErrorCode errorCode;

  /** A frame or body that breaks the layout ({@link ErrorCode#MALFORMED_REQUEST}). */
  public MalformedFrameException(String message) {
    this(ErrorCode.MALFORMED_REQUEST, message);
  }

  /** A frame refused with {@code errorCode}, one of the connection-closing codes. */
  public MalformedFrameException(ErrorCode errorCode, String message) {
    super(message, false);
    this.errorCode = errorCode;
  }

  /** The code a node answers with. */
  public ErrorCode errorCode() {
    return errorCode;
  }
}
