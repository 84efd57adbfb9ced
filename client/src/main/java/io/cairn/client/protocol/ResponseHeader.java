package io.cairn.client.protocol;

/**
 * The header that starts every response frame (docs/protocol.md, "Response header").
 *
 * @param correlationId the request's; {@link #CONNECTION_ERROR_CORRELATION_ID} for a connection-level
 *                      error frame sent before any request header could be read
 */
public record ResponseHeader(int correlationId) {

  /** The correlation id of an error frame that answers no readable request. */
  public static final int CONNECTION_ERROR_CORRELATION_ID = -1;
  /** Bytes of an encoded response header. */
  public static final int BYTES = Integer.BYTES;

  public void encode(ProtocolWriter out) {
    out.writeInt32(correlationId);
  }

  public static ResponseHeader decode(ProtocolReader in) {
    return new ResponseHeader(in.readInt32("correlation_id"));
  }
}
