package io.cairn.node.internal;

import io.cairn.eventstore.Header;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Maps the store's events, stream slices and partition reads to the HTTP API's JSON documents (see
 * {@code docs/http-api.md}); append results, conflicts and topics are mapped by
 * {@link io.cairn.node.json.CairnJson}, shared with the CLI. A payload whose
 * {@value #CONTENT_TYPE_HEADER} header is {@value #JSON_CONTENT_TYPE} is given as parsed JSON under
 * {@code data}; any other payload as base64 under {@code dataBase64}; a tombstone as
 * {@code "data": null}. Stateless and thread-safe.
 */
public final class EventJson {

  /** The header the HTTP API writes with every event it appends. */
  public static final String CONTENT_TYPE_HEADER = "content-type";
  /** The content type of payloads appended through the HTTP API: the UTF-8 JSON of {@code data}. */
  public static final String JSON_CONTENT_TYPE = "application/json";

  private EventJson() {
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
