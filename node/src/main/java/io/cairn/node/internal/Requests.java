package io.cairn.node.internal;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Parses and validates the HTTP API's request bodies and parameters. Every rule broken throws an
 * {@link InvalidInputException} whose field is the JSON path ({@code events[0].type}) or the
 * parameter name ({@code fromOffset}); the API answers it with 400. Unknown body fields are errors,
 * so a typo never silently loses data. Stateless and thread-safe.
 */
public final class Requests {

  /** Name of the field standing for the whole request body. */
  public static final String BODY = "body";
  public static final String EXPECTED_VERSION = "expectedVersion";
  public static final String EVENTS = "events";
  public static final String TOPIC_NAME = "name";
  public static final String TOPIC_PARTITIONS = "partitions";
  public static final String TOPIC_CONFIG = "config";

  /** Events per stream page when {@code maxCount} is not given. */
  public static final int DEFAULT_MAX_COUNT = 100;
  /** Most events per stream page. */
  public static final int MAX_MAX_COUNT = 1000;
  /** Fetch size when {@code maxBytes} is not given. */
  public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
  /** Largest fetch size. */
  public static final int MAX_MAX_BYTES = 16 * 1024 * 1024;
  /** The first version of a stream. */
  public static final long FIRST_VERSION = 1;

  private static final Set<String> APPEND_FIELDS = Set.of(EXPECTED_VERSION, EVENTS);
  private static final Set<String> EVENT_FIELDS = Set.of("type", "id", "data", "headers");
  private static final Set<String> TOPIC_FIELDS = Set.of(TOPIC_NAME, TOPIC_PARTITIONS, TOPIC_CONFIG);

  private Requests() {
  }

  /** A topic to create: its name and configuration. */
  public record NewTopic(String name, TopicConfig config) {
  }

  /** The body as a JSON object; 400 on field {@value #BODY} if it is empty, not JSON or not an object. */
  public static JsonObject jsonObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new InvalidInputException(BODY, "", "must be a JSON object");
    }
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new InvalidInputException(BODY, body.length() + " bytes", "must be valid JSON (" + firstLine(e) + ")");
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new InvalidInputException(BODY, typeName(value), "must be a JSON object");
  }

  /**
   * {@code {"name": "...", "partitions": N, "config": {"cleanup.policy": "compact", ...}}}: config
   * values may be strings, numbers or booleans; {@code partitions} wins over {@code config.partitions}.
   */
  public static NewTopic newTopic(JsonObject body) {
    ensureOnlyFields(body, "", TOPIC_FIELDS);
    String name = requiredString(body, TOPIC_NAME, TOPIC_NAME);
    TopicConfig config = new TopicConfig();
    Object rawConfig = body.getValue(TOPIC_CONFIG);
    if (rawConfig != null) {
      if (!(rawConfig instanceof JsonObject settings)) {
        throw new InvalidInputException(TOPIC_CONFIG, typeName(rawConfig), "must be an object of topic settings");
      }
      for (Map.Entry<String, Object> setting : settings) {
        String field = TOPIC_CONFIG + "." + setting.getKey();
        Object value = setting.getValue();
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
          throw new InvalidInputException(field, typeName(value), "must be a string, number or boolean");
        }
        try {
          config.set(setting.getKey(), value.toString());
        } catch (InvalidInputException e) {
          throw new InvalidInputException(field, value, "is not a valid topic setting (" + e.getMessage() + ")");
        }
      }
    }
    if (body.containsKey(TOPIC_PARTITIONS)) {
      long partitions = requiredLong(body.getValue(TOPIC_PARTITIONS), TOPIC_PARTITIONS);
      if (partitions < 1 || partitions > TopicConfig.MAX_PARTITIONS) {
        throw new InvalidInputException(TOPIC_PARTITIONS, partitions, "must be 1 to " + TopicConfig.MAX_PARTITIONS);
      }
      config.setPartitions((int) partitions);
    }
    return new NewTopic(name, config);
  }

  /**
   * {@code {"expectedVersion": "any"|"no-stream"|"exists"|N, "events": [{"type", "id"?, "data",
   * "headers"?}]}}: payloads are the UTF-8 JSON of {@code data}, marked with the header
   * {@code content-type: application/json}; {@code expectedVersion} defaults to {@code any}.
   */
  public static AppendRequest append(String topic, String aggregateId, JsonObject body) {
    ensureOnlyFields(body, "", APPEND_FIELDS);
    ExpectedVersion expected = expectedVersion(body.getValue(EXPECTED_VERSION));
    Object rawEvents = body.getValue(EVENTS);
    if (!(rawEvents instanceof JsonArray events) || events.isEmpty()) {
      throw new InvalidInputException(EVENTS, typeName(rawEvents), "must be a non-empty array of events");
    }
    List<EventData> data = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      data.add(event(events.getValue(i), EVENTS + "[" + i + "]"));
    }
    return AppendRequest.of(topic, aggregateId, expected, data);
  }

  /** {@code "any"} (also when absent), {@code "no-stream"}, {@code "exists"} or a version number 0 or more. */
  public static ExpectedVersion expectedVersion(Object value) {
    if (value == null || "any".equals(value)) {
      return ExpectedVersion.ANY;
    }
    if ("no-stream".equals(value)) {
      return ExpectedVersion.NO_STREAM;
    }
    if ("exists".equals(value)) {
      return ExpectedVersion.STREAM_EXISTS;
    }
    if (value instanceof Integer || value instanceof Long) {
      long version = ((Number) value).longValue();
      if (version >= 0) {
        return ExpectedVersion.exactly(version);
      }
    }
    throw new InvalidInputException(EXPECTED_VERSION, value,
        "must be \"any\", \"no-stream\", \"exists\" or a stream version 0 or more");
  }

  /** A query parameter as a long in [min, max], or {@code defaultValue} if absent. */
  public static long longParam(MultiMap params, String name, long defaultValue, long min, long max) {
    String raw = params.get(name);
    if (raw == null) {
      return defaultValue;
    }
    return parseLong(raw, name, min, max);
  }

  /** A path or query value as a long in [min, max]. */
  public static long parseLong(String raw, String name, long min, long max) {
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name, raw, "must be a whole number from " + min + " to " + max);
    }
    if (value < min || value > max) {
      throw new InvalidInputException(name, value, "must be from " + min + " to " + max);
    }
    return value;
  }

  /** {@code earliest}, {@code latest} (also when absent) or an offset 0 or more. */
  public static StartPosition startPosition(String raw, String name) {
    if (raw == null || "latest".equals(raw)) {
      return StartPosition.LATEST;
    }
    if ("earliest".equals(raw)) {
      return StartPosition.EARLIEST;
    }
    try {
      long offset = Long.parseLong(raw);
      if (offset >= 0) {
        return StartPosition.offset(offset);
      }
    } catch (NumberFormatException e) {
      // Falls through to the error naming the accepted forms.
    }
    throw new InvalidInputException(name, raw, "must be \"earliest\", \"latest\" or an offset 0 or more");
  }

  private static EventData event(Object value, String field) {
    if (!(value instanceof JsonObject event)) {
      throw new InvalidInputException(field, typeName(value), "must be an event object");
    }
    ensureOnlyFields(event, field + ".", EVENT_FIELDS);
    String type = requiredString(event, "type", field + ".type");
    UUID id = UUID.randomUUID();
    Object rawId = event.getValue("id");
    if (rawId != null) {
      id = uuid(rawId, field + ".id");
    }
    if (!event.containsKey("data")) {
      throw new InvalidInputException(field + ".data", null, "is required (any JSON value)");
    }
    byte[] payload = Json.encode(event.getValue("data")).getBytes(StandardCharsets.UTF_8);
    List<Header> headers = new ArrayList<>();
    Object rawHeaders = event.getValue("headers");
    if (rawHeaders != null) {
      if (!(rawHeaders instanceof JsonObject headerObject)) {
        throw new InvalidInputException(field + ".headers", typeName(rawHeaders), "must be an object of strings");
      }
      for (Map.Entry<String, Object> header : headerObject) {
        String headerField = field + ".headers." + header.getKey();
        if (header.getKey().isEmpty()) {
          throw new InvalidInputException(field + ".headers", "", "header names must not be empty");
        }
        if (EventJson.CONTENT_TYPE_HEADER.equalsIgnoreCase(header.getKey())) {
          throw new InvalidInputException(headerField, header.getValue(),
              "is set by the HTTP API (" + EventJson.JSON_CONTENT_TYPE + ")");
        }
        if (!(header.getValue() instanceof String headerValue)) {
          throw new InvalidInputException(headerField, typeName(header.getValue()), "must be a string");
        }
        headers.add(Header.of(header.getKey(), headerValue));
      }
    }
    headers.add(Header.of(EventJson.CONTENT_TYPE_HEADER, EventJson.JSON_CONTENT_TYPE));
    return new EventData(id, type, payload, headers);
  }

  private static UUID uuid(Object raw, String field) {
    if (raw instanceof String text) {
      try {
        UUID id = UUID.fromString(text);
        if (id.toString().equalsIgnoreCase(text)) {
          return id;
        }
      } catch (IllegalArgumentException e) {
        // Falls through to the error naming the expected form.
      }
    }
    throw new InvalidInputException(field, raw, "must be a UUID like 123e4567-e89b-12d3-a456-426614174000");
  }

  private static String requiredString(JsonObject object, String key, String field) {
    Object value = object.getValue(key);
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new InvalidInputException(field, value, "is required and must be a non-empty string");
    }
    return text;
  }

  private static long requiredLong(Object value, String field) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new InvalidInputException(field, value, "must be a whole number");
  }

  private static void ensureOnlyFields(JsonObject object, String prefix, Set<String> allowed) {
    for (String key : object.fieldNames()) {
      if (!allowed.contains(key)) {
        throw new InvalidInputException(prefix + key, object.getValue(key) == null ? null : "...",
            "is not a known field; known fields: " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  private static String typeName(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return "a number";
  }

  private static String firstLine(DecodeException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
