package io.cairn.client;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.InitProducerId;
import io.cairn.client.protocol.Metadata;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.OutOfOrderSequenceException;
import io.cairn.eventstore.ProducerId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idempotent producer's sequencing and retry rules against a {@link FakeNode} that answers Produce requests
 * with chosen errors: what is resent, with which producer fields, and what fails.
 */
class ProducerSequencingTest {

  private static final long PRODUCER_ID = 7;
  /** Positions of producer fields in a v2 batch header (docs/format.md). */
  private static final int PRODUCER_ID_AT = 43;
  private static final int EPOCH_AT = 51;
  private static final int SEQUENCE_AT = 53;

  /** The producer fields of one batch as sent. */
  record Sent(long producerId, short epoch, int sequence) {
  }

  Vertx vertx;
  FakeNode node;
  CairnClient client;
  CairnProducer producer;
  final AtomicLong nextOffset = new AtomicLong();
  volatile Function<Produce.Request, ResponseBody> onProduce = this::stored;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = await(FakeNode.start(vertx, 0));
    node.responder = this::answer;
    client = await(CairnClient.connect(vertx, new ClientOptions().setBootstrapServers(node.bootstrap())
        .setLingerMs(0).setBatchSize(ClientOptions.MIN_BATCH_SIZE).setRequestTimeoutMs(2_000)
        .setDeliveryTimeoutMs(10_000).setRetryBackoffMs(5).setRetryBackoffMaxMs(20).setReconnectBackoffMs(5)
        .setReconnectBackoffMaxMs(20)));
    producer = client.producer();
  }

  @AfterEach
  void stop() {
    try {
      node.responder = this::answer;
      onProduce = this::stored;
      await(client.close());
      node.close();
    } finally {
      await(vertx.close());
    }
  }

  private ResponseBody answer(RequestBody request) {
    if (request instanceof Metadata.Request) {
      return new Metadata.Response(ErrorCode.NONE, null, 0, List.of(new Metadata.Node(0, "127.0.0.1", node.port())),
          List.of(new Metadata.TopicMetadata(ErrorCode.NONE, "t", List.of(new Metadata.PartitionMetadata(0, 0)))));
    }
    if (request instanceof InitProducerId.Request) {
      return InitProducerId.Response.of(new ProducerId(PRODUCER_ID, (short) 0));
    }
    return onProduce.apply((Produce.Request) request);
  }

  /** Stores every batch of the request at the next offsets. */
  private ResponseBody stored(Produce.Request request) {
    List<TopicItems<Produce.PartitionResponse>> topics = new ArrayList<>();
    for (TopicItems<Produce.PartitionData> topic : request.topics()) {
      List<Produce.PartitionResponse> partitions = new ArrayList<>();
      for (Produce.PartitionData partition : topic.partitions()) {
        int count = partition.records().getInt(partition.records().position() + 57);
        long base = nextOffset.getAndAdd(count);
        partitions.add(new Produce.PartitionResponse(partition.partition(), ErrorCode.NONE, null, base,
            base + count - 1, false));
      }
      topics.add(new TopicItems<>(topic.name(), partitions));
    }
    return Produce.Response.of(topics);
  }

  /** Answers every partition of the request with {@code code}. */
  private static ResponseBody failed(Produce.Request request, ErrorCode code, String message) {
    List<TopicItems<Produce.PartitionResponse>> topics = new ArrayList<>();
    for (TopicItems<Produce.PartitionData> topic : request.topics()) {
      topics.add(new TopicItems<>(topic.name(), topic.partitions().stream()
          .map(p -> Produce.PartitionResponse.error(p.partition(), code, message)).toList()));
    }
    return Produce.Response.of(topics);
  }

  /** The first {@code times} Produce requests get {@code first}, later ones are stored. */
  private Function<Produce.Request, ResponseBody> firstThen(int times, Function<Produce.Request, ResponseBody> first) {
    AtomicInteger calls = new AtomicInteger();
    return request -> calls.incrementAndGet() <= times ? first.apply(request) : stored(request);
  }

  /** The producer fields of every batch sent so far, in order. */
  private List<Sent> sent() {
    List<Sent> batches = new ArrayList<>();
    for (Produce.Request request : node.received(Produce.Request.class)) {
      for (TopicItems<Produce.PartitionData> topic : request.topics()) {
        for (Produce.PartitionData partition : topic.partitions()) {
          ByteBuffer records = partition.records();
          int at = records.position();
          batches.add(new Sent(records.getLong(at + PRODUCER_ID_AT), records.getShort(at + EPOCH_AT),
              records.getInt(at + SEQUENCE_AT)));
        }
      }
    }
    return batches;
  }

  private Future<ProduceAck> send(String payload) {
    return producer.send("t", "a", EventData.of("E", payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void sequencesRunOnFromZeroAcrossBatches() {
    for (int i = 0; i < 3; i++) {
      assertThat(await(send("r" + i)).offset()).isEqualTo(i);
    }
    assertThat(sent()).containsExactly(new Sent(PRODUCER_ID, (short) 0, 0), new Sent(PRODUCER_ID, (short) 0, 1),
        new Sent(PRODUCER_ID, (short) 0, 2));
  }

  @Test
  void aRetryableErrorResendsTheBatchWithTheSameSequence() {
    // given
    onProduce = firstThen(2, request -> failed(request, ErrorCode.STORAGE_ERROR, "disk full"));

    // when
    ProduceAck ack = await(send("x"));

    // then
    assertThat(ack.offset()).isZero();
    assertThat(sent()).containsExactly(new Sent(PRODUCER_ID, (short) 0, 0), new Sent(PRODUCER_ID, (short) 0, 0),
        new Sent(PRODUCER_ID, (short) 0, 0));
  }

  @Test
  void aWholeRequestRetryableErrorIsRetriedToo() {
    onProduce = firstThen(1, request -> Produce.Response.error(ErrorCode.NODE_SHUTTING_DOWN, "stopping"));
    assertThat(await(send("x")).offset()).isZero();
    assertThat(sent()).hasSize(2).containsOnly(new Sent(PRODUCER_ID, (short) 0, 0));
  }

  @Test
  void aDuplicateAnswerCompletesWithTheOriginalOffsets() {
    onProduce = request -> Produce.Response.of(List.of(new TopicItems<>("t",
        List.of(new Produce.PartitionResponse(0, ErrorCode.NONE, null, 41, 41, true)))));
    assertThat(await(send("again")).offset()).isEqualTo(41);
  }

  @Test
  void outOfOrderForTheOldestBatchFailsItAndRestartsThePartitionAtTheNextEpoch() {
    // given
    onProduce = firstThen(1, request -> failed(request, ErrorCode.OUT_OF_ORDER_SEQUENCE,
        "producer 7 sent sequence 0, expected 12"));

    // when
    Throwable failure = failureOf(() -> send("lost"));
    ProduceAck next = await(send("next"));

    // then
    assertThat(failure).isInstanceOf(OutOfOrderSequenceException.class);
    assertThat(next.offset()).isZero();
    assertThat(sent()).containsExactly(new Sent(PRODUCER_ID, (short) 0, 0), new Sent(PRODUCER_ID, (short) 1, 0));
  }

  @Test
  void aNumberedBatchRefusedForGoodRestartsTheSequence() {
    // given
    onProduce = firstThen(1, request -> failed(request, ErrorCode.INVALID_INPUT,
        "recordBatch = 2000000 bytes: must be at most max.message.bytes = 1048588"));

    // when
    Throwable failure = failureOf(() -> send("too big for the topic"));
    await(send("fine"));

    // then
    assertThat(failure).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("recordBatch"));
    assertThat(sent()).containsExactly(new Sent(PRODUCER_ID, (short) 0, 0), new Sent(PRODUCER_ID, (short) 1, 0));
  }

  @Test
  void batchesWhoseAnswersWereLostAreResentInSequenceOrderAndOutOfOrderBehindThemIsRetried() {
    // given: the node hears three batches and answers none
    onProduce = request -> null;
    List<Future<ProduceAck>> acks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      acks.add(send("r" + i));
    }
    pollUntil(() -> sent().size() == 3, Duration.ofSeconds(5), "three batches sent");

    // when: the connection drops; after the reconnect the first resend fails retryably, and the node reports
    // the two behind it out of order once, as a real node would
    AtomicInteger calls = new AtomicInteger();
    onProduce = request -> switch (calls.incrementAndGet()) {
      case 1 -> failed(request, ErrorCode.REQUEST_TIMED_OUT, "slow disk");
      case 2, 3 -> failed(request, ErrorCode.OUT_OF_ORDER_SEQUENCE, "producer 7 sent sequence 1, expected 0");
      default -> stored(request);
    };
    node.dropConnections();

    // then
    for (int i = 0; i < 3; i++) {
      assertThat(await(acks.get(i)).offset()).isEqualTo(i);
    }
    List<Integer> sequences = sent().stream().map(Sent::sequence).toList();
    assertThat(sequences.subList(0, 3)).containsExactly(0, 1, 2);
    assertThat(sequences.subList(sequences.size() - 3, sequences.size())).as("the last resend, in order")
        .containsExactly(0, 1, 2);
    assertThat(sent()).extracting(Sent::epoch).containsOnly((short) 0);
  }
}
