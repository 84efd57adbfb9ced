package io.cairn.eventstore;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Batch compression codecs, with the ids Kafka stores in bits 0-2 of a batch's attributes.
 * Configured with Kafka's name {@code compression.type}.
 */
public enum CompressionType {
  NONE(0, "none"),
  GZIP(1, "gzip"),
  SNAPPY(2, "snappy"),
  LZ4(3, "lz4"),
  ZSTD(4, "zstd");

  private final int id;
  private final String configName;

  CompressionType(int id, String configName) {
    this.id = id;
    this.configName = configName;
  }

  /** The 3-bit id in a batch's attributes. */
  public int id() {
    return id;
  }

  /** The name used in configuration ({@code compression.type=lz4}). */
  public String configName() {
    return configName;
  }

  /** The codec with the given attribute id; throws {@link InvalidInputException} for ids 5-7. */
  public static CompressionType forId(int id) {
    for (CompressionType type : values()) {
      if (type.id == id) {
        return type;
      }
    }
    throw new InvalidInputException("compression id", id, "must be one of 0 (none), 1 (gzip), 2 (snappy), 3 (lz4), 4 (zstd)");
  }

  /** The codec with the given configuration name. */
  public static CompressionType forName(String name) {
    for (CompressionType type : values()) {
      if (type.configName.equals(name)) {
        return type;
      }
    }
    throw new InvalidInputException(TopicConfig.COMPRESSION_TYPE, name, "must be one of "
        + Arrays.stream(values()).map(CompressionType::configName).collect(Collectors.joining(", ")));
  }
}
