package io.cairn.node.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.CairnClient;
import io.cairn.client.CairnConsumer;
import io.cairn.client.CairnProducer;
import io.cairn.client.ClientOptions;
import io.cairn.client.ProduceAck;
import io.cairn.client.TopicPartition;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.contract.StoreTestSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against real node processes ({@link NodeMain} in a child JVM): several connections at once, a
 * SIGTERM restart and a kill -9 under producer load. After each, every acknowledged record is stored exactly
 * once, at the offset its acknowledgement named (a resend answered as a duplicate carries the original
 * offsets), and idempotence turns every resend into success.
 */
class ClientNodeProcessIT {

  private static final String TOPIC = "load";
  private static final int PARTITIONS = 6;
  private static final long SEED = 0x1D3E_7B07L;
  private static final Duration OUTCOME_TIMEOUT = Duration.ofMinutes(3);

  @TempDir
  Path tmp;
  Vertx vertx;
  NodeProcess node;
  final List<CairnClient> clients = new ArrayList<>();

  @BeforeEach
  void startNode() throws Exception {
    vertx = Vertx.vertx();
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    node = new NodeProcess(tmp.resolve("data"), logs).start();
  }

  @AfterEach
  void stopAll() {
    try {
      for (CairnClient client : clients) {
        client.close().toCompletionStage().toCompletableFuture().handle((v, e) -> v)
            .orTimeout(60, TimeUnit.SECONDS).join();
      }
    } finally {
      node.close();
      StoreTestSupport.await(vertx.close());
    }
  }

  private CairnClient connect() {
    CairnClient client = StoreTestSupport.await(CairnClient.connect(vertx, new ClientOptions()
        .setBootstrapServers(node.bootstrap())
        .setRequestTimeoutMs(10_000)
        .setDeliveryTimeoutMs(120_000)
        .setReconnectBackoffMaxMs(500)
        .setRetryBackoffMaxMs(500)));
    clients.add(client);
    return client;
  }

  private static <T> T outcome(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(OUTCOME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("a send failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("a send had no outcome within " + OUTCOME_TIMEOUT, e);
    }
  }

  /**
   * Asserts that every record of {@code load} was acknowledged, is stored exactly once, at the acknowledged
   * partition and offset, and that nothing else is stored but events of {@code otherAggregates}.
   */
  private void assertStoredExactlyOnce(CairnClient reader, ProducerLoad load, String... otherAggregates)
      throws Exception {
    Set<String> others = Set.of(otherAggregates);
    List<UUID> ids = load.eventIds();
    List<Future<ProduceAck>> acks = load.acks();
    Map<UUID, ProduceAck> acknowledged = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      acknowledged.put(ids.get(i), outcome(acks.get(i)));
    }
    Map<UUID, Integer> copies = new HashMap<>();
    Map<UUID, StoredEvent> where = new HashMap<>();
    int stored = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      for (StoredEvent event : StoreTestSupport.readAll(reader, TOPIC, p)) {
        if (others.contains(event.aggregateId())) {
          continue;
        }
        stored++;
        copies.merge(event.eventId(), 1, Integer::sum);
        where.put(event.eventId(), event);
      }
    }
    List<UUID> duplicated = copies.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    assertThat(duplicated).as("records stored more than once (seed %x)", SEED).isEmpty();
    for (UUID id : ids) {
      StoredEvent event = where.get(id);
      assertThat(event).as("acknowledged record %s is stored", id).isNotNull();
      ProduceAck ack = acknowledged.get(id);
      assertThat(event.partition()).isEqualTo(ack.partition());
      assertThat(event.offset()).as("offset of %s", id).isEqualTo(ack.offset());
    }
    assertThat(stored).as("nothing but the sent records").isEqualTo(ids.size());
  }

  @Test
  void severalClientsProduceAndConsumeOverTheirOwnConnections() throws Exception {
    // given
    CairnClient admin = connect();
    StoreTestSupport.await(admin.createTopic(TOPIC, new TopicConfig().setPartitions(PARTITIONS)));
    List<ProducerLoad> loads = new ArrayList<>();

    // when: three clients produce at once while a fourth consumes
    for (int c = 0; c < 3; c++) {
      loads.add(new ProducerLoad(connect().producer(), TOPIC, 3000, 200, 20_000, SEED + c).start());
    }
    CairnConsumer consumer = connect().consumer();
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition(TOPIC, p));
    }
    consumer.assign(partitions);
    Set<UUID> consumed = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (consumed.size() < 9000 && System.nanoTime() < deadline) {
      for (StoredEvent event : StoreTestSupport.await(consumer.poll(1000))) {
        assertThat(consumed.add(event.eventId())).as("consumed once: %s", event.eventId()).isTrue();
      }
    }

    // then
    Set<UUID> sent = new HashSet<>();
    for (ProducerLoad load : loads) {
      load.awaitSent();
      for (Future<ProduceAck> ack : load.acks()) {
        outcome(ack);
      }
      sent.addAll(load.eventIds());
    }
    assertThat(consumed).isEqualTo(sent);
    StoreTestSupport.await(consumer.close());
  }

  @Test
  void aSigtermRestartUnderLoadLosesAndDuplicatesNothing() throws Exception {
    // given
    CairnClient client = connect();
    StoreTestSupport.await(client.createTopic(TOPIC, new TopicConfig().setPartitions(PARTITIONS)));
    CairnProducer producer = client.producer();
    ProducerLoad load = new ProducerLoad(producer, TOPIC, 20_000, 500, 8_000, SEED).start();
    List<Long> appendedVersions = new ArrayList<>();

    // when: the node stops cleanly while records flow, and comes back on the same directory and port
    StoreTestSupport.pollUntil(() -> load.acknowledged() >= 3000, Duration.ofMinutes(1), "3000 acknowledged");
    node.stop();
    Future<AppendResult> whileDown = client.append(AppendRequest.of(TOPIC, "exact", ExpectedVersion.NO_STREAM,
        List.of(EventData.of("Opened", "{}".getBytes(StandardCharsets.UTF_8)))));
    node.start();
    appendedVersions.add(((AppendResult.Appended) outcome(whileDown)).newVersion());
    load.awaitSent();

    // then
    assertStoredExactlyOnce(client, load, "exact");
    assertThat(appendedVersions).containsExactly(1L);
    assertThat(StoreTestSupport.await(client.streamVersion(TOPIC, "exact"))).isEqualTo(1L);
  }

  @Test
  void aKillNineUnderLoadLosesNoAcknowledgedRecordAndDuplicatesNone() throws Exception {
    // given: a durable topic (acknowledged = fsynced)
    CairnClient client = connect();
    StoreTestSupport.await(client.createTopic(TOPIC, new TopicConfig().setPartitions(PARTITIONS)));
    ProducerLoad load = new ProducerLoad(client.producer(), TOPIC, 20_000, 500, 8_000, SEED).start();

    // when
    StoreTestSupport.pollUntil(() -> load.acknowledged() >= 3000, Duration.ofMinutes(1), "3000 acknowledged");
    node.kill();
    int acknowledgedAtKill = load.acknowledged();
    node.start();
    load.awaitSent();

    // then
    assertThat(acknowledgedAtKill).isGreaterThanOrEqualTo(3000);
    assertStoredExactlyOnce(client, load);
  }
}
