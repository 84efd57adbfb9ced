package io.cairn.node.client;

import static io.cairn.node.client.ClientTestSupport.await;
import static io.cairn.node.client.ClientTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.BufferExhaustedException;
import io.cairn.client.CairnProducer;
import io.cairn.client.ClientOptions;
import io.cairn.client.ProduceAck;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.UnknownTopicException;
import io.cairn.eventstore.contract.StoreTestSupport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The batching producer against an in-process node. */
class ProducerTest {

  private static final long SEED = 0x9F0D_0CE5L;
  private static final Duration QUIET = Duration.ofMillis(300);

  @TempDir
  Path dataDir;
  Vertx vertx;
  NodeBackedStore store;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    try {
      if (store != null) {
        await(store.close());
      }
    } finally {
      await(vertx.close());
    }
  }

  private CairnProducer producer(UnaryOperator<ClientOptions> options) {
    store = await(NodeBackedStore.start(vertx, dataDir, options));
    return store.client().producer();
  }

  private static EventData event(String payload) {
    return EventData.of("E", payload.getBytes(StandardCharsets.UTF_8));
  }

  /** Records per stored batch of a partition, from the raw batches (v2 header: records count at byte 57). */
  private List<Integer> batchSizes(String topic, int partition) {
    FetchResult fetched = await(store.fetch(topic, partition, 0, 64 * 1024 * 1024, 0));
    ByteBuffer batches = fetched.records().duplicate();
    List<Integer> counts = new ArrayList<>();
    while (batches.remaining() >= 61) {
      int at = batches.position();
      counts.add(batches.getInt(at + 57));
      batches.position(at + 12 + batches.getInt(at + 8));
    }
    return counts;
  }

  @Test
  void recordsOfManyAggregatesLandInTheirPartitionsInSendOrder() {
    // given
    CairnProducer producer = producer(UnaryOperator.identity());
    await(store.createTopic("orders", new TopicConfig().setPartitions(16)));
    List<Future<ProduceAck>> acks = new ArrayList<>();

    // when
    for (int i = 0; i < 5000; i++) {
      acks.add(producer.send("orders", "order-" + (i % 101), event("#" + i)));
    }
    await(producer.flush());

    // then
    for (int i = 0; i < acks.size(); i++) {
      assertThat(await(acks.get(i)).partition()).isEqualTo(Partitioner.partitionFor("order-" + (i % 101), 16));
    }
    int total = 0;
    for (int p = 0; p < 16; p++) {
      List<StoredEvent> events = StoreTestSupport.readAll(store, "orders", p);
      total += events.size();
      int last = -1;
      for (StoredEvent stored : events) {
        int sequence = Integer.parseInt(new String(stored.payload(), StandardCharsets.UTF_8).substring(1));
        assertThat(sequence).as("send order within partition %d", p).isGreaterThan(last);
        last = sequence;
        assertThat(Partitioner.partitionFor(stored.aggregateId(), 16)).isEqualTo(p);
      }
    }
    assertThat(total).isEqualTo(5000);
    for (int i = 0; i < 101; i++) {
      assertThat(await(store.streamVersion("orders", "order-" + i))).as("stream versions of produced events")
          .isEqualTo(i < 5000 % 101 ? 5000 / 101 + 1 : 5000 / 101);
    }
  }

  @Test
  void aBatchWaitsForLingerUnlessFlushed() {
    // given
    CairnProducer producer = producer(options -> options.setLingerMs(60_000).setDeliveryTimeoutMs(120_000));
    await(store.createTopic("slow", new TopicConfig()));

    // when
    Future<ProduceAck> ack = producer.send("slow", "a", event("x"));

    // then
    StoreTestSupport.assertHoldsFor(() -> !ack.isComplete(), QUIET, "an unfull batch waits for linger.ms");
    await(producer.flush());
    assertThat(await(ack).offset()).isZero();
  }

  @Test
  void lingerZeroSendsAtOnce() {
    CairnProducer producer = producer(options -> options.setLingerMs(0));
    await(store.createTopic("fast", new TopicConfig()));
    assertThat(await(producer.send("fast", "a", event("x"))).offset()).isZero();
  }

  @Test
  void fullBatchesGoWithoutWaitingForLingerAndHoldAtMostBatchSizeBytes() {
    // given: records of about 150 bytes, batches of 1 KiB, a linger that never ends
    CairnProducer producer = producer(options -> options.setLingerMs(600_000).setBatchSize(1024)
        .setDeliveryTimeoutMs(700_000));
    await(store.createTopic("sized", new TopicConfig()));
    List<Future<ProduceAck>> acks = new ArrayList<>();

    // when
    for (int i = 0; i < 100; i++) {
      acks.add(producer.send("sized", "a", event("x".repeat(50))));
    }

    // then: all but the last, open batch are acknowledged without a flush
    StoreTestSupport.pollUntil(() -> acks.get(80).isComplete(), Duration.ofSeconds(10), "full batches to be sent");
    assertThat(acks.get(99).isComplete()).as("the open batch still lingers").isFalse();
    await(producer.flush());
    List<Integer> sizes = batchSizes("sized", 0);
    assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    assertThat(sizes).as("records per stored batch").hasSizeGreaterThan(5).allSatisfy(count ->
        assertThat(count).isBetween(1, 1024 / 100));
  }

  @Test
  void aSendableBatchTakesTheOtherPartitionsLingeringBatchesAlong() {
    // given: two partitions, batches of 1 KiB, a linger that never ends, one record waiting in partition 1
    CairnProducer producer = producer(options -> options.setLingerMs(600_000).setBatchSize(1024)
        .setDeliveryTimeoutMs(700_000));
    await(store.createTopic("pair", new TopicConfig().setPartitions(2)));
    String inPartition0 = aggregateIn(0, 2);
    Future<ProduceAck> lingering = producer.send("pair", aggregateIn(1, 2), event("alone"));
    StoreTestSupport.assertHoldsFor(() -> !lingering.isComplete(), QUIET, "a lone record waits for linger.ms");

    // when partition 0 fills a batch
    List<Future<ProduceAck>> filling = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      filling.add(producer.send("pair", inPartition0, event("x".repeat(50))));
    }

    // then the lone record goes with it, long before its linger is over
    StoreTestSupport.pollUntil(() -> filling.get(0).isComplete(), Duration.ofSeconds(10), "the full batch");
    StoreTestSupport.pollUntil(lingering::isComplete, Duration.ofSeconds(10), "the lone record to ride along");
    assertThat(await(lingering).partition()).isEqualTo(1);
    assertThat(StoreTestSupport.readAll(store, "pair", 1)).extracting(StoredEvent::payload)
        .containsExactly("alone".getBytes(StandardCharsets.UTF_8));
  }

  private static String aggregateIn(int partition, int partitions) {
    for (int i = 0; ; i++) {
      if (Partitioner.partitionFor("agg-" + i, partitions) == partition) {
        return "agg-" + i;
      }
    }
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void compressedBatchesRoundTrip(CompressionType compression) {
    // given
    CairnProducer producer = producer(options -> options.setCompressionType(compression).setLingerMs(20));
    await(store.createTopic("zipped", new TopicConfig().setPartitions(3)));
    Random random = new Random(SEED);
    List<EventData> sent = new ArrayList<>();
    List<Future<ProduceAck>> acks = new ArrayList<>();

    // when
    for (int i = 0; i < 300; i++) {
      byte[] payload = ("{\"n\":" + i + ",\"text\":\"" + "abc".repeat(random.nextInt(100)) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      EventData event = new EventData(UUID.randomUUID(), "Type" + (i % 3), payload,
          i % 10 == 0 ? List.of(Header.of("trace", "t-" + i)) : List.of());
      sent.add(event);
      acks.add(producer.send("zipped", "agg-" + (i % 7), event));
    }
    await(producer.flush());

    // then
    for (int i = 0; i < sent.size(); i++) {
      ProduceAck ack = await(acks.get(i));
      StoredEvent stored = await(store.read("zipped", ack.partition(), ack.offset(), 1)).events().stream()
          .filter(e -> e.offset() == ack.offset()).findFirst().orElseThrow();
      EventData expected = sent.get(i);
      assertThat(stored.eventId()).as("seed %x, record %d", SEED, i).isEqualTo(expected.eventId());
      assertThat(stored.type()).isEqualTo(expected.type());
      assertThat(stored.payload()).isEqualTo(expected.payload());
      assertThat(stored.headers()).isEqualTo(expected.headers());
      assertThat(stored.aggregateId()).isEqualTo("agg-" + (i % 7));
    }
  }

  @Test
  void aFullBufferRefusesSendsAtOnceUntilThereIsRoomAgain() {
    // given: 16 KiB of buffer and of batch, so the one batch never fills and never leaves by itself
    CairnProducer producer = producer(options -> options.setBufferMemory(16 * 1024).setBatchSize(16 * 1024)
        .setLingerMs(600_000).setDeliveryTimeoutMs(700_000));
    await(store.createTopic("tight", new TopicConfig()));
    List<Future<ProduceAck>> accepted = new ArrayList<>();
    Future<ProduceAck> refused = null;

    // when
    for (int i = 0; i < 1000 && refused == null; i++) {
      Future<ProduceAck> ack = producer.send("tight", "a", event("y".repeat(200)));
      if (ack.failed()) {
        refused = ack;
      } else {
        accepted.add(ack);
      }
    }
    Future<Void> room = producer.bufferAvailable();

    // then
    assertThat(refused).as("a send beyond buffer.memory fails at once").isNotNull();
    assertThat(refused.cause()).isInstanceOf(BufferExhaustedException.class)
        .hasMessageContaining(ClientOptions.BUFFER_MEMORY);
    assertThat(((BufferExhaustedException) refused.cause()).retryable()).isTrue();
    assertThat(producer.bufferedBytes()).isLessThanOrEqualTo(16 * 1024).isGreaterThan(15 * 1024);
    assertThat(accepted.size()).isBetween(40, 80);
    assertThat(accepted).noneMatch(Future::isComplete);
    StoreTestSupport.assertHoldsFor(() -> !room.isComplete(), QUIET, "no room while nothing is acknowledged");
    await(producer.flush());
    await(room);
    assertThat(producer.bufferedBytes()).isZero();
    Future<ProduceAck> after = producer.send("tight", "a", event("after"));
    await(producer.flush());
    assertThat(await(after).offset()).isEqualTo(accepted.size());
  }

  @Test
  void anInvalidEventFailsAloneAndItsBatchMatesAreStored() {
    // given
    CairnProducer producer = producer(options -> options.setLingerMs(50));
    await(store.createTopic("mixed", new TopicConfig()));

    // when
    Future<ProduceAck> before = producer.send("mixed", "a", event("1"));
    Future<ProduceAck> invalid = producer.send("mixed", "a", EventData.of("t".repeat(256), new byte[1]));
    Future<ProduceAck> reserved = producer.send("mixed", "a", new EventData(UUID.randomUUID(), "E", new byte[1],
        List.of(Header.of("cairn.v", "9"))));
    Future<ProduceAck> after = producer.send("mixed", "a", event("2"));
    await(producer.flush());

    // then
    assertThat(failureOf(invalid)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).contains("type"));
    assertThat(failureOf(reserved)).isInstanceOf(InvalidInputException.class);
    assertThat(List.of(await(before).offset(), await(after).offset())).containsExactly(0L, 1L);
    assertThat(ClientTestSupport.payloads(StoreTestSupport.readAll(store, "mixed", 0))).containsExactly("1", "2");
  }

  @Test
  void sendsToAnUnknownTopicFailAndBadArgumentsFailAtOnce() {
    // given
    CairnProducer producer = producer(UnaryOperator.identity());

    // then
    assertThat(failureOf(producer.send("nowhere", "a", event("x")))).isInstanceOf(UnknownTopicException.class)
        .hasMessageContaining("nowhere");
    assertThat(producer.send("t", "", event("x")).cause()).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("aggregateId"));
    assertThat(producer.send("t", "k".repeat(40_000), event("x")).cause()).isInstanceOf(InvalidInputException.class);
    assertThat(producer.bufferedBytes()).isZero();
  }

  @Test
  void closeFlushesAndLaterSendsFail() {
    // given
    CairnProducer producer = producer(options -> options.setLingerMs(600_000).setDeliveryTimeoutMs(700_000));
    await(store.createTopic("closing", new TopicConfig()));
    Future<ProduceAck> pending = producer.send("closing", "a", event("last"));

    // when
    await(producer.close());

    // then
    assertThat(await(pending).offset()).isZero();
    assertThat(failureOf(producer.send("closing", "a", event("late")))).isInstanceOf(StoreClosedException.class);
  }

  @Test
  void closingTheClientFlushesItsProducers() {
    // given
    CairnProducer producer = producer(options -> options.setLingerMs(600_000).setDeliveryTimeoutMs(700_000));
    await(store.createTopic("shutdown", new TopicConfig()));
    Future<ProduceAck> pending = producer.send("shutdown", "a", event("flushed on close"));

    // when
    await(store.client().close());

    // then
    assertThat(await(pending).offset()).isZero();
  }
}
