package io.cairn.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.util.List;

/**
 * One JSON object that a benchmark prints as a single line: names keep the order in which they were
 * put, doubles are rounded to {@value #DECIMALS} decimals, and a non-finite double is written as
 * {@code null}. Not thread-safe.
 */
public final class JsonLine {

  /** Decimals kept for double values. */
  public static final int DECIMALS = 3;
  private static final double SCALE = Math.pow(10, DECIMALS);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ObjectNode node;

  /** An empty object. */
  public JsonLine() {
    this.node = MAPPER.createObjectNode();
  }

  /** Sets {@code name} to a whole number. */
  public JsonLine put(String name, long value) {
    node.put(name, value);
    return this;
  }

  /** Sets {@code name} to a number rounded to {@value #DECIMALS} decimals, or null if not finite. */
  public JsonLine put(String name, double value) {
    if (Double.isFinite(value)) {
      node.put(name, round(value));
    } else {
      node.putNull(name);
    }
    return this;
  }

  /** Sets {@code name} to a string, or null. */
  public JsonLine put(String name, String value) {
    node.put(name, value);
    return this;
  }

  /** Sets {@code name} to a boolean. */
  public JsonLine put(String name, boolean value) {
    node.put(name, value);
    return this;
  }

  /** Sets {@code name} to an array of numbers, each as {@link #put(String, double)} writes one. */
  public JsonLine put(String name, List<Double> values) {
    ArrayNode array = node.putArray(name);
    for (double value : values) {
      if (Double.isFinite(value)) {
        array.add(round(value));
      } else {
        array.addNull();
      }
    }
    return this;
  }

  /** Sets {@code name} to a nested object (copied as it is now). */
  public JsonLine put(String name, JsonLine value) {
    node.set(name, value.node.deepCopy());
    return this;
  }

  /** The object as one line of JSON without a line break. */
  public String toLine() {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(new IOException("cannot write benchmark result as JSON", e));
    }
  }

  @Override
  public String toString() {
    return toLine();
  }

  /** {@code value} rounded half-up to {@value #DECIMALS} decimals. */
  static double round(double value) {
    return Math.round(value * SCALE) / SCALE;
  }
}
