package io.cairn.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates topics on a Kafka broker with Kafka's admin client, for the benchmarks. Stateless. */
public final class KafkaTopics {

  /** Single broker: replication factor 1. */
  public static final short REPLICATION_FACTOR = 1;
  /** How long creating topics may take. */
  public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

  private KafkaTopics() {
  }

  /** Creates each of {@code topics} with {@code partitions} partitions unless it exists; returns those created. */
  public static List<String> ensure(String bootstrapServers, List<String> topics, int partitions) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(properties)) {
      Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      List<String> missing = topics.stream().filter(topic -> !existing.contains(topic)).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing.stream().map(t -> new NewTopic(t, partitions, REPLICATION_FACTOR)).toList())
            .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      return missing;
    } catch (ExecutionException | TimeoutException e) {
      throw new BenchException("creating Kafka topics " + topics + " on " + bootstrapServers + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while creating Kafka topics " + topics, e);
    }
  }
}
