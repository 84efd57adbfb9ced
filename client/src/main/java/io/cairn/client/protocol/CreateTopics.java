package io.cairn.client.protocol;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** CreateTopics (api key 2): creates one topic ({@code EventStore.createTopic}). */
public final class CreateTopics {

  private CreateTopics() {
  }

  /**
   * The request. The settings travel as names and strings and are checked only by {@link #topicConfig()},
   * so that a bad value is an {@link ErrorCode#INVALID_INPUT} answer, not a malformed frame.
   *
   * @param name   the topic name
   * @param config topic settings by their Kafka names; settings not given take their defaults
   */
  public record Request(String name, Map<String, String> config) implements RequestBody {

    public Request {
      Objects.requireNonNull(name, "name");
      config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /** A request for a topic with every setting of {@code config}. */
    public static Request of(String name, TopicConfig config) {
      return new Request(name, config.toMap());
    }

    /** The settings as a {@link TopicConfig}; throws {@link InvalidInputException} naming a bad setting. */
    public TopicConfig topicConfig() {
      return TopicConfig.fromMap(config);
    }

    @Override
    public ApiKey apiKey() {
      return ApiKey.CREATE_TOPICS;
    }

    @Override
    public void encode(ProtocolWriter out) {
      out.writeString("name", name);
      Structures.writeConfig(out, config);
    }

    public static Request decode(ProtocolReader in) {
      return new Request(in.readString("name"), Structures.readConfig(in, "config"));
    }
  }

  /**
   * The response.
   *
   * @param topic the created topic; empty on error
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
      return ApiKey.CREATE_TOPICS;
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
