package io.cairn.node.internal;

import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicDescription;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Maps the store's results to the HTTP API's JSON documents (see {@code docs/http-api.md}). A payload
 * whose {@value #CONTENT_TYPE_HEADER} header is {@value #JSON_CONTENT_TYPE} is given as parsed JSON
 * under {@code data}; any other payload as base64 under {@code dataBase64}; a tombstone as
 * {@code "data": null}. Stateless and thread-safe.
 */
public final class EventJson {

  /** The header the HTTP API writes with every event it appends. */
  public static final String CONTENT_TYPE_HEADER = "content-type";
  /** The content type of payloads appended through the HTTP API: the UTF-8 JSON of {@code data}. */
  public static final String JSON_CONTENT_TYPE = "application/json";

  private EventJson() {
  }

  /** {@code {partition, firstOffset, lastOffset, firstVersion, newVersion, duplicate}}. */
  public static JsonObject appended(AppendResult.Appended appended) {
    return new JsonObject()
        .put("partition", appended.partition())
        .put("firstOffset", appended.firstOffset())
        .put("lastOffset", appended.lastOffset())
        .put("firstVersion", appended.firstVersion())
        .put("newVersion", appended.newVersion())
        .put("duplicate", appended.duplicate());
  }

  /** {@code {error: "version conflict", partition, expectedVersion, actualVersion}}. */
  public static JsonObject conflict(AppendResult.VersionConflict conflict) {
    return new JsonObject()
        .put("error", "version conflict")
        .put("partition", conflict.partition())
        .put("expectedVersion", conflict.expected().toString())
        .put("actualVersion", conflict.actualVersion());
  }

  /** {@code {name, config: {setting: value}, partitions: [...]}}. */
  public static JsonObject topic(TopicDescription description) {
    JsonObject config = new JsonObject();
    description.config().toMap().forEach(config::put);
    JsonArray partitions = new JsonArray();
    for (PartitionDescription p : description.partitions()) {
      partitions.add(new JsonObject()
          .put("partition", p.partition())
          .put("logStartOffset", p.logStartOffset())
          .put("highWatermark", p.highWatermark())
          .put("logEndOffset", p.logEndOffset())
          .put("sizeBytes", p.sizeBytes())
          .put("segments", p.segments())
          .put("readOnly", p.readOnly()));
    }
    return new JsonObject().put("name", description.name()).put("config", config).put("partitions", partitions);
  }

  /** {@code {events, nextVersion, currentVersion, endOfStream}}. */
  public static JsonObject slice(StreamSlice slice) {
    return new JsonObject()
        .put("events", events(slice.events()))
        .put("nextVersion", slice.nextVersion())
        .put("currentVersion", slice.currentVersion())
        .put("endOfStream", slice.endOfStream());
  }

  /** {@code {events, nextOffset, highWatermark, logStartOffset}}. */
  public static JsonObject read(ReadResult result) {
    return new JsonObject()
        .put("events", events(result.events()))
        .put("nextOffset", result.nextOffset())
        .put("highWatermark", result.highWatermark())
        .put("logStartOffset", result.logStartOffset());
  }

  /** One event: offset, partition, timestamp, aggregateId, version, eventId, type, data, headers. */
  public static JsonObject event(StoredEvent event) {
    JsonObject headers = new JsonObject();
    boolean json = false;
    for (Header header : event.headers()) {
      String value = header.valueAsString();
      headers.put(header.key(), value);
      if (CONTENT_TYPE_HEADER.equalsIgnoreCase(header.key()) && value != null
          && value.toLowerCase(Locale.ROOT).startsWith(JSON_CONTENT_TYPE)) {
        json = true;
      }
    }
    JsonObject out = new JsonObject()
        .put("offset", event.offset())
        .put("partition", event.partition())
        .put("timestamp", event.timestamp())
        .put("aggregateId", event.aggregateId())
        .put("version", event.version())
        .put("eventId", event.eventId() == null ? null : event.eventId().toString())
        .put("type", event.type());
    byte[] payload = event.payload();
    if (payload == null) {
      out.putNull("data");
    } else if (json) {
      try {
        out.put("data", Json.decodeValue(Buffer.buffer(payload)));
      } catch (DecodeException notJson) {
        // Marked as JSON but written by another producer: still deliver the bytes.
        out.put("dataBase64", Base64.getEncoder().encodeToString(payload));
      }
    } else {
      out.put("dataBase64", Base64.getEncoder().encodeToString(payload));
    }
    return out.put("headers", headers);
  }

  private static JsonArray events(List<StoredEvent> events) {
    JsonArray array = new JsonArray();
    for (StoredEvent event : events) {
      array.add(event(event));
    }
    return array;
  }
}
