package io.cairn.client.protocol;

/**
 * The body of a request: one record per api key, each with {@code encode} and a static {@code decode}
 * ({@link Requests#decode} dispatches by header). Records are immutable values; byte buffers they hold
 * are views that MUST NOT be changed.
 */
public sealed interface RequestBody permits ApiVersions.Request, Metadata.Request, CreateTopics.Request,
    DeleteTopics.Request, DescribeTopics.Request, Append.Request, Produce.Request, Fetch.Request,
    ReadStream.Request, ListOffsets.Request, StreamVersion.Request, InitProducerId.Request {

  /** Which request this is. */
  ApiKey apiKey();

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
}
