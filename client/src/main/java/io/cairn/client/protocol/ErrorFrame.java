package io.cairn.client.protocol;

import java.util.Objects;

/**
 * A response that carries only an error: what a node sends before it closes a connection (a malformed,
 * oversized or unknown request, the connection limit) and the common start of every response body. Its
 * layout is valid as the response to any api, since a body with an error code other than 0 ends after
 * the message.
 *
 * @param correlationId the request's, or {@link ResponseHeader#CONNECTION_ERROR_CORRELATION_ID} when no
 *                      request header could be read
 * @param errorCode     not {@link ErrorCode#NONE}
 * @param errorMessage  what was wrong, naming the field and the rule
 */
public record ErrorFrame(int correlationId, ErrorCode errorCode, String errorMessage) {

  public ErrorFrame {
    Objects.requireNonNull(errorCode, "errorCode");
    if (errorCode == ErrorCode.NONE) {
      throw new IllegalArgumentException("an error frame needs an error code other than NONE");
    }
  }

  /** Appends header and body (no size prefix). */
  public void encode(ProtocolWriter out) {
    new ResponseHeader(correlationId).encode(out);
    out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
  }

  /**
   * Reads the error fields of a response body, for a frame whose request is unknown (correlation id -1).
   *
   * @throws MalformedFrameException when the fields are not there or the code is NONE
   */
  public static ErrorFrame decodeBody(int correlationId, ProtocolReader in) {
    ErrorCode errorCode = in.readErrorCode("error_code");
    String errorMessage = in.readNullableString("error_message");
    if (errorCode == ErrorCode.NONE) {
      throw new MalformedFrameException("field error_code: an error frame (correlation id " + correlationId
          + ") has error code 0");
    }
    in.ensureFullyRead("error frame");
    return new ErrorFrame(correlationId, errorCode, errorMessage);
  }
}
