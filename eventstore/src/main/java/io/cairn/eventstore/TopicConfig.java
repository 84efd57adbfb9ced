package io.cairn.eventstore;

import static io.cairn.eventstore.SettingValues.parseBoolean;
import static io.cairn.eventstore.SettingValues.parseInt;
import static io.cairn.eventstore.SettingValues.parseLong;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A topic's configuration, with Kafka's setting names. Options style: defaults are the named
 * constants, setters are fluent and validate at once (an {@link InvalidInputException} names the
 * setting, the value and the rule), and {@link #TopicConfig(TopicConfig)} copies.
 *
 * <p>Not thread-safe while being built; the store keeps its own copy.
 */
public final class TopicConfig {

  public static final String PARTITIONS = "partitions";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String FLUSH_MODE = "flush.mode";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String PREALLOCATE = "preallocate";

  public static final int DEFAULT_PARTITIONS = 1;
  public static final int MAX_PARTITIONS = 10_000;
  public static final CleanupPolicy DEFAULT_CLEANUP_POLICY = CleanupPolicy.DELETE;
  /** Event-sourced topics keep everything by default: -1 = no limit. */
  public static final long DEFAULT_RETENTION_MS = -1;
  public static final long DEFAULT_RETENTION_BYTES = -1;
  public static final int DEFAULT_SEGMENT_BYTES = 1 << 30;
  /** Smallest segment Kafka allows: 1 MiB would be too coarse for tests, so 1 KiB like {@code log.segment.bytes}'s floor in tests. */
  public static final int MIN_SEGMENT_BYTES = 1024;
  public static final long DEFAULT_SEGMENT_MS = 7L * 24 * 60 * 60 * 1000;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
  public static final CompressionType DEFAULT_COMPRESSION_TYPE = CompressionType.NONE;
  public static final FlushMode DEFAULT_FLUSH_MODE = FlushMode.DURABLE;
  public static final long DEFAULT_DELETE_RETENTION_MS = 24L * 60 * 60 * 1000;
  public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;
  /** Zero-fill a durable topic's active segment ahead of its end: cheaper fsyncs (unlike Kafka, on by default). */
  public static final boolean DEFAULT_PREALLOCATE = true;

  private int partitions = DEFAULT_PARTITIONS;
  private CleanupPolicy cleanupPolicy = DEFAULT_CLEANUP_POLICY;
  private long retentionMs = DEFAULT_RETENTION_MS;
  private long retentionBytes = DEFAULT_RETENTION_BYTES;
  private int segmentBytes = DEFAULT_SEGMENT_BYTES;
  private long segmentMs = DEFAULT_SEGMENT_MS;
  private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
  private CompressionType compressionType = DEFAULT_COMPRESSION_TYPE;
  private FlushMode flushMode = DEFAULT_FLUSH_MODE;
  private long deleteRetentionMs = DEFAULT_DELETE_RETENTION_MS;
  private int indexIntervalBytes = DEFAULT_INDEX_INTERVAL_BYTES;
  private boolean preallocate = DEFAULT_PREALLOCATE;

  /** A configuration with every default. */
  public TopicConfig() {
  }

  /** A copy of {@code other}. */
  public TopicConfig(TopicConfig other) {
    this.partitions = other.partitions;
    this.cleanupPolicy = other.cleanupPolicy;
    this.retentionMs = other.retentionMs;
    this.retentionBytes = other.retentionBytes;
    this.segmentBytes = other.segmentBytes;
    this.segmentMs = other.segmentMs;
    this.maxMessageBytes = other.maxMessageBytes;
    this.compressionType = other.compressionType;
    this.flushMode = other.flushMode;
    this.deleteRetentionMs = other.deleteRetentionMs;
    this.indexIntervalBytes = other.indexIntervalBytes;
    this.preallocate = other.preallocate;
  }

  /**
   * Builds a configuration from Kafka-style names and string values; names not given keep their
   * defaults. An unknown name or a bad value throws {@link InvalidInputException} naming it.
   */
  public static TopicConfig fromMap(Map<String, String> settings) {
    TopicConfig config = new TopicConfig();
    settings.forEach(config::set);
    return config;
  }

  /** Sets one setting by its Kafka-style name from a string value. */
  public TopicConfig set(String name, String value) {
    Objects.requireNonNull(name, "name");
    if (value == null) {
      throw new InvalidInputException(name, null, "must have a value");
    }
    switch (name) {
      case PARTITIONS -> setPartitions(parseInt(name, value));
      case CLEANUP_POLICY -> setCleanupPolicy(CleanupPolicy.forName(value));
      case RETENTION_MS -> setRetentionMs(parseLong(name, value));
      case RETENTION_BYTES -> setRetentionBytes(parseLong(name, value));
      case SEGMENT_BYTES -> setSegmentBytes(parseInt(name, value));
      case SEGMENT_MS -> setSegmentMs(parseLong(name, value));
      case MAX_MESSAGE_BYTES -> setMaxMessageBytes(parseInt(name, value));
      case COMPRESSION_TYPE -> setCompressionType(CompressionType.forName(value));
      case FLUSH_MODE -> setFlushMode(FlushMode.forName(value));
      case DELETE_RETENTION_MS -> setDeleteRetentionMs(parseLong(name, value));
      case INDEX_INTERVAL_BYTES -> setIndexIntervalBytes(parseInt(name, value));
      case PREALLOCATE -> setPreallocate(parseBoolean(name, value));
      default -> throw new InvalidInputException(name, value, "is not a topic setting; known settings: "
          + String.join(", ", toMap().keySet()));
    }
    return this;
  }

  /** Every setting by its Kafka-style name, in a stable order. */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(PARTITIONS, Integer.toString(partitions));
    map.put(CLEANUP_POLICY, cleanupPolicy.configName());
    map.put(RETENTION_MS, Long.toString(retentionMs));
    map.put(RETENTION_BYTES, Long.toString(retentionBytes));
    map.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
    map.put(SEGMENT_MS, Long.toString(segmentMs));
    map.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
    map.put(COMPRESSION_TYPE, compressionType.configName());
    map.put(FLUSH_MODE, flushMode.configName());
    map.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
    map.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
    map.put(PREALLOCATE, Boolean.toString(preallocate));
    return map;
  }

  public int partitions() {
    return partitions;
  }

  /** Number of partitions, 1 to {@value #MAX_PARTITIONS}. Fixed once the topic exists. */
  public TopicConfig setPartitions(int partitions) {
    ensureRange(PARTITIONS, partitions, 1, MAX_PARTITIONS);
    this.partitions = partitions;
    return this;
  }

  public CleanupPolicy cleanupPolicy() {
    return cleanupPolicy;
  }

  public TopicConfig setCleanupPolicy(CleanupPolicy cleanupPolicy) {
    this.cleanupPolicy = Objects.requireNonNull(cleanupPolicy, CLEANUP_POLICY);
    return this;
  }

  public long retentionMs() {
    return retentionMs;
  }

  /** How long closed segments are kept, by their newest timestamp; -1 keeps them forever. */
  public TopicConfig setRetentionMs(long retentionMs) {
    ensureLimitOrUnlimited(RETENTION_MS, retentionMs);
    this.retentionMs = retentionMs;
    return this;
  }

  public long retentionBytes() {
    return retentionBytes;
  }

  /** Size a partition may reach before its oldest segments are deleted; -1 = no limit. */
  public TopicConfig setRetentionBytes(long retentionBytes) {
    ensureLimitOrUnlimited(RETENTION_BYTES, retentionBytes);
    this.retentionBytes = retentionBytes;
    return this;
  }

  public int segmentBytes() {
    return segmentBytes;
  }

  /** Size at which the active segment rolls, {@value #MIN_SEGMENT_BYTES} bytes to 2 GiB - 1. */
  public TopicConfig setSegmentBytes(int segmentBytes) {
    ensureRange(SEGMENT_BYTES, segmentBytes, MIN_SEGMENT_BYTES, Integer.MAX_VALUE);
    this.segmentBytes = segmentBytes;
    return this;
  }

  public long segmentMs() {
    return segmentMs;
  }

  /** Age (from its first append) at which the active segment rolls; at least 1 ms. */
  public TopicConfig setSegmentMs(long segmentMs) {
    ensureRange(SEGMENT_MS, segmentMs, 1, Long.MAX_VALUE);
    this.segmentMs = segmentMs;
    return this;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** Largest record batch (one append) in bytes, as stored; 64 bytes to 64 MiB. */
  public TopicConfig setMaxMessageBytes(int maxMessageBytes) {
    ensureRange(MAX_MESSAGE_BYTES, maxMessageBytes, 64, 64 * 1024 * 1024);
    this.maxMessageBytes = maxMessageBytes;
    return this;
  }

  public CompressionType compressionType() {
    return compressionType;
  }

  public TopicConfig setCompressionType(CompressionType compressionType) {
    this.compressionType = Objects.requireNonNull(compressionType, COMPRESSION_TYPE);
    return this;
  }

  public FlushMode flushMode() {
    return flushMode;
  }

  public TopicConfig setFlushMode(FlushMode flushMode) {
    this.flushMode = Objects.requireNonNull(flushMode, FLUSH_MODE);
    return this;
  }

  public long deleteRetentionMs() {
    return deleteRetentionMs;
  }

  /** How long compaction keeps a tombstone (a record with a null value) before removing it. */
  public TopicConfig setDeleteRetentionMs(long deleteRetentionMs) {
    ensureRange(DELETE_RETENTION_MS, deleteRetentionMs, 0, Long.MAX_VALUE);
    this.deleteRetentionMs = deleteRetentionMs;
    return this;
  }

  public int indexIntervalBytes() {
    return indexIntervalBytes;
  }

  /** Bytes of log between two entries of the sparse offset and time indexes. */
  public TopicConfig setIndexIntervalBytes(int indexIntervalBytes) {
    ensureRange(INDEX_INTERVAL_BYTES, indexIntervalBytes, 0, Integer.MAX_VALUE);
    this.indexIntervalBytes = indexIntervalBytes;
    return this;
  }

  public boolean preallocate() {
    return preallocate;
  }

  /**
   * Whether the active segment of a {@link FlushMode#DURABLE} topic is zero-filled ahead of its end
   * (1 MiB at a time), so that an fsync rewrites allocated blocks instead of growing the file. Closed
   * segments never keep the zeros; page-cache topics never preallocate (they do not fsync per append).
   */
  public TopicConfig setPreallocate(boolean preallocate) {
    this.preallocate = preallocate;
    return this;
  }

  private static void ensureRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidInputException(name, value, "must be between " + min + " and " + max);
    }
  }

  private static void ensureLimitOrUnlimited(String name, long value) {
    if (value < -1) {
      throw new InvalidInputException(name, value, "must be -1 (no limit) or at least 0");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicConfig other && toMap().equals(other.toMap());
  }

  @Override
  public int hashCode() {
    return toMap().hashCode();
  }

  @Override
  public String toString() {
    return "TopicConfig" + toMap();
  }
}
