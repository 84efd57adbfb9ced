package io.cairn.bench;

import io.cairn.eventstore.CompressionType;
import java.util.List;
import java.util.OptionalLong;

/**
 * Kafka as a {@link NetworkPeer}: a broker at {@code bootstrapServers} (usually a {@link KafkaBroker}
 * the caller started), Kafka's own producer ({@link KafkaRecordSink}) and consumer
 * ({@link KafkaRecordSource}). Topics get the broker's defaults: no fsync per message, so
 * {@code acks=1} means "in the leader's page cache". Holds no resources of its own.
 */
public final class KafkaNetworkPeer implements NetworkPeer {

  private final String bootstrapServers;
  private final OptionalLong brokerPid;

  /** Kafka at {@code bootstrapServers}, served by process {@code brokerPid} if known. */
  public KafkaNetworkPeer(String bootstrapServers, OptionalLong brokerPid) {
    this.bootstrapServers = bootstrapServers;
    this.brokerPid = brokerPid;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public boolean ensureTopic(String topic, int partitions, CompressionType compression) {
    // the broker's default compression.type=producer keeps the producer's codec
    return !KafkaTopics.ensure(bootstrapServers, List.of(topic), partitions).isEmpty();
  }

  @Override
  public RecordSink openSink(String topic, AggregateKeys keys, ProducerSettings settings) {
    return KafkaRecordSink.open(bootstrapServers, topic, keys, settings);
  }

  @Override
  public RecordSource openSource(String topic) {
    return KafkaRecordSource.open(bootstrapServers, topic);
  }

  @Override
  public OptionalLong serverPid() {
    return brokerPid;
  }

  @Override
  public void describe(JsonLine line) {
    line.put("kafka_version", KafkaBroker.KAFKA_VERSION).put("bootstrap", bootstrapServers);
  }

  @Override
  public void close() {
    // nothing of its own: the broker belongs to the caller
  }
}
