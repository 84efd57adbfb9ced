package io.cairn.client.protocol;

/**
 * The body of a response: one record per api key. Every body starts with {@link #errorCode()} and
 * {@link #errorMessage()}; when the code is not {@link ErrorCode#NONE} the rest is absent on the wire and
 * the record's other fields hold their empty values (-1, empty lists, {@code Optional.empty()}).
 */
public sealed interface ResponseBody permits ApiVersions.Response, Metadata.Response, CreateTopics.Response,
    DeleteTopics.Response, DescribeTopics.Response, Append.Response, Produce.Response, Fetch.Response,
    ReadStream.Response, ListOffsets.Response, StreamVersion.Response, InitProducerId.Response {

  /** Which request this answers. */
  ApiKey apiKey();

  /** {@link ErrorCode#NONE}, or the error of the request as a whole. */
  ErrorCode errorCode();

  /** A readable explanation naming the field and the rule; null when {@link #errorCode()} is NONE. */
  String errorMessage();

  /** Appends the body, in the layout of docs/protocol.md. */
  void encode(ProtocolWriter out);

  /**
   * At least the bytes {@link #encode} appends, for bodies that carry record batches, or 0 for the small
   * bodies: {@link Frames} allocates the frame at this size up front, where a frame grown on demand would be
   * rounded up to the next power of two (up to twice the heap per frame).
   */
  default int sizeHint() {
    return 0;
  }

  /** Whether this answers with an error ({@link #errorCode()} is not NONE). */
  default boolean isError() {
    return errorCode() != ErrorCode.NONE;
  }
}
