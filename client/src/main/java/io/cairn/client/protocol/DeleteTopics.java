package io.cairn.client.protocol;

import java.util.Objects;

/** DeleteTopics (api key 3): deletes one topic and its data ({@code EventStore.deleteTopic}). */
public final class DeleteTopics {

  private DeleteTopics() {
  }

  /** The request: the topic's name. */
  public record Request(String name) implements RequestBody {

    public Request {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.DELETE_TOPICS;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeString("name", name);
    }

    public static Request decode(ProtocolReader in) {
      return new Request(in.readString("name"));
    }
  }

  /** The response: only the error fields. */
  public record Response(ErrorCode errorCode, String errorMessage) implements ResponseBody {

    /** Success. */
    public static final Response OK = new Response(ErrorCode.NONE, null);

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.DELETE_TOPICS;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
    }

    public static Response decode(ProtocolReader in) {
      return new Response(in.readErrorCode("error_code"), in.readNullableString("error_message"));
    }
  }
}
