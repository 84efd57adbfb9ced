package io.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.StoredEvent;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Prints events read from the store, one line per event, either as text for people or as JSON
 * Lines for scripts.
 *
 * <p>JSON line fields, in this order: {@code topic, partition, offset, timestamp} (ms since the
 * epoch), {@code aggregateId, version, eventId, type, headers} (array of {@code {"key", "value"}}, or
 * {@code {"key", "valueBase64"}} for a value that is not UTF-8), {@code payloadEncoding} and
 * {@code payload}: see {@link PayloadView} — a JSON payload is embedded as JSON, text as a string,
 * other bytes as a base64 string, a tombstone as {@code null}. Absent key or event id are
 * {@code null}.
 *
 * <p>Text lines are {@code key=value} pairs; control characters in values are escaped so that one
 * event stays on one line. Not thread-safe.
 */
final class EventPrinter {

  private final PrintWriter out;
  private final boolean json;

  EventPrinter(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  /** Prints one event as one line. */
  void print(StoredEvent event) {
    out.println(json ? Json.line(toJson(event)) : toText(event));
  }

  /** The JSON object of one event (see the class comment for its fields). */
  static ObjectNode toJson(StoredEvent event) {
    ObjectNode node = Json.object();
    node.put("topic", event.topic());
    node.put("partition", event.partition());
    node.put("offset", event.offset());
    node.put("timestamp", event.timestamp());
    node.put("aggregateId", event.aggregateId());
    node.put("version", event.version());
    node.put("eventId", event.eventId() == null ? null : event.eventId().toString());
    node.put("type", event.type());
    ArrayNode headers = node.putArray("headers");
    for (Header header : event.headers()) {
      ObjectNode h = headers.addObject();
      h.put("key", header.key());
      if (header.value() == null) {
        h.putNull("value");
      } else {
        Optional<String> text = PayloadView.decodeUtf8(header.value());
        if (text.isPresent()) {
          h.put("value", text.get());
        } else {
          h.put("valueBase64", Base64.getEncoder().encodeToString(header.value()));
        }
      }
    }
    PayloadView payload = PayloadView.of(event.payload());
    node.put("payloadEncoding", payload.encoding().label());
    switch (payload.encoding()) {
      case JSON -> node.set("payload", payload.json().orElseThrow());
      case TEXT, BASE64 -> node.put("payload", payload.text());
      case TOMBSTONE -> node.putNull("payload");
      default -> throw new IllegalStateException("unhandled payload encoding " + payload.encoding());
    }
    return node;
  }

  /** The text line of one event. */
  static String toText(StoredEvent event) {
    StringBuilder line = new StringBuilder(128);
    line.append("partition=").append(event.partition())
        .append(" offset=").append(event.offset())
        .append(" timestamp=").append(Instant.ofEpochMilli(event.timestamp()))
        .append(" aggregate=").append(escape(event.aggregateId()))
        .append(" version=").append(event.version())
        .append(" type=").append(escape(event.type()))
        .append(" eventId=").append(event.eventId());
    if (!event.headers().isEmpty()) {
      line.append(" headers=");
      for (int i = 0; i < event.headers().size(); i++) {
        Header header = event.headers().get(i);
        line.append(i == 0 ? "" : ",").append(escape(header.key())).append('=');
        if (header.value() != null) {
          line.append(PayloadView.decodeUtf8(header.value()).map(EventPrinter::escape)
              .orElseGet(() -> "base64:" + Base64.getEncoder().encodeToString(header.value())));
        }
      }
    }
    PayloadView payload = PayloadView.of(event.payload());
    switch (payload.encoding()) {
      case JSON, TEXT -> line.append(" payload=").append(escape(payload.text()));
      case BASE64 -> line.append(" payload=base64:").append(payload.text());
      case TOMBSTONE -> line.append(" payload=<tombstone>");
      default -> throw new IllegalStateException("unhandled payload encoding " + payload.encoding());
    }
    return line.toString();
  }

  /** {@code value} with control characters escaped Java-style, so it stays on one line. */
  static String escape(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder escaped = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!Character.isISOControl(c)) {
        if (escaped != null) {
          escaped.append(c);
        }
        continue;
      }
      if (escaped == null) {
        escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
      }
      switch (c) {
        case '\n' -> escaped.append("\\n");
        case '\r' -> escaped.append("\\r");
        case '\t' -> escaped.append("\\t");
        default -> escaped.append(String.format("\\u%04x", (int) c));
      }
    }
    return escaped == null ? value : escaped.toString();
  }
}
