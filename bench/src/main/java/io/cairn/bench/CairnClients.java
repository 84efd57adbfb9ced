package io.cairn.bench;

import io.cairn.client.Acks;
import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.TopicConfig;
import java.time.Duration;
import java.util.List;

/**
 * Connecting to a Cairn node for the network benchmarks: client options from {@link ProducerSettings},
 * blocking connect and topic creation for the harness's own threads. Stateless.
 */
public final class CairnClients {

  /** How long connecting, creating a topic, flushing or closing may take. */
  public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
  /** How long a record may take in all, retries included (as the Kafka side's delivery.timeout.ms). */
  public static final Duration DELIVERY_TIMEOUT = KafkaRecordSink.DELIVERY_TIMEOUT;

  private CairnClients() {
  }

  /** Options for a client of {@code bootstrap} whose producers use {@code settings}. */
  public static ClientOptions options(String bootstrap, ProducerSettings settings) {
    return new ClientOptions()
        .setBootstrapServers(bootstrap)
        .setClientId("cairn-bench")
        .setLingerMs(settings.lingerMs())
        .setBatchSize(settings.batchBytes())
        .setCompressionType(settings.compressionType())
        .setAcks(Acks.forName(settings.acks()))
        .setEnableIdempotence(settings.idempotence())
        .setDeliveryTimeoutMs(Math.toIntExact(DELIVERY_TIMEOUT.toMillis()));
  }

  /** Connects a client with its own Vert.x instance (closed with the client); blocks the calling thread. */
  public static CairnClient connect(ClientOptions options) {
    return Awaits.await(CairnClient.connect(options), ADMIN_TIMEOUT, "connecting to the Cairn node at "
        + options.bootstrapServers());
  }

  /** Creates {@code topic} with {@code config} unless it exists; returns true if it was created. */
  public static boolean ensureTopic(CairnClient client, String topic, TopicConfig config) {
    List<String> topics = Awaits.await(client.listTopics(), ADMIN_TIMEOUT, "listing the node's topics");
    if (topics.contains(topic)) {
      return false;
    }
    Awaits.await(client.createTopic(topic, config), ADMIN_TIMEOUT, "creating topic " + topic + " on the node");
    return true;
  }

  /** Closes {@code client}, waiting for it; blocks the calling thread. */
  public static void close(CairnClient client) {
    Awaits.await(client.close(), ADMIN_TIMEOUT, "closing the Cairn client");
  }
}
