package io.cairn.node.internal.protocol;

import static io.cairn.node.internal.protocol.ProtocolTestSupport.await;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.batch;
import static io.cairn.node.internal.protocol.ProtocolTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.cairn.client.protocol.ApiKey;
import io.cairn.client.protocol.ApiVersions;
import io.cairn.client.protocol.Append;
import io.cairn.client.protocol.CreateTopics;
import io.cairn.client.protocol.DeleteTopics;
import io.cairn.client.protocol.DescribeTopics;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.InitProducerId;
import io.cairn.client.protocol.ListOffsets;
import io.cairn.client.protocol.Metadata;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.ReadStream;
import io.cairn.client.protocol.StreamVersion;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every api of docs/protocol.md end to end: a real node, a real socket, the codec's frames, answers checked
 * against what the store holds.
 */
class ProtocolApisTest {

  private static final String TOPIC = "bank.account";
  private static final int PARTITIONS = 3;

  @TempDir
  Path dataDir;

  private CairnNode node;
  private RawProtocolClient client;

  @BeforeEach
  void startNode() throws Exception {
    node = await(CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(NodeOptions.ANY_FREE_PORT)
        .setPort(NodeOptions.ANY_FREE_PORT)));
    client = RawProtocolClient.connect(node.protocolPort());
  }

  @AfterEach
  void stopNode() throws Exception {
    client.close();
    await(node.stop());
  }

  @Test
  void apiVersionsListsEveryApiAndTheNodeVersion() throws IOException {
    ApiVersions.Response response = client.call(new ApiVersions.Request());

    assertThat(response.errorCode()).isEqualTo(ErrorCode.NONE);
    assertThat(response.apis()).extracting(ApiVersions.ApiVersion::apiKey)
        .containsExactly(IntStream.range(0, ApiKey.values().length).mapToObj(i -> (short) i).toArray(Short[]::new));
    assertThat(response.nodeVersion()).isNotBlank();
  }

  @Test
  void topicsAreCreatedDescribedListedAndDeleted() throws Exception {
    // when
    CreateTopics.Response created = client.call(CreateTopics.Request.of(TOPIC,
        new TopicConfig().setPartitions(PARTITIONS).setFlushMode(FlushMode.PAGE_CACHE)));
    CreateTopics.Response again = client.call(CreateTopics.Request.of(TOPIC, new TopicConfig()));
    CreateTopics.Response invalid = client.call(new CreateTopics.Request("other", Map.of("partitions", "zero")));
    DescribeTopics.Response described = client.call(new DescribeTopics.Request(TOPIC));
    Metadata.Response all = client.call(Metadata.Request.allTopics());
    Metadata.Response some = client.call(Metadata.Request.of(List.of("missing", TOPIC)));

    // then
    assertThat(created.topic()).get().satisfies(topic -> {
      assertThat(topic.name()).isEqualTo(TOPIC);
      assertThat(topic.config().partitions()).isEqualTo(PARTITIONS);
      assertThat(topic.config().flushMode()).isEqualTo(FlushMode.PAGE_CACHE);
    });
    assertThat(again.errorCode()).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
    assertThat(again.errorMessage()).contains(TOPIC);
    assertThat(invalid.errorCode()).isEqualTo(ErrorCode.INVALID_INPUT);
    assertThat(invalid.errorMessage()).contains("partitions").contains("zero");
    assertThat(described.topic()).get().isEqualTo(await(node.store().describeTopic(TOPIC)));
    assertThat(all.nodeId()).isZero();
    assertThat(all.nodes()).containsExactly(new Metadata.Node(0, RawProtocolClient.HOST, node.protocolPort()));
    assertThat(all.topics()).containsExactly(new Metadata.TopicMetadata(ErrorCode.NONE, TOPIC, List.of(
        new Metadata.PartitionMetadata(0, 0), new Metadata.PartitionMetadata(1, 0), new Metadata.PartitionMetadata(2, 0))));
    assertThat(some.topics()).extracting(Metadata.TopicMetadata::name, Metadata.TopicMetadata::errorCode)
        .containsExactly(tuple(TOPIC, ErrorCode.NONE),
            tuple("missing", ErrorCode.UNKNOWN_TOPIC));
    assertThat(some.topics().get(1).partitions()).isEmpty();

    // when
    DeleteTopics.Response deleted = client.call(new DeleteTopics.Request(TOPIC));
    DescribeTopics.Response gone = client.call(new DescribeTopics.Request(TOPIC));

    // then
    assertThat(deleted).isEqualTo(DeleteTopics.Response.OK);
    assertThat(gone.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
    assertThat(await(node.store().listTopics())).isEmpty();
  }

  @Test
  void appendChecksTheExpectedVersionAndRecognisesRetries() throws Exception {
    // given
    createTopic();
    EventData opened = event("AccountOpened", "{\"owner\":\"Ada\"}");
    AppendRequest first = AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.NO_STREAM, List.of(opened));

    // when
    Append.Response appended = client.call(Append.Request.of(first));
    Append.Response retried = client.call(Append.Request.of(first));
    Append.Response conflict = client.call(Append.Request.of(AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.NO_STREAM,
        List.of(event("Deposited", "{}")))));
    Append.Response unknown = client.call(Append.Request.of(AppendRequest.of("nope", "acc-1", ExpectedVersion.ANY,
        List.of(event("Deposited", "{}")))));
    Append.Response badKind = client.call(new Append.Request(TOPIC, "acc-1", (byte) 7, -1, -1, (short) -1, -1,
        List.of(event("Deposited", "{}"))));

    // then
    int partition = Partitioner.partitionFor("acc-1", PARTITIONS);
    assertThat(appended.toResult(ExpectedVersion.NO_STREAM))
        .isEqualTo(new AppendResult.Appended(partition, 0, 0, 1, 1, false));
    assertThat(retried.toResult(ExpectedVersion.NO_STREAM))
        .isEqualTo(new AppendResult.Appended(partition, 0, 0, 1, 1, true));
    assertThat(conflict.toResult(ExpectedVersion.NO_STREAM))
        .isEqualTo(new AppendResult.VersionConflict(partition, ExpectedVersion.NO_STREAM, 1));
    assertThat(unknown.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
    assertThat(badKind.errorCode()).isEqualTo(ErrorCode.INVALID_INPUT);
    assertThat(badKind.errorMessage()).startsWith("expected_kind = 7");
    assertThat(await(node.store().streamVersion(TOPIC, "acc-1"))).isEqualTo(1);
  }

  @Test
  void readStreamAndStreamVersionServeTheStoredStream() throws Exception {
    // given
    createTopic();
    await(node.store().append(AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.NO_STREAM,
        List.of(event("Opened", "{}"), event("Deposited", "{\"n\":1}"), event("Deposited", "{\"n\":2}")))));

    // when
    ReadStream.Request request = new ReadStream.Request(TOPIC, "acc-1", 2, 10);
    ReadStream.Response page = client.call(request);
    ReadStream.Response empty = client.call(new ReadStream.Request(TOPIC, "acc-9", 1, 10));
    ReadStream.Response badRange = client.call(new ReadStream.Request(TOPIC, "acc-1", 0, 10));
    StreamVersion.Response version = client.call(new StreamVersion.Request(TOPIC, "acc-1"));

    // then
    StreamSlice expected = await(node.store().readStream(TOPIC, "acc-1", 2, 10));
    assertThat(page.toSlice(TOPIC, "acc-1")).usingRecursiveComparison().isEqualTo(expected);
    assertThat(page.events()).extracting(StoredEvent::version).containsExactly(2L, 3L);
    assertThat(page.partition()).isEqualTo(Partitioner.partitionFor("acc-1", PARTITIONS));
    assertThat(empty.events()).isEmpty();
    assertThat(empty.currentVersion()).isZero();
    assertThat(empty.partition()).isEqualTo(Partitioner.partitionFor("acc-9", PARTITIONS));
    assertThat(badRange.errorCode()).isEqualTo(ErrorCode.INVALID_INPUT);
    assertThat(version.version()).isEqualTo(3);
  }

  @Test
  void produceStoresBatchesOfManyPartitionsAndFetchReadsThemBack() throws Exception {
    // given
    createTopic();
    InitProducerId.Response producer = client.call(new InitProducerId.Request());
    ProducerId id = producer.toProducerId();
    String[] aggregates = {"acc-1", "acc-2", "acc-3", "acc-4", "acc-5", "acc-6"};
    List<Produce.PartitionData> partitions = IntStream.range(0, PARTITIONS).mapToObj(partition -> {
      List<KeyedEvent> events = Arrays.stream(aggregates)
          .filter(aggregate -> Partitioner.partitionFor(aggregate, PARTITIONS) == partition)
          .map(aggregate -> new KeyedEvent(aggregate, event("Opened", "{\"id\":\"" + aggregate + "\"}")))
          .toList();
      return events.isEmpty() ? null : new Produce.PartitionData(partition,
          batch(events, new ProducerInfo(id.id(), id.epoch(), 0)));
    }).filter(Objects::nonNull).toList();
    Produce.Request produce = new Produce.Request(Produce.ACKS_ALL, 10_000,
        List.of(new TopicItems<>(TOPIC, partitions)));

    // when
    Produce.Response stored = client.call(produce);
    Produce.Response retried = client.call(produce);
    Fetch.Response fetched = client.call(new Fetch.Request(0, 1024 * 1024, List.of(new TopicItems<>(TOPIC,
        IntStream.range(0, PARTITIONS).mapToObj(p -> new Fetch.PartitionData(p, 0, 1024 * 1024)).toList()))));

    // then
    assertThat(stored.topics()).singleElement().satisfies(topic -> assertThat(topic.partitions())
        .allSatisfy(partition -> {
          assertThat(partition.errorCode()).isEqualTo(ErrorCode.NONE);
          assertThat(partition.baseOffset()).isZero();
          assertThat(partition.duplicate()).isFalse();
        }));
    assertThat(retried.topics().get(0).partitions()).allSatisfy(partition -> assertThat(partition.duplicate()).isTrue());
    List<StoredEvent> events = fetched.topics().get(0).partitions().stream()
        .flatMap(partition -> partition.toResult(TOPIC, 0).events().stream()).toList();
    assertThat(events).extracting(StoredEvent::aggregateId).containsExactlyInAnyOrder(aggregates);
    assertThat(events).allSatisfy(event -> assertThat(event.version()).isEqualTo(1));
    for (String aggregate : aggregates) {
      assertThat(await(node.store().streamVersion(TOPIC, aggregate))).as(aggregate).isEqualTo(1);
    }
  }

  @Test
  void produceAnswersEachPartitionOnItsOwn() throws Exception {
    // given
    createTopic();
    ByteBuffer good = batch(List.of(new KeyedEvent("acc-1", event("Opened", "{}"))), ProducerInfo.NONE);
    ByteBuffer corrupt = batch(List.of(new KeyedEvent("acc-1", event("Opened", "{}"))), ProducerInfo.NONE);
    corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 1));
    int partition = Partitioner.partitionFor("acc-1", PARTITIONS);

    // when
    Produce.Response response = client.call(new Produce.Request(Produce.ACKS_LEADER, 10_000, List.of(
        new TopicItems<>(TOPIC, List.of(new Produce.PartitionData(partition, good),
            new Produce.PartitionData(partition, corrupt), new Produce.PartitionData(99, good))),
        new TopicItems<>("missing", List.of(new Produce.PartitionData(0, good))))));
    Produce.Response badAcks = client.call(new Produce.Request((short) 5, 10_000, List.of()));

    // then
    List<Produce.PartitionResponse> answers = response.topics().get(0).partitions();
    assertThat(answers).extracting(Produce.PartitionResponse::errorCode)
        .containsExactly(ErrorCode.NONE, ErrorCode.CORRUPT_BATCH, ErrorCode.UNKNOWN_TOPIC);
    assertThat(answers.get(1).errorMessage()).contains("crc");
    assertThat(response.topics().get(1).partitions()).extracting(Produce.PartitionResponse::errorCode)
        .containsExactly(ErrorCode.UNKNOWN_TOPIC);
    assertThat(badAcks.errorCode()).isEqualTo(ErrorCode.INVALID_INPUT);
    assertThat(badAcks.errorMessage()).startsWith("acks = 5");
    assertThat(await(node.store().streamVersion(TOPIC, "acc-1"))).isEqualTo(1);
  }

  @Test
  void listOffsetsGivesEarliestLatestAndByTimestamp() throws Exception {
    // given
    createTopic();
    long before = System.currentTimeMillis();
    AppendResult.Appended appended = (AppendResult.Appended) await(node.store().append(AppendRequest.of(TOPIC, "acc-1",
        ExpectedVersion.ANY, List.of(event("Opened", "{}"), event("Deposited", "{}")))));
    int partition = appended.partition();

    // when
    ListOffsets.Response response = client.call(new ListOffsets.Request(List.of(
        new TopicItems<>(TOPIC, List.of(new ListOffsets.PartitionData(partition, ListOffsets.EARLIEST_TIMESTAMP),
            new ListOffsets.PartitionData(partition, ListOffsets.LATEST_TIMESTAMP),
            new ListOffsets.PartitionData(partition, before),
            new ListOffsets.PartitionData(partition, Long.MAX_VALUE),
            new ListOffsets.PartitionData(7, ListOffsets.LATEST_TIMESTAMP),
            new ListOffsets.PartitionData(partition, -5))),
        new TopicItems<>("missing", List.of(new ListOffsets.PartitionData(0, -1))))));

    // then
    List<ListOffsets.PartitionResponse> offsets = response.topics().get(0).partitions();
    assertThat(offsets).extracting(ListOffsets.PartitionResponse::offset).startsWith(0L, 2L, 0L, 2L);
    assertThat(offsets).extracting(ListOffsets.PartitionResponse::errorCode).containsExactly(ErrorCode.NONE,
        ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC, ErrorCode.INVALID_INPUT);
    assertThat(response.topics().get(1).partitions().get(0).errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
  }

  @Test
  void fetchLongPollsAnyPartitionAndAnswersWhenOneGetsRecords() throws Exception {
    // given
    createTopic();
    int partition = Partitioner.partitionFor("acc-1", PARTITIONS);
    int fetchId = client.send(new Fetch.Request(30_000, 1024 * 1024, List.of(new TopicItems<>(TOPIC,
        IntStream.range(0, PARTITIONS).mapToObj(p -> new Fetch.PartitionData(p, 0, 1024 * 1024)).toList()))));

    // when
    await(node.store().append(AppendRequest.of(TOPIC, "acc-1", ExpectedVersion.ANY, List.of(event("Opened", "{}")))));
    RawProtocolClient.Received received = client.receive();

    // then
    assertThat(received.correlationId()).isEqualTo(fetchId);
    Fetch.Response response = (Fetch.Response) received.response();
    Fetch.PartitionResponse answered = response.topics().get(0).partitions().get(partition);
    FetchResult result = answered.toResult(TOPIC, 0);
    assertThat(result.events()).extracting(StoredEvent::type).containsExactly("Opened");
    assertThat(result.highWatermark()).isEqualTo(1);
    assertThat(response.topics().get(0).partitions()).filteredOn(p -> p.partition() != partition)
        .allSatisfy(p -> assertThat(p.records().remaining()).isZero());
  }

  @Test
  void fetchHonoursMaxBytesAcrossPartitionsButAlwaysReturnsTheFirstBatch() throws Exception {
    // given: one batch of about 1 KiB in every partition
    createTopic();
    byte[] big = new byte[1000];
    Arrays.fill(big, (byte) 'x');
    for (int p = 0; p < PARTITIONS; p++) {
      await(node.store().append(AppendRequest.of(TOPIC, firstAggregateOf(p), ExpectedVersion.ANY,
          List.of(new EventData(UUID.randomUUID(), "Big", big, List.of())))));
    }

    // when: max_bytes smaller than one batch
    Fetch.Response response = client.call(new Fetch.Request(0, 10, List.of(new TopicItems<>(TOPIC,
        IntStream.range(0, PARTITIONS).mapToObj(p -> new Fetch.PartitionData(p, 0, 1024 * 1024)).toList()))));

    // then
    List<Fetch.PartitionResponse> partitions = response.topics().get(0).partitions();
    assertThat(partitions.get(0).records().remaining()).isGreaterThan(1000);
    assertThat(partitions.subList(1, PARTITIONS)).allSatisfy(p -> {
      assertThat(p.records().remaining()).isZero();
      assertThat(p.highWatermark()).isEqualTo(1);
    });
  }

  @Test
  void requestsForUnknownTopicsAreAnsweredWithUnknownTopic() throws Exception {
    DescribeTopics.Response describe = client.call(new DescribeTopics.Request("missing"));
    StreamVersion.Response version = client.call(new StreamVersion.Request("missing", "a"));
    Fetch.Response fetch = client.call(new Fetch.Request(10_000, 1024, List.of(new TopicItems<>("missing",
        List.of(new Fetch.PartitionData(0, 0, 1024))))));

    assertThat(describe.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
    assertThat(version.errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
    assertThat(fetch.topics().get(0).partitions().get(0).errorCode()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
    assertThat(Optional.ofNullable(describe.errorMessage())).get().asString().contains("missing");
  }

  private void createTopic() throws Exception {
    await(node.store().createTopic(TOPIC, new TopicConfig().setPartitions(PARTITIONS)));
  }

  private static int partitionOf(String aggregate) {
    return Partitioner.partitionFor(aggregate, PARTITIONS);
  }

  private static String firstAggregateOf(int partition) {
    return IntStream.range(0, 1000).mapToObj(i -> "acc-" + i).filter(a -> partitionOf(a) == partition)
        .findFirst().orElseThrow();
  }
}
