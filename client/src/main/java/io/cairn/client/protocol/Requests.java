package io.cairn.client.protocol;

/**
 * Decodes request bodies by their header's api key and version: the node's entry point into the codec.
 * Stateless and thread-safe.
 */
public final class Requests {

  private Requests() {
  }

  /**
   * Decodes the body that follows {@code header} up to the end of {@code in}. ApiVersions is answered in its
   * version 0 layout at any version, so its body is not read at all (a newer client's body may not be empty).
   *
   * @throws MalformedFrameException with {@link ErrorCode#UNKNOWN_API} for an unknown api key,
   *                                 {@link ErrorCode#UNSUPPORTED_VERSION} for a version the api does not serve,
   *                                 {@link ErrorCode#MALFORMED_REQUEST} for a body that breaks the layout or
   *                                 has bytes after its last field
   */
  public static RequestBody decode(RequestHeader header, ProtocolReader in) {
    ApiKey api = header.api().orElseThrow(() -> new MalformedFrameException(ErrorCode.UNKNOWN_API,
        "api_key " + header.apiKey() + " is not a Cairn request (known: 0 to " + (ApiKey.values().length - 1) + ")"));
    if (api == ApiKey.API_VERSIONS) {
      return new ApiVersions.Request();
    }
    if (!api.supports(header.apiVersion())) {
      throw new MalformedFrameException(ErrorCode.UNSUPPORTED_VERSION, "api_version " + header.apiVersion()
          + " of " + api.apiName() + " is not served; versions " + api.minVersion() + " to " + api.maxVersion()
          + " are (see ApiVersions)");
    }
    RequestBody body = switch (api) {
      case API_VERSIONS -> new ApiVersions.Request();
      case METADATA -> Metadata.Request.decode(in);
      case CREATE_TOPICS -> CreateTopics.Request.decode(in);
      case DELETE_TOPICS -> DeleteTopics.Request.decode(in);
      case DESCRIBE_TOPICS -> DescribeTopics.Request.decode(in);
      case APPEND -> Append.Request.decode(in);
      case PRODUCE -> Produce.Request.decode(in);
      case FETCH -> Fetch.Request.decode(in);
      case READ_STREAM -> ReadStream.Request.decode(in);
      case LIST_OFFSETS -> ListOffsets.Request.decode(in);
      case STREAM_VERSION -> StreamVersion.Request.decode(in);
      case INIT_PRODUCER_ID -> InitProducerId.Request.decode(in);
    };
    in.ensureFullyRead(api.apiName() + " request");
    return body;
  }
}
