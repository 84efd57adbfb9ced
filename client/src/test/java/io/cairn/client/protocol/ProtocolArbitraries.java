package io.cairn.client.protocol;

import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of every message of the protocol, success and error variants, for the round-trip and fuzz
 * properties. Strings avoid unpaired surrogates (UTF-8 cannot carry them, so they would not round-trip).
 */
final class ProtocolArbitraries {

  static final String READ_STREAM_TOPIC = "bank.account";

  private ProtocolArbitraries() {
  }

  static Arbitrary<String> strings() {
    return Arbitraries.oneOf(Arbitraries.strings().ascii().ofMaxLength(12),
        Arbitraries.strings().withCharRange(' ', '\u07ff').withChars('\u20ac').ofMaxLength(8)
            .map(s -> s.replace("\u20ac", "\u20ac\uD83D\uDE00")));
  }

  static Arbitrary<String> nullableStrings() {
    return strings().injectNull(0.2);
  }

  static Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
  }

  static Arbitrary<byte[]> nullableBytes() {
    return bytes().injectNull(0.2);
  }

  /** Heap, offset slices, read-only and direct buffers: the writer must take only their remaining bytes. */
  static Arbitrary<ByteBuffer> byteBuffers() {
    return Combinators.combine(bytes(), Arbitraries.integers().between(0, 3)).as((bytes, kind) -> switch (kind) {
      case 0 -> ByteBuffer.wrap(bytes);
      case 1 -> {
        ByteBuffer padded = ByteBuffer.allocate(bytes.length + 6).put(new byte[] {9, 9, 9}).put(bytes);
        yield padded.position(3).limit(3 + bytes.length);
      }
      case 2 -> ByteBuffer.wrap(bytes).asReadOnlyBuffer();
      default -> {
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length + 4).put(new byte[] {7, 7}).put(bytes);
        yield direct.position(2).limit(2 + bytes.length);
      }
    });
  }

  static Arbitrary<UUID> uuids() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
  }

  static Arbitrary<ErrorCode> errors() {
    return Arbitraries.of(ErrorCode.class).filter(code -> code != ErrorCode.NONE);
  }

  static Arbitrary<ErrorCode> partitionCodes() {
    return Arbitraries.of(ErrorCode.class);
  }

  static Arbitrary<Header> headers() {
    return Combinators.combine(strings(), nullableBytes()).as(Header::new);
  }

  static Arbitrary<EventData> events() {
    return Combinators.combine(uuids(), strings(), nullableBytes(), headers().list().ofMaxSize(3)).as(EventData::new);
  }

  static Arbitrary<StoredEvent> storedEvents(String topic, int partition) {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), nullableStrings(), Arbitraries.longs(),
            uuids().injectNull(0.2), strings(), nullableBytes(), headers().list().ofMaxSize(3))
        .as((offset, timestamp, aggregateId, version, eventId, type, payload, headers) -> new StoredEvent(topic,
            partition, offset, timestamp, aggregateId, version, eventId, type, payload, headers));
  }

  static Arbitrary<TopicConfig> topicConfigs() {
    return Combinators.combine(Arbitraries.integers().between(1, TopicConfig.MAX_PARTITIONS),
            Arbitraries.of(CleanupPolicy.class), Arbitraries.of(FlushMode.class),
            Arbitraries.longs().between(-1, Long.MAX_VALUE), Arbitraries.of(true, false))
        .as((partitions, cleanup, flush, retentionMs, preallocate) -> new TopicConfig().setPartitions(partitions)
            .setCleanupPolicy(cleanup).setFlushMode(flush).setRetentionMs(retentionMs).setPreallocate(preallocate));
  }

  static Arbitrary<TopicDescription> topicDescriptions() {
    Arbitrary<PartitionDescription> partition = Combinators.combine(Arbitraries.integers(), Arbitraries.longs(),
            Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers(),
            Arbitraries.of(true, false))
        .as(PartitionDescription::new);
    return Combinators.combine(strings(), topicConfigs(), partition.list().ofMaxSize(4)).as(TopicDescription::new);
  }

  // ---------------------------------------------------------------- requests

  static Arbitrary<RequestBody> requests() {
    return Arbitraries.oneOf(List.of(apiVersionsRequests(), metadataRequests(), createTopicsRequests(),
        deleteTopicsRequests(), describeTopicsRequests(), appendRequests(), produceRequests(), fetchRequests(),
        readStreamRequests(), listOffsetsRequests(), streamVersionRequests(), initProducerIdRequests()));
  }

  static Arbitrary<RequestBody> apiVersionsRequests() {
    return Arbitraries.just(new ApiVersions.Request());
  }

  static Arbitrary<RequestBody> metadataRequests() {
    return strings().list().ofMaxSize(4).injectNull(0.3)
        .map(topics -> new Metadata.Request(Optional.ofNullable(topics)));
  }

  static Arbitrary<RequestBody> createTopicsRequests() {
    Arbitrary<Map<String, String>> settings = Arbitraries.maps(strings(), strings()).ofMaxSize(4);
    return Arbitraries.oneOf(Combinators.combine(strings(), topicConfigs()).as(CreateTopics.Request::of),
        Combinators.combine(strings(), settings).as(CreateTopics.Request::new));
  }

  static Arbitrary<RequestBody> deleteTopicsRequests() {
    return strings().map(DeleteTopics.Request::new);
  }

  static Arbitrary<RequestBody> describeTopicsRequests() {
    return strings().map(DescribeTopics.Request::new);
  }

  static Arbitrary<RequestBody> appendRequests() {
    return Combinators.combine(strings(), strings(), Arbitraries.bytes(), Arbitraries.longs(), Arbitraries.longs(),
            Arbitraries.shorts(), Arbitraries.integers(), events().list().ofMaxSize(4))
        .as(Append.Request::new);
  }

  /** Up to three topics of up to three partition items each: the {@code topics} of Produce, Fetch, ListOffsets. */
  private static <P> Arbitrary<List<TopicItems<P>>> topics(Arbitrary<P> partition) {
    return Combinators.combine(strings(), partition.list().ofMaxSize(3)).as(TopicItems<P>::new).list().ofMaxSize(3);
  }

  static Arbitrary<RequestBody> produceRequests() {
    Arbitrary<Produce.PartitionData> partition = Combinators.combine(Arbitraries.integers(), byteBuffers())
        .as(Produce.PartitionData::new);
    return Combinators.combine(Arbitraries.shorts(), Arbitraries.integers(), topics(partition))
        .as(Produce.Request::new);
  }

  static Arbitrary<RequestBody> fetchRequests() {
    Arbitrary<Fetch.PartitionData> partition = Combinators.combine(Arbitraries.integers(), Arbitraries.longs(),
        Arbitraries.integers()).as(Fetch.PartitionData::new);
    return Combinators.combine(Arbitraries.integers(), Arbitraries.integers(), topics(partition))
        .as(Fetch.Request::new);
  }

  static Arbitrary<RequestBody> readStreamRequests() {
    return Combinators.combine(Arbitraries.just(READ_STREAM_TOPIC), strings(), Arbitraries.longs(),
        Arbitraries.integers()).as(ReadStream.Request::new);
  }

  static Arbitrary<RequestBody> listOffsetsRequests() {
    Arbitrary<ListOffsets.PartitionData> partition = Combinators.combine(Arbitraries.integers(), Arbitraries.longs())
        .as(ListOffsets.PartitionData::new);
    return topics(partition).map(ListOffsets.Request::new);
  }

  static Arbitrary<RequestBody> streamVersionRequests() {
    return Combinators.combine(strings(), strings()).as(StreamVersion.Request::new);
  }

  static Arbitrary<RequestBody> initProducerIdRequests() {
    return Arbitraries.just(new InitProducerId.Request());
  }

  // ---------------------------------------------------------------- responses

  /** A request and a response to it (the response decoder of ReadStream needs the request's topic). */
  record Exchange(RequestBody request, ResponseBody response) {
  }

  static Arbitrary<Exchange> exchanges() {
    return Arbitraries.oneOf(List.of(
        exchange(new ApiVersions.Request(), apiVersionsResponses()),
        exchange(Metadata.Request.allTopics(), metadataResponses()),
        exchange(new CreateTopics.Request("t", Map.of()), createTopicsResponses()),
        exchange(new DeleteTopics.Request("t"), deleteTopicsResponses()),
        exchange(new DescribeTopics.Request("t"), describeTopicsResponses()),
        exchange(new Append.Request("t", "a", Append.EXPECTED_ANY, -1, -1, (short) -1, -1, List.of()), appendResponses()),
        exchange(new Produce.Request(Produce.ACKS_ALL, 1000, List.of()), produceResponses()),
        exchange(new Fetch.Request(0, 1024, List.of()), fetchResponses()),
        exchange(new ReadStream.Request(READ_STREAM_TOPIC, "a", 1, 10), readStreamResponses()),
        exchange(new ListOffsets.Request(List.of()), listOffsetsResponses()),
        exchange(new StreamVersion.Request("t", "a"), streamVersionResponses()),
        exchange(new InitProducerId.Request(), initProducerIdResponses())));
  }

  static Arbitrary<Exchange> exchange(RequestBody request, Arbitrary<ResponseBody> responses) {
    return responses.map(response -> new Exchange(request, response));
  }

  static Arbitrary<ResponseBody> apiVersionsResponses() {
    Arbitrary<ApiVersions.ApiVersion> api = Combinators.combine(Arbitraries.shorts(), Arbitraries.shorts(),
        Arbitraries.shorts()).as(ApiVersions.ApiVersion::new);
    return withErrors(Combinators.combine(api.list().ofMaxSize(12), strings())
        .as((apis, version) -> new ApiVersions.Response(ErrorCode.NONE, null, apis, version)), ApiVersions.Response::error);
  }

  static Arbitrary<ResponseBody> metadataResponses() {
    Arbitrary<Metadata.Node> node = Combinators.combine(Arbitraries.integers(), strings(), Arbitraries.integers())
        .as(Metadata.Node::new);
    Arbitrary<Metadata.PartitionMetadata> partition = Combinators.combine(Arbitraries.integers(),
        Arbitraries.integers()).as(Metadata.PartitionMetadata::new);
    Arbitrary<Metadata.TopicMetadata> topic = Combinators.combine(partitionCodes(), strings(),
        partition.list().ofMaxSize(4)).as(Metadata.TopicMetadata::new);
    return withErrors(Combinators.combine(Arbitraries.integers(), node.list().ofMaxSize(3), topic.list().ofMaxSize(3))
        .as((nodeId, nodes, topics) -> new Metadata.Response(ErrorCode.NONE, null, nodeId, nodes, topics)),
        Metadata.Response::error);
  }

  static Arbitrary<ResponseBody> createTopicsResponses() {
    return withErrors(topicDescriptions().map(CreateTopics.Response::of), CreateTopics.Response::error);
  }

  static Arbitrary<ResponseBody> deleteTopicsResponses() {
    return withErrors(Arbitraries.just(DeleteTopics.Response.OK), DeleteTopics.Response::new);
  }

  static Arbitrary<ResponseBody> describeTopicsResponses() {
    return withErrors(topicDescriptions().map(DescribeTopics.Response::of), DescribeTopics.Response::error);
  }

  static Arbitrary<ResponseBody> appendResponses() {
    return withErrors(Combinators.combine(Arbitraries.integers(), Arbitraries.of(Append.OUTCOME_APPENDED,
                Append.OUTCOME_VERSION_CONFLICT), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(),
            Arbitraries.longs(), Arbitraries.of(true, false), Arbitraries.longs())
        .as((partition, outcome, first, last, firstVersion, newVersion, duplicate, actual) -> new Append.Response(
            ErrorCode.NONE, null, partition, outcome, first, last, firstVersion, newVersion, duplicate, actual)),
        Append.Response::error);
  }

  static Arbitrary<ResponseBody> produceResponses() {
    Arbitrary<Produce.PartitionResponse> partition = Combinators.combine(Arbitraries.integers(), partitionCodes(),
            nullableStrings(), Arbitraries.longs(), Arbitraries.longs(), Arbitraries.of(true, false))
        .as(Produce.PartitionResponse::new);
    return withErrors(topics(partition).map(Produce.Response::of), Produce.Response::error);
  }

  static Arbitrary<ResponseBody> fetchResponses() {
    Arbitrary<Fetch.PartitionResponse> partition = Combinators.combine(Arbitraries.integers(), partitionCodes(),
            nullableStrings(), Arbitraries.longs(), Arbitraries.longs(), byteBuffers())
        .as(Fetch.PartitionResponse::new);
    return withErrors(topics(partition).map(Fetch.Response::of), Fetch.Response::error);
  }

  static Arbitrary<ResponseBody> readStreamResponses() {
    Arbitrary<ResponseBody> ok = Arbitraries.integers().flatMap(partition -> Combinators.combine(Arbitraries.longs(),
            Arbitraries.longs(), Arbitraries.of(true, false),
            storedEvents(READ_STREAM_TOPIC, partition).list().ofMaxSize(3))
        .as((next, current, end, events) -> new ReadStream.Response(ErrorCode.NONE, null, partition, next, current,
            end, events)));
    return withErrors(ok, ReadStream.Response::error);
  }

  static Arbitrary<ResponseBody> listOffsetsResponses() {
    Arbitrary<ListOffsets.PartitionResponse> partition = Combinators.combine(Arbitraries.integers(),
        partitionCodes(), nullableStrings(), Arbitraries.longs()).as(ListOffsets.PartitionResponse::new);
    return withErrors(topics(partition).map(ListOffsets.Response::of), ListOffsets.Response::error);
  }

  static Arbitrary<ResponseBody> streamVersionResponses() {
    return withErrors(Arbitraries.longs().map(StreamVersion.Response::of), StreamVersion.Response::error);
  }

  static Arbitrary<ResponseBody> initProducerIdResponses() {
    return withErrors(Combinators.combine(Arbitraries.longs(), Arbitraries.shorts())
        .as((id, epoch) -> new InitProducerId.Response(ErrorCode.NONE, null, id, epoch)), InitProducerId.Response::error);
  }

  private interface ErrorFactory {
    ResponseBody error(ErrorCode code, String message);
  }

  private static Arbitrary<ResponseBody> withErrors(Arbitrary<? extends ResponseBody> ok, ErrorFactory error) {
    Arbitrary<ResponseBody> failed = Combinators.combine(errors(), nullableStrings()).as(error::error);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, ok.map(r -> (ResponseBody) r)),
        net.jqwik.api.Tuple.of(1, failed));
  }
}
