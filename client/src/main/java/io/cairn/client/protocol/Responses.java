package io.cairn.client.protocol;

/**
 * Decodes response bodies by the request they answer: the client's entry point into the codec. Stateless
 * and thread-safe.
 */
public final class Responses {

  private Responses() {
  }

  /**
   * Decodes the body answering {@code request}, up to the end of {@code in}.
   *
   * @throws MalformedFrameException for a body that breaks the layout or has bytes after its last field
   */
  public static ResponseBody decode(RequestBody request, ProtocolReader in) {
    ResponseBody body;
    if (request instanceof ReadStream.Request readStream) {
      body = ReadStream.Response.decode(in, readStream.topic());
    } else {
      body = switch (request.apiKey()) {
        case API_VERSIONS -> ApiVersions.Response.decode(in);
        case METADATA -> Metadata.Response.decode(in);
        case CREATE_TOPICS -> CreateTopics.Response.decode(in);
        case DELETE_TOPICS -> DeleteTopics.Response.decode(in);
        case DESCRIBE_TOPICS -> DescribeTopics.Response.decode(in);
        case APPEND -> Append.Response.decode(in);
        case PRODUCE -> Produce.Response.decode(in);
        case FETCH -> Fetch.Response.decode(in);
        case READ_STREAM -> throw new IllegalStateException("ReadStream requests are decoded above");
        case LIST_OFFSETS -> ListOffsets.Response.decode(in);
        case STREAM_VERSION -> StreamVersion.Response.decode(in);
        case INIT_PRODUCER_ID -> InitProducerId.Response.decode(in);
      };
    }
    in.ensureFullyRead(request.apiKey().apiName() + " response");
    return body;
  }
}
