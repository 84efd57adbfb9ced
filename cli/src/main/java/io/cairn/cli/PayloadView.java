package io.cairn.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How the CLI shows a payload or header value: as JSON if the bytes are valid UTF-8 holding exactly
 * one JSON value, as text if they are valid UTF-8 otherwise, as base64 if they are not UTF-8, and
 * as a tombstone if there are no bytes at all ({@code null}). Immutable.
 *
 * @param encoding which of the four it is
 * @param text     the UTF-8 text (JSON or plain), the base64 text, or {@code null} for a tombstone
 * @param json     the parsed value when {@code encoding} is {@link Encoding#JSON}
 */
record PayloadView(Encoding encoding, String text, Optional<JsonNode> json) {

  /** The four ways a payload is shown; {@link #label()} is the {@code payloadEncoding} field. */
  enum Encoding {
    JSON("json"), TEXT("text"), BASE64("base64"), TOMBSTONE("tombstone");

    private final String label;

    Encoding(String label) {
      this.label = label;
    }

    /** The name written in JSON output. */
    String label() {
      return label;
    }
  }

  /**
   * Parses payloads exactly: decimals stay BigDecimal with their trailing zeros, duplicate keys and
   * trailing tokens make a payload "not JSON" (it is then shown as text, byte for byte).
   */
  private static final ObjectMapper STRICT_JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  /** Classifies {@code bytes} ({@code null} = tombstone). */
  static PayloadView of(byte[] bytes) {
    if (bytes == null) {
      return new PayloadView(Encoding.TOMBSTONE, null, Optional.empty());
    }
    Optional<String> utf8 = decodeUtf8(bytes);
    if (utf8.isEmpty()) {
      return new PayloadView(Encoding.BASE64, Base64.getEncoder().encodeToString(bytes), Optional.empty());
    }
    String text = utf8.get();
    return parseJson(text)
        .map(node -> new PayloadView(Encoding.JSON, text, Optional.of(node)))
        .orElseGet(() -> new PayloadView(Encoding.TEXT, text, Optional.empty()));
  }

  /** The bytes as a string if they are well-formed UTF-8. */
  static Optional<String> decodeUtf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The single JSON value in {@code text}, if it is exactly one (blank text is not JSON). */
  static Optional<JsonNode> parseJson(String text) {
    if (text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(STRICT_JSON.readTree(text)).filter(node -> !node.isMissingNode());
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
