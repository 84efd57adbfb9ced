package io.cairn.client.protocol;

import io.cairn.eventstore.EventData;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shared structures of docs/protocol.md ("Shared structures", {@code config}), encoded from and decoded
 * to the event store's API types. Stateless.
 */
final class Structures {

  /** Smallest {@code (string name, string value)} config entry. */
  static final int MIN_CONFIG_ENTRY_BYTES = 2 * ProtocolReader.STRING_LENGTH_BYTES;
  /** Smallest TopicDescription: empty name, empty config, no partitions. */
  static final int MIN_TOPIC_DESCRIPTION_BYTES = ProtocolReader.STRING_LENGTH_BYTES + 2 * ProtocolReader.BYTES_LENGTH_BYTES;
  /** A PartitionDescription: partition, four int64s, segments, read_only. */
  static final int PARTITION_DESCRIPTION_BYTES = Integer.BYTES + 4 * Long.BYTES + Integer.BYTES + 1;
  /** Smallest Header: empty key, null value. */
  static final int MIN_HEADER_BYTES = ProtocolReader.STRING_LENGTH_BYTES + ProtocolReader.BYTES_LENGTH_BYTES;
  /** Smallest Event: uuid, empty type, null payload, no headers. */
  static final int MIN_EVENT_BYTES = ProtocolReader.UUID_BYTES + ProtocolReader.STRING_LENGTH_BYTES
      + 2 * ProtocolReader.BYTES_LENGTH_BYTES;
  /** Smallest StoredEvent: offset, timestamp, null aggregate id, version, null event id, empty type, null payload, no headers. */
  static final int MIN_STORED_EVENT_BYTES = 2 * Long.BYTES + ProtocolReader.STRING_LENGTH_BYTES + Long.BYTES + 1
      + ProtocolReader.STRING_LENGTH_BYTES + 2 * ProtocolReader.BYTES_LENGTH_BYTES;

  /** The topic settings of this version, by name. */
  private static final Set<String> KNOWN_TOPIC_SETTINGS = Set.copyOf(new TopicConfig().toMap().keySet());

  private Structures() {
  }

  static void writeConfig(ProtocolWriter out, Map<String, String> config) {
    out.writeInt32(config.size());
    config.forEach((name, value) -> out.writeString("config.name", name).writeString("config.value", value));
  }

  /** A {@code config} in wire order; a name given twice is malformed. */
  static Map<String, String> readConfig(ProtocolReader in, String field) {
    List<Map.Entry<String, String>> entries = in.readArray(field, MIN_CONFIG_ENTRY_BYTES,
        r -> Map.entry(r.readString(field + ".name"), r.readString(field + ".value")));
    Map<String, String> config = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : entries) {
      if (config.put(entry.getKey(), entry.getValue()) != null) {
        throw new MalformedFrameException("field " + field + ": setting \"" + entry.getKey() + "\" is given twice");
      }
    }
    return Collections.unmodifiableMap(config);
  }

  private static void writeTopicDescription(ProtocolWriter out, TopicDescription topic) {
    out.writeString("topic.name", topic.name());
    writeConfig(out, topic.config().toMap());
    out.writeArray(topic.partitions(), Structures::writePartitionDescription);
  }

  /**
   * A TopicDescription. Settings this codec does not know (from a newer node) are skipped; a known setting with a
   * value {@link TopicConfig} refuses is malformed.
   */
  private static TopicDescription readTopicDescription(ProtocolReader in) {
    String name = in.readString("topic.name");
    Map<String, String> settings = new LinkedHashMap<>(readConfig(in, "topic.config"));
    settings.keySet().retainAll(KNOWN_TOPIC_SETTINGS);
    TopicConfig config;
    try {
      config = TopicConfig.fromMap(settings);
    } catch (InvalidInputException e) {
      throw new MalformedFrameException("field topic.config: " + e.getMessage());
    }
    List<PartitionDescription> partitions = in.readArray("topic.partitions", PARTITION_DESCRIPTION_BYTES,
        Structures::readPartitionDescription);
    return new TopicDescription(name, config, List.copyOf(partitions));
  }

  /**
   * The topic of a CreateTopics or DescribeTopics response, which is on the wire only when {@code errorCode} is
   * NONE; then {@code topic} must be present.
   */
  static void writeTopicUnlessError(ProtocolWriter out, ErrorCode errorCode, Optional<TopicDescription> topic) {
    if (errorCode == ErrorCode.NONE) {
      writeTopicDescription(out, topic.orElseThrow());
    }
  }

  /** Reads what {@link #writeTopicUnlessError} wrote: empty when {@code errorCode} is not NONE. */
  static Optional<TopicDescription> readTopicUnlessError(ProtocolReader in, ErrorCode errorCode) {
    return errorCode == ErrorCode.NONE ? Optional.of(readTopicDescription(in)) : Optional.empty();
  }

  private static void writePartitionDescription(ProtocolWriter out, PartitionDescription partition) {
    out.writeInt32(partition.partition())
        .writeInt64(partition.logStartOffset())
        .writeInt64(partition.highWatermark())
        .writeInt64(partition.logEndOffset())
        .writeInt64(partition.sizeBytes())
        .writeInt32(partition.segments())
        .writeBoolean(partition.readOnly());
  }

  private static PartitionDescription readPartitionDescription(ProtocolReader in) {
    return new PartitionDescription(in.readInt32("partition"), in.readInt64("log_start_offset"),
        in.readInt64("high_watermark"), in.readInt64("log_end_offset"), in.readInt64("size_bytes"),
        in.readInt32("segments"), in.readBoolean("read_only"));
  }

  static void writeHeader(ProtocolWriter out, Header header) {
    out.writeString("header.key", header.key()).writeNullableBytes(header.value());
  }

  static Header readHeader(ProtocolReader in) {
    return new Header(in.readString("header.key"), in.readNullableBytes("header.value"));
  }

  static void writeEvent(ProtocolWriter out, EventData event) {
    out.writeUuid(event.eventId())
        .writeString("event.type", event.type())
        .writeNullableBytes(event.payload())
        .writeArray(event.headers(), Structures::writeHeader);
  }

  static EventData readEvent(ProtocolReader in) {
    return new EventData(in.readUuid("event.event_id"), in.readString("event.type"),
        in.readNullableBytes("event.payload"), in.readArray("event.headers", MIN_HEADER_BYTES, Structures::readHeader));
  }

  /** A StoredEvent without its topic and partition, which the context gives. */
  static void writeStoredEvent(ProtocolWriter out, StoredEvent event) {
    out.writeInt64(event.offset())
        .writeInt64(event.timestamp())
        .writeNullableString("event.aggregate_id", event.aggregateId())
        .writeInt64(event.version())
        .writeNullableUuid(event.eventId())
        .writeString("event.type", event.type())
        .writeNullableBytes(event.payload())
        .writeArray(event.headers(), Structures::writeHeader);
  }

  /** A StoredEvent of {@code topic} and {@code partition}. */
  static StoredEvent readStoredEvent(ProtocolReader in, String topic, int partition) {
    return new StoredEvent(topic, partition, in.readInt64("event.offset"), in.readInt64("event.timestamp"),
        in.readNullableString("event.aggregate_id"), in.readInt64("event.version"),
        in.readNullableUuid("event.event_id"), in.readString("event.type"), in.readNullableBytes("event.payload"),
        List.copyOf(in.readArray("event.headers", MIN_HEADER_BYTES, Structures::readHeader)));
  }
}
