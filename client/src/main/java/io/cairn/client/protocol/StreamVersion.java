package io.cairn.client.protocol;

import java.util.Objects;

/** StreamVersion (api key 10): a stream's current version ({@code EventStore.streamVersion}). */
public final class StreamVersion {

  private StreamVersion() {
  }

  /** The request. */
  public record Request(String topic, String aggregateId) implements RequestBody {

    public Request {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(aggregateId, "aggregateId");
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.STREAM_VERSION;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeString("topic", topic).writeString("aggregate_id", aggregateId);
    }

    public static Request decode(ProtocolReader in) {
      return new Request(in.readString("topic"), in.readString("aggregate_id"));
    }
  }

  /**
   * The response.
   *
   * @param version the stream's version (0 = no events); -1 on error
   */
  public record Response(ErrorCode errorCode, String errorMessage, long version) implements ResponseBody {

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
    }

    public static Response of(long version) {
      return new Response(ErrorCode.NONE, null, version);
    }

    public static Response error(ErrorCode errorCode, String errorMessage) {
      return new Response(errorCode, errorMessage, -1);
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.STREAM_VERSION;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
      if (!isError()) {
        out.writeInt64(version);
      }
    }

    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      if (errorCode != ErrorCode.NONE) {
        return error(errorCode, errorMessage);
      }
      return new Response(errorCode, errorMessage, in.readInt64("version"));
    }
  }
}
