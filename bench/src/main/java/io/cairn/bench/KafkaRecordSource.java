package io.cairn.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka's own {@link KafkaConsumer} as a {@link RecordSource}: assigned every partition of the topic
 * (no consumer group, no commits), positioned at the beginning, polled in a loop on its own thread with
 * Kafka's default fetch settings ({@code fetch.min.bytes=1}, {@code fetch.max.wait.ms=500},
 * {@code max.poll.records=500}). Thread-safety as {@link RecordSource}.
 */
public final class KafkaRecordSource implements RecordSource {

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean stopping;
  private Thread poller;

  private KafkaRecordSource(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    this.consumer = consumer;
    this.topic = topic;
  }

  /** A consumer connected to {@code bootstrapServers} that will read {@code topic}. */
  public static KafkaRecordSource open(String bootstrapServers, String topic) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "cairn-bench-e2e");
    return new KafkaRecordSource(new KafkaConsumer<>(properties), topic);
  }

  @Override
  public void start(Consumer<byte[]> handler) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic, KafkaTopics.ADMIN_TIMEOUT).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition()))
        .toList();
    if (partitions.isEmpty()) {
      throw new BenchException("Kafka topic " + topic + " has no partitions");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    // resolve the positions now, so that nothing produced from here on can be skipped
    partitions.forEach(partition -> consumer.position(partition, KafkaTopics.ADMIN_TIMEOUT));
    poller = new Thread(() -> pollLoop(handler), "kafka-e2e-consumer");
    poller.setDaemon(true);
    poller.start();
  }

  private void pollLoop(Consumer<byte[]> handler) {
    try {
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
          handler.accept(record.value());
        }
      }
    } catch (WakeupException e) {
      if (!stopping) {
        failure.compareAndSet(null, e);
      }
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    } finally {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
    }
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  @Override
  public void close() {
    stopping = true;
    if (poller == null) {
      consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      return;
    }
    consumer.wakeup();
    try {
      poller.join(CLOSE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while stopping the Kafka consumer", e);
    }
    if (poller.isAlive()) {
      throw new BenchException("the Kafka consumer thread did not stop within " + CLOSE_TIMEOUT.toSeconds() + " s");
    }
  }
}
