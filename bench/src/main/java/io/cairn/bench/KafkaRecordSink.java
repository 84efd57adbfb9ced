package io.cairn.bench;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka's own {@link KafkaProducer} as a {@link RecordSink}: keyed records (the aggregate id's UTF-8
 * bytes, Kafka's default partitioner) to one topic, with the given {@link ProducerSettings} and
 * Kafka's defaults otherwise (32 MiB {@code buffer.memory}). Thread-safety as {@link RecordSink}.
 */
public final class KafkaRecordSink implements RecordSink {

  /** How long a record may take in all, retries included, and how long {@code send} may block. */
  public static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final AggregateKeys keys;

  private KafkaRecordSink(KafkaProducer<byte[], byte[]> producer, String topic, AggregateKeys keys) {
    this.producer = producer;
    this.topic = topic;
    this.keys = keys;
  }

  /** A producer connected to {@code bootstrapServers} that sends to {@code topic}. */
  public static KafkaRecordSink open(String bootstrapServers, String topic, AggregateKeys keys,
                                     ProducerSettings settings) {
    return new KafkaRecordSink(new KafkaProducer<>(properties(bootstrapServers, settings)), topic, keys);
  }

  static Properties properties(String bootstrapServers, ProducerSettings settings) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.ACKS_CONFIG, settings.acks());
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(settings.batchBytes()));
    properties.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(settings.lingerMs()));
    properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(settings.idempotence()));
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(DELIVERY_TIMEOUT.toMillis()));
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(REQUEST_TIMEOUT.toMillis()));
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(DELIVERY_TIMEOUT.toMillis()));
    return properties;
  }

  @Override
  public void send(int aggregateIndex, byte[] payload, SendCallback callback) {
    producer.send(new ProducerRecord<>(topic, keys.bytes(aggregateIndex), payload),
        (metadata, failure) -> callback.completed(failure));
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(REQUEST_TIMEOUT);
  }
}
