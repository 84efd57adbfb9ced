package io.cairn.client.protocol;

import io.cairn.eventstore.TopicDescription;
import java.util.Objects;
import java.util.Optional;

/** DescribeTopics (api key 4): a topic's configuration and partitions ({@code EventStore.describeTopic}). */
public final class DescribeTopics {

  private DescribeTopics() {
  }

  /** The request: the topic's name. */
  public record Request(String name) implements RequestBody {

    public Request {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.DESCRIBE_TOPICS;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeString("name", name);
    }

    public static Request decode(ProtocolReader in) {
      return new Request(in.readString("name"));
    }
  }

  /**
   * The response.
   *
   * @param topic the topic; empty on error
   */
  public record Response(ErrorCode errorCode, String errorMessage, Optional<TopicDescription> topic)
      implements ResponseBody {

    public Response {
      Objects.requireNonNull(errorCode, "errorCode");
      Objects.requireNonNull(topic, "topic");
      if (errorCode == ErrorCode.NONE && topic.isEmpty()) {
        throw new IllegalArgumentException("a response without error carries the topic");
      }
    }

    public static Response of(TopicDescription topic) {
      return new Response(ErrorCode.NONE, null, Optional.of(topic));
    }

    public static Response error(ErrorCode errorCode, String errorMessage) {
      return new Response(errorCode, errorMessage, Optional.empty());
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.DESCRIBE_TOPICS;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeErrorCode(errorCode).writeNullableString("error_message", errorMessage);
      Structures.writeTopicUnlessError(out, errorCode, topic);
    }

    public static Response decode(ProtocolReader in) {
      ErrorCode errorCode = in.readErrorCode("error_code");
      String errorMessage = in.readNullableString("error_message");
      return new Response(errorCode, errorMessage, Structures.readTopicUnlessError(in, errorCode));
    }
  }
}
