package io.cairn.node.client;

import static io.cairn.node.NodeTestSupport.awaitCondition;
import static io.cairn.node.NodeTestSupport.scrapeMetrics;
import static io.cairn.node.client.ClientTestSupport.await;
import static io.cairn.node.client.ClientTestSupport.payloads;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.CairnClient;
import io.cairn.client.CairnConsumer;
import io.cairn.client.ClientOptions;
import io.cairn.client.TopicPartition;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The polling consumer against an in-process node. */
class ConsumerTest {

  private static final int MAX_POLL_RECORDS = 7;

  @TempDir
  Path dataDir;
  Vertx vertx;
  NodeBackedStore store;
  CairnConsumer consumer;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = await(NodeBackedStore.start(vertx, dataDir, options -> options.setMaxPollRecords(MAX_POLL_RECORDS)
        .setFetchMaxWaitMs(200)));
    await(store.createTopic("ledger", new TopicConfig().setPartitions(2)));
    consumer = store.client().consumer();
  }

  @AfterEach
  void stop() {
    try {
      await(consumer.close());
      await(store.close());
    } finally {
      await(vertx.close());
    }
  }

  private void append(String aggregate, int count) {
    for (int i = 0; i < count; i++) {
      await(store.append(AppendRequest.of("ledger", aggregate, ExpectedVersion.ANY,
          List.of(EventData.of("E", (aggregate + "#" + i).getBytes(StandardCharsets.UTF_8))))));
    }
  }

  private List<StoredEvent> pollUntil(int count) {
    List<StoredEvent> all = new ArrayList<>();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (all.size() < count && System.nanoTime() < deadline) {
      List<StoredEvent> polled = await(consumer.poll(500));
      assertThat(polled.size()).as("max.poll.records").isLessThanOrEqualTo(MAX_POLL_RECORDS);
      all.addAll(polled);
    }
    return all;
  }

  @Test
  void pollReturnsEveryEventOfTheAssignedPartitionsInOffsetOrderAtMostMaxPollRecordsAtATime() {
    // given
    append("a", 10);
    append("b", 10);
    int partitionOfA = Partitioner.partitionFor("a", 2);
    consumer.assign(List.of(new TopicPartition("ledger", 0), new TopicPartition("ledger", 1)));

    // when
    List<StoredEvent> events = pollUntil(20);

    // then
    assertThat(events).hasSize(20);
    assertThat(payloads(events.stream().filter(e -> e.aggregateId().equals("a")).toList()))
        .containsExactly("a#0", "a#1", "a#2", "a#3", "a#4", "a#5", "a#6", "a#7", "a#8", "a#9");
    assertThat(await(consumer.position(new TopicPartition("ledger", partitionOfA)))).isEqualTo(
        events.stream().filter(e -> e.partition() == partitionOfA).count());
  }

  @Test
  void aLongPollReturnsAsSoonAsAnEventArrives() {
    // given
    TopicPartition partition = new TopicPartition("ledger", Partitioner.partitionFor("late", 2));
    consumer.assign(List.of(partition));
    assertThat(await(consumer.poll(0))).isEmpty();

    // when
    Future<List<StoredEvent>> waiting = consumer.poll(10_000);
    append("late", 1);

    // then
    assertThat(payloads(await(waiting))).containsExactly("late#0");
  }

  @Test
  void seekMovesThePositionAndSeekToEndSkipsWhatIsStored() {
    // given
    append("s", 5);
    TopicPartition partition = new TopicPartition("ledger", Partitioner.partitionFor("s", 2));
    consumer.assign(List.of(partition));

    // when
    consumer.seek(partition, 3);
    List<StoredEvent> fromThree = pollUntil(2);
    consumer.seekToEnd(List.of(partition));
    long end = await(consumer.position(partition));
    append("s", 1);
    List<StoredEvent> afterEnd = pollUntil(1);
    consumer.seekToBeginning(List.of(partition));
    List<StoredEvent> all = pollUntil(6);

    // then
    assertThat(payloads(fromThree)).containsExactly("s#3", "s#4");
    assertThat(end).isEqualTo(5);
    assertThat(payloads(afterEnd)).containsExactly("s#0");
    assertThat(all).hasSize(6);
  }

  @Test
  void aSecondPollWhileOneRunsIsRefused() {
    consumer.assign(List.of(new TopicPartition("ledger", 0)));
    Future<List<StoredEvent>> first = consumer.poll(2_000);
    Throwable second = ClientTestSupport.failureOf(consumer.poll(0));
    assertThat(second).isInstanceOf(IllegalStateException.class).hasMessageContaining("already");
    await(first);
  }

  @Test
  void seekToEndPositionsAtTheHighWatermark() {
    // given
    append("x", 3);
    CairnConsumer latest = store.client().consumer();
    TopicPartition partition = new TopicPartition("ledger", Partitioner.partitionFor("x", 2));
    latest.assign(List.of(partition)).seekToEnd(List.of(partition));

    // when
    long position = await(latest.position(partition));

    // then
    assertThat(position).isEqualTo(3);
    await(latest.close());
  }

  @Test
  void thePollThatEmptiesTheBufferSendsTheNextFetchBeforeTheCallerPollsAgain() {
    // given: a consumer whose long polls last long, and one event more than a poll returns
    CairnClient longPolling = await(CairnClient.connect(vertx, new ClientOptions()
        .setBootstrapServers("127.0.0.1:" + store.node().protocolPort()).setMaxPollRecords(MAX_POLL_RECORDS)
        .setFetchMaxWaitMs(30_000)));
    CairnConsumer prefetching = longPolling.consumer();
    TopicPartition partition = new TopicPartition("ledger", Partitioner.partitionFor("p", 2));
    append("p", MAX_POLL_RECORDS + 1);
    prefetching.assign(List.of(partition)).seek(partition, 0);
    assertThat(await(prefetching.poll(10_000))).hasSize(MAX_POLL_RECORDS);

    // when the last buffered event is taken
    List<StoredEvent> last = await(prefetching.poll(0));

    // then a Fetch for what follows is already waiting on the node, and it brings the next event
    assertThat(payloads(last)).containsExactly("p#" + MAX_POLL_RECORDS);
    awaitCondition(() -> scrapeMetrics(store.node().httpPort()).contains("cairn_protocol_requests_in_flight 1.0"),
        "the prefetch to be waiting on the node");
    append("p", 1);
    List<StoredEvent> next = await(prefetching.poll(10_000));
    assertThat(payloads(next)).containsExactly("p#0");
    assertThat(next.get(0).offset()).isEqualTo(MAX_POLL_RECORDS + 1);
    await(longPolling.close());
  }
}
