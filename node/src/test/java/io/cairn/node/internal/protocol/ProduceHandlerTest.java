package io.cairn.node.internal.protocol;

import static io.cairn.node.internal.protocol.ProtocolTestSupport.await;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.batch;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a Produce's record batches, views of its frame, may be released: once, and only after the store is done
 * with every one of them, whatever the answer (a real store on real files).
 */
class ProduceHandlerTest {

  private static final String TOPIC = "bank.account";

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private EventStore store;
  private ProduceHandler handler;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)));
    await(store.createTopic(TOPIC, new TopicConfig().setPartitions(2).setFlushMode(FlushMode.DURABLE)));
    handler = new ProduceHandler(vertx, store);
  }

  @AfterEach
  void closeStore() throws Exception {
    await(store.close());
    await(vertx.close());
  }

  @Test
  void theInputIsReleasedOnceAfterEveryPartitionIsStored() throws Exception {
    // when: a batch for each partition
    Handled handled = handle(request(10_000, 0, 1));

    // then
    assertThat(handled.response.topics().get(0).partitions()).extracting(Produce.PartitionResponse::errorCode)
        .containsExactly(ErrorCode.NONE, ErrorCode.NONE);
    assertThat(await(handled.recordsSeenAtRelease.future())).isEqualTo(2);
    assertThat(handled.releases).hasValue(1);
  }

  @Test
  void aTimedOutProduceReleasesItsInputOnlyOnceTheStoreIsDoneWithIt() throws Exception {
    // when: a durable topic, whose answers wait for an fsync, and a timeout that can come first
    Handled handled = handle(request(0, 0, 1));

    // then: whether answered in time or not, the batches were stored before they were released
    assertThat(handled.response.topics().get(0).partitions()).extracting(Produce.PartitionResponse::errorCode)
        .allMatch(code -> code == ErrorCode.NONE || code == ErrorCode.REQUEST_TIMED_OUT);
    assertThat(await(handled.recordsSeenAtRelease.future())).isEqualTo(2);
    assertThat(handled.releases).hasValue(1);
  }

  @Test
  void anInvalidRequestReleasesItsInputAtOnce() {
    // given: acks 2
    Produce.Request request = new Produce.Request((short) 2, 10_000, request(10_000, 0).topics());
    AtomicInteger releases = new AtomicInteger();

    // when
    Future<Produce.Response> response = handler.handle(request, releases::incrementAndGet);

    // then
    assertThat(releases).hasValue(1);
    assertThatThrownBy(() -> await(response)).isInstanceOf(InvalidInputException.class).hasMessageContaining("acks");
  }

  @Test
  void aPartitionTheStoreRefusesStillReleasesTheInputOnce() throws Exception {
    // when: partition 5 of a topic of 2
    Handled handled = handle(request(10_000, 0, 5));

    // then
    await(handled.recordsSeenAtRelease.future());
    assertThat(handled.response.topics().get(0).partitions()).extracting(Produce.PartitionResponse::errorCode)
        .containsExactly(ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC);
    assertThat(handled.releases).hasValue(1);
  }

  /** Handles {@code request}; its release counts itself and looks at what a reader of the topic sees then. */
  private Handled handle(Produce.Request request) throws Exception {
    AtomicInteger releases = new AtomicInteger();
    Promise<Long> recordsSeenAtRelease = Promise.promise();
    Produce.Response response = await(handler.handle(request, () -> {
      releases.incrementAndGet();
      storedRecords().onComplete(recordsSeenAtRelease);
    }));
    return new Handled(response, releases, recordsSeenAtRelease);
  }

  private record Handled(Produce.Response response, AtomicInteger releases, Promise<Long> recordsSeenAtRelease) {
  }

  /** A Produce with one single-event batch for each of {@code partitions}. */
  private static Produce.Request request(int timeoutMs, int... partitions) {
    List<Produce.PartitionData> data = Arrays.stream(partitions).mapToObj(partition ->
        new Produce.PartitionData(partition, batch(List.of(new KeyedEvent("acc-" + partition,
            event("Opened", "{}"))), ProducerInfo.NONE))).toList();
    return new Produce.Request(Produce.ACKS_LEADER, timeoutMs, List.of(new TopicItems<>(TOPIC, data)));
  }

  /** Records a reader of both partitions sees now (up to the high watermark). */
  private Future<Long> storedRecords() {
    return Future.all(fetch(0), fetch(1)).map(all -> all.<FetchResult>list().stream()
        .mapToLong(result -> result.events().size()).sum());
  }

  private Future<FetchResult> fetch(int partition) {
    return store.fetch(TOPIC, partition, 0, 1024 * 1024, 0);
  }
}
