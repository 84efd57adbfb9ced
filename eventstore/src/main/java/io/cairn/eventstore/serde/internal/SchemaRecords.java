package io.cairn.eventstore.serde.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.serde.CompatibilityMode;
import io.cairn.eventstore.serde.EventSchema;
import io.cairn.eventstore.serde.SchemaFormat;
import io.cairn.eventstore.serde.SchemaRegistry;
import io.cairn.eventstore.serde.SerializationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The records of the {@value SchemaRegistry#TOPIC} topic. Each is keyed so that compaction keeps what
 * matters and appends with "no stream" conflict where they should:
 * <ul>
 *   <li>{@value #SCHEMA_REGISTERED}, key {@code <type>@<version>}, payload
 *       {@code {"type":..,"version":n,"format":"JSON"|"AVRO","definition":".."}}: unique keys, so
 *       compaction keeps every registration and the schema id (the record's offset + 1) stays valid;</li>
 *   <li>{@value #COMPATIBILITY_SET}, key {@code <type>@compatibility}, payload
 *       {@code {"type":..,"mode":"FULL"}}: the latest per type wins.</li>
 * </ul>
 * Stateless.
 */
public final class SchemaRecords {

  /** Event type of a registration. */
  public static final String SCHEMA_REGISTERED = "SchemaRegistered";
  /** Event type of a compatibility setting. */
  public static final String COMPATIBILITY_SET = "CompatibilitySet";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaRecords() {
  }

  /** One decoded record of the topic. */
  public sealed interface SchemaRecord {
  }

  /** A registration read back. */
  public record Registered(String type, int version, EventSchema schema) implements SchemaRecord {
  }

  /** A compatibility setting read back. */
  public record CompatibilitySet(String type, CompatibilityMode mode) implements SchemaRecord {
  }

  /** The key of version {@code version} of {@code type}. */
  public static String registrationKey(String type, int version) {
    return type + "@" + version;
  }

  /** The key of {@code type}'s compatibility setting. */
  public static String compatibilityKey(String type) {
    return type + "@compatibility";
  }

  /** The record registering {@code schema} as version {@code version} of {@code type}. */
  public static EventData registration(String type, int version, EventSchema schema) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", type);
    node.put("version", version);
    node.put("format", schema.format().name());
    node.put("definition", schema.definition());
    return EventData.of(SCHEMA_REGISTERED, node.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The record setting {@code type}'s compatibility mode. */
  public static EventData compatibility(String type, CompatibilityMode mode) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", type);
    node.put("mode", mode.name());
    return EventData.of(COMPATIBILITY_SET, node.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The record stored as {@code event}, or null for a record of another type (left for later versions).
   *
   * @throws SerializationException naming the offset if a known record does not decode
   */
  public static SchemaRecord decode(StoredEvent event) {
    if (!SCHEMA_REGISTERED.equals(event.type()) && !COMPATIBILITY_SET.equals(event.type())) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(event.payload() == null ? new byte[0] : event.payload());
      String type = text(node, "type");
      if (SCHEMA_REGISTERED.equals(event.type())) {
        SchemaFormat format = SchemaFormat.valueOf(text(node, "format"));
        return new Registered(type, node.path("version").asInt(), new EventSchema(format, text(node, "definition")));
      }
      return new CompatibilitySet(type, CompatibilityMode.forName(text(node, "mode")));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(SchemaRegistry.TOPIC + " record " + event.type() + " at offset " + event.offset()
          + " (key " + event.aggregateId() + ") does not decode: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("field " + field + " is missing or not text");
    }
    return value.asText();
  }
}
