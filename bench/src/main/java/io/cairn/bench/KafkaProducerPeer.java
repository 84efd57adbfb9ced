package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka peer of the page-cache append workload: Kafka's own {@link KafkaProducer}, in this JVM,
 * sends {@code records} records of {@code recordBytes} bytes (null key, like Kafka's
 * ProducerPerformance) as fast as it accepts them to a fresh one-partition topic, after an
 * uncounted warm-up on another topic. Latency is per record, from {@code send} to its callback (so it
 * includes time queued in the producer's buffer). Throughput is counted from the first send to the
 * last acknowledgement. Not thread-safe; one run at a time.
 */
public final class KafkaProducerPeer {

  /** Distinct payloads cycled through (the producer copies each into its batch). */
  static final int PAYLOAD_POOL = 1024;
  /** The topics have one partition, like the peer runs in shared/peers. */
  static final int TOPIC_PARTITIONS = 1;
  /** Single broker: replication factor 1. */
  static final short REPLICATION_FACTOR = 1;
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration FLUSH_TIMEOUT = Duration.ofMinutes(10);

  private KafkaProducerPeer() {
  }

  /**
   * Parameters.
   *
   * @param bootstrapServers broker address
   * @param topicPrefix      the topics are {@code prefix-warmup} and {@code prefix-measured}
   * @param recordBytes      bytes per record value
   * @param records          records in the measured phase
   * @param warmupRecords    records sent first to the warm-up topic, not counted
   * @param acks             producer {@code acks}
   * @param batchBytes       producer {@code batch.size}
   * @param lingerMs         producer {@code linger.ms}
   * @param seed             seed of the payloads
   */
  public record Params(String bootstrapServers, String topicPrefix, int recordBytes, long records, long warmupRecords,
                       String acks, int batchBytes, int lingerMs, long seed) {

    /** Checks the parameters; {@link InvalidInputException} names the bad one. */
    public Params {
      if (recordBytes < Payloads.MIN_BYTES) {
        throw new InvalidInputException("event-bytes", recordBytes, "must be at least " + Payloads.MIN_BYTES);
      }
      if (records < 1) {
        throw new InvalidInputException("kafka records", records, "must be at least 1");
      }
      if (warmupRecords < 0) {
        throw new InvalidInputException("kafka warm-up records", warmupRecords, "must be 0 or more");
      }
    }
  }

  /**
   * What the measured phase did.
   *
   * @param records      records acknowledged
   * @param payloadBytes value bytes acknowledged
   * @param elapsedNanos first send to last acknowledgement
   * @param latencies    send-to-callback latency of each record
   */
  public record Outcome(long records, long payloadBytes, long elapsedNanos, Latencies latencies) {

    /** The standard figures; the heap is this JVM's, which ran the producer. */
    public RunFigures figures(double heapUsedMb) {
      return new RunFigures(records, payloadBytes, elapsedNanos, latencies, heapUsedMb);
    }
  }

  /** Creates the topics, warms up, and runs the measured phase. */
  public static Outcome run(Params params) {
    String warmupTopic = params.topicPrefix() + "-warmup";
    String measuredTopic = params.topicPrefix() + "-measured";
    createTopics(params.bootstrapServers(), List.of(warmupTopic, measuredTopic));
    byte[][] payloads = new byte[PAYLOAD_POOL][];
    SplittableRandom random = new SplittableRandom(params.seed());
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = Payloads.next(params.recordBytes(), random);
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(params))) {
      if (params.warmupRecords() > 0) {
        send(producer, warmupTopic, params.warmupRecords(), payloads, new Latencies());
      }
      Latencies latencies = new Latencies();
      long elapsed = send(producer, measuredTopic, params.records(), payloads, latencies);
      return new Outcome(params.records(), params.records() * params.recordBytes(), elapsed, latencies);
    }
  }

  private static long send(KafkaProducer<byte[], byte[]> producer, String topic, long records, byte[][] payloads,
                           Latencies latencies) {
    AtomicLong lastAckNanos = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = System.nanoTime();
    for (long i = 0; i < records && failure.get() == null; i++) {
      long sentNanos = System.nanoTime();
      producer.send(new ProducerRecord<>(topic, null, payloads[(int) (i % payloads.length)]), (metadata, e) -> {
        long now = System.nanoTime();
        if (e != null) {
          failure.compareAndSet(null, e);
          return;
        }
        latencies.recordNanos(now - sentNanos);
        acked.incrementAndGet();
        lastAckNanos.set(now);
      });
    }
    producer.flush();
    if (failure.get() != null) {
      throw new BenchException("Kafka producer send to " + topic + " failed: " + failure.get(), failure.get());
    }
    if (acked.get() != records) {
      throw new BenchException("Kafka acknowledged " + acked.get() + " of " + records + " records sent to " + topic);
    }
    return lastAckNanos.get() - start;
  }

  static Properties producerProperties(Params params) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, params.bootstrapServers());
    properties.put(ProducerConfig.ACKS_CONFIG, params.acks());
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(params.batchBytes()));
    properties.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(params.lingerMs()));
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(FLUSH_TIMEOUT.toMillis()));
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(ADMIN_TIMEOUT.toMillis()));
    return properties;
  }

  private static void createTopics(String bootstrapServers, List<String> topics) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(properties)) {
      admin.createTopics(topics.stream().map(t -> new NewTopic(t, TOPIC_PARTITIONS, REPLICATION_FACTOR)).toList())
          .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new BenchException("creating Kafka topics " + topics + " on " + bootstrapServers + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while creating Kafka topics " + topics, e);
    }
  }
}
