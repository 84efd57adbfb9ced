package io.cairn.eventstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One record header: a UTF-8 key and an optional byte value, as in Kafka's record format.
 * The array is not copied: callers MUST NOT change it after handing it over.
 *
 * @param key   non-empty header name
 * @param value the value bytes, or {@code null} for a header without a value
 */
public record Header(String key, byte[] value) {

  public Header {
    Objects.requireNonNull(key, "key");
  }

  /** A header whose value is the UTF-8 encoding of {@code value}. */
  public static Header of(String key, String value) {
    return new Header(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The value decoded as UTF-8, or {@code null} if the header has no value. */
  public String valueAsString() {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Header other && key.equals(other.key) && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return key + "=" + (value == null ? "null" : value.length + " bytes");
  }
}
