package io.cairn.node.internal.protocol;

import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.TIMEOUT_MS;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.await;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch answers read into pooled buffers (a real store on real files): the buffers of the records an answer
 * carries go back to the pool once it is encoded, and no other: a read whose records were not sent may still
 * be writing into its buffer.
 */
class FetchHandlerBuffersTest {

  private static final String TOPIC = "bank.account";

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private EventStore store;
  private final FetchBufferPool pool = new FetchBufferPool();
  private final Promise<Void> shutdown = Promise.promise();
  private FetchHandler handler;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)));
    await(store.createTopic(TOPIC, new TopicConfig().setPartitions(2).setFlushMode(FlushMode.PAGE_CACHE)));
    handler = new FetchHandler(store, shutdown.future(), pool);
  }

  @AfterEach
  void closeStore() throws Exception {
    shutdown.tryComplete();
    await(store.close());
    await(vertx.close());
  }

  @Test
  void theBufferOfAnAnswersRecordsIsReusedOnceTheAnswerIsEncoded() throws Exception {
    // given
    appendTo(0, "first");

    // when
    Answer first = await(handler.handle(request(0, 1024 * 1024, 0L, 0)));
    List<String> firstEvents = eventTypes(first);
    first.encoded().run();

    // then: kept, and the next answer reads into it and still says what the log holds
    assertThat(firstEvents).containsExactly("first");
    assertThat(pool.keptBuffers()).isEqualTo(1);
    appendTo(0, "second");
    Answer second = await(handler.handle(request(0, 1024 * 1024, 0L, 0)));
    assertThat(pool.keptBuffers()).isZero();
    assertThat(eventTypes(second)).containsExactly("first", "second");
  }

  @Test
  void aPartitionLeftOutForMaxBytesDoesNotGiveItsBufferBack() throws Exception {
    // given: records in both partitions, and room in the answer for one of them
    appendTo(0, "in-0");
    appendTo(1, "in-1");

    // when
    Answer answer = await(handler.handle(request(0, 1, 0L, 0, 1)));
    answer.encoded().run();

    // then
    assertThat(eventTypes(answer)).containsExactly("in-0");
    assertThat(pool.keptBuffers()).isEqualTo(1);
  }

  @Test
  void aLongPollThatEndsAfterTheAnswerKeepsItsBufferFromThePool() throws Exception {
    // given: a long poll of both partitions, answered by an append to partition 0
    Future<Answer> polled = handler.handle(request(10_000, 1024 * 1024, 0L, 0, 1));
    appendTo(0, "early");
    Answer answer = await(polled);
    answer.encoded().run();
    assertThat(eventTypes(answer)).containsExactly("early");
    assertThat(pool.keptBuffers()).isEqualTo(1);

    // when: partition 1's wait ends after the answer, and its read takes the kept buffer
    appendTo(1, "late");
    pollUntil(() -> pool.keptBuffers() == 0, Duration.ofMillis(TIMEOUT_MS), "the late read to take the kept buffer");

    // then: the buffer of that read, whose records nobody sends, never comes back; fetches still read right
    Answer again = await(handler.handle(request(0, 1024 * 1024, 0L, 0, 1)));
    again.encoded().run();
    assertThat(eventTypes(again)).containsExactly("early", "late");
    assertThat(pool.keptBuffers()).isEqualTo(2);
  }

  private void appendTo(int partition, String eventType) throws Exception {
    String aggregate = IntStream.iterate(0, i -> i + 1).mapToObj(i -> "acc-" + eventType + "-" + i)
        .filter(id -> Partitioner.partitionFor(id, 2) == partition).findFirst().orElseThrow();
    await(store.append(AppendRequest.of(TOPIC, aggregate, ExpectedVersion.ANY, List.of(event(eventType, "{}")))));
  }

  private static Fetch.Request request(int maxWaitMs, int maxBytes, long offset, int... partitions) {
    return new Fetch.Request(maxWaitMs, maxBytes, List.of(new TopicItems<>(TOPIC, IntStream.of(partitions)
        .mapToObj(p -> new Fetch.PartitionData(p, offset, 1024 * 1024)).toList())));
  }

  /** The event types of every partition of {@code answer}, in partition order. */
  private static List<String> eventTypes(Answer answer) {
    Fetch.Response response = (Fetch.Response) answer.body();
    return response.topics().get(0).partitions().stream()
        .flatMap(partition -> partition.toResult(TOPIC, 0).events().stream())
        .map(StoredEvent::type).toList();
  }
}
