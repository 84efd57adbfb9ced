package io.cairn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;

/**
 * The CLI's JSON output: compact, one value per line (JSON Lines), field names in camelCase as in
 * the Java API's records. Events are built as Jackson trees here; append results and topics come from
 * {@link io.cairn.node.json.CairnJson} as Vert.x objects (both are written by Jackson, so they read
 * alike). The mapper is thread-safe once built.
 */
final class Json {

  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {
  }

  /** A new empty object to fill. */
  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The compact one-line text of a document mapped by {@link io.cairn.node.json.CairnJson}. */
  static String line(JsonObject object) {
    return object.encode();
  }

  /** The compact one-line text of {@code node}. */
  static String line(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write JSON for " + node.getClass().getName(), e);
    }
  }
}
