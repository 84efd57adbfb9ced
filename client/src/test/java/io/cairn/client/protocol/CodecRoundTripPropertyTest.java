package io.cairn.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The codec law: for every message type, decode(encode(m)) equals m and encodes to the same bytes, inside a
 * whole frame (size prefix, header, body) split back out by the {@link FrameParser}. jqwik seeds every run
 * and prints the seed of a failing one.
 */
class CodecRoundTripPropertyTest {

  private static final int TRIES = 100;

  @Property(tries = TRIES)
  void apiVersionsRequest(@ForAll("apiVersionsRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void metadataRequest(@ForAll("metadataRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void createTopicsRequest(@ForAll("createTopicsRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void deleteTopicsRequest(@ForAll("deleteTopicsRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void describeTopicsRequest(@ForAll("describeTopicsRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void appendRequest(@ForAll("appendRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void produceRequest(@ForAll("produceRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void fetchRequest(@ForAll("fetchRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void readStreamRequest(@ForAll("readStreamRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void listOffsetsRequest(@ForAll("listOffsetsRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void streamVersionRequest(@ForAll("streamVersionRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void initProducerIdRequest(@ForAll("initProducerIdRequests") RequestBody request) {
    assertRequestRoundTrips(request);
  }

  @Property(tries = TRIES)
  void apiVersionsResponse(@ForAll("apiVersionsResponses") ResponseBody response) {
    assertResponseRoundTrips(new ApiVersions.Request(), response);
  }

  @Property(tries = TRIES)
  void metadataResponse(@ForAll("metadataResponses") ResponseBody response) {
    assertResponseRoundTrips(Metadata.Request.allTopics(), response);
  }

  @Property(tries = TRIES)
  void createTopicsResponse(@ForAll("createTopicsResponses") ResponseBody response) {
    assertResponseRoundTrips(new CreateTopics.Request("t", Map.of()), response);
  }

  @Property(tries = TRIES)
  void deleteTopicsResponse(@ForAll("deleteTopicsResponses") ResponseBody response) {
    assertResponseRoundTrips(new DeleteTopics.Request("t"), response);
  }

  @Property(tries = TRIES)
  void describeTopicsResponse(@ForAll("describeTopicsResponses") ResponseBody response) {
    assertResponseRoundTrips(new DescribeTopics.Request("t"), response);
  }

  @Property(tries = TRIES)
  void appendResponse(@ForAll("appendResponses") ResponseBody response) {
    assertResponseRoundTrips(new Append.Request("t", "a", Append.EXPECTED_ANY, -1, -1, (short) -1, -1, List.of()), response);
  }

  @Property(tries = TRIES)
  void produceResponse(@ForAll("produceResponses") ResponseBody response) {
    assertResponseRoundTrips(new Produce.Request(Produce.ACKS_ALL, 1000, List.of()), response);
  }

  @Property(tries = TRIES)
  void fetchResponse(@ForAll("fetchResponses") ResponseBody response) {
    assertResponseRoundTrips(new Fetch.Request(0, 1024, List.of()), response);
  }

  @Property(tries = TRIES)
  void readStreamResponse(@ForAll("readStreamResponses") ResponseBody response) {
    assertResponseRoundTrips(new ReadStream.Request(ProtocolArbitraries.READ_STREAM_TOPIC, "a", 1, 10), response);
  }

  @Property(tries = TRIES)
  void listOffsetsResponse(@ForAll("listOffsetsResponses") ResponseBody response) {
    assertResponseRoundTrips(new ListOffsets.Request(List.of()), response);
  }

  @Property(tries = TRIES)
  void streamVersionResponse(@ForAll("streamVersionResponses") ResponseBody response) {
    assertResponseRoundTrips(new StreamVersion.Request("t", "a"), response);
  }

  @Property(tries = TRIES)
  void initProducerIdResponse(@ForAll("initProducerIdResponses") ResponseBody response) {
    assertResponseRoundTrips(new InitProducerId.Request(), response);
  }

  private static void assertRequestRoundTrips(RequestBody request) {
    // given
    RequestHeader header = RequestHeader.of(request.apiKey(), 42, "client-1");
    Buffer frame = Frames.encodeRequest(header, request);

    // when
    Buffer payload = splitOneFrame(frame);
    ProtocolReader in = new ProtocolReader(payload);
    RequestHeader decodedHeader = RequestHeader.decode(in);
    RequestBody decoded = Requests.decode(decodedHeader, in);

    // then
    assertThat(decodedHeader).isEqualTo(header);
    assertSameValue(decoded, request);
    assertThat(Frames.encodeRequest(decodedHeader, decoded)).isEqualTo(frame);
  }

  private static void assertResponseRoundTrips(RequestBody request, ResponseBody response) {
    // given
    Buffer frame = Frames.encodeResponse(17, response);

    // when
    Buffer payload = splitOneFrame(frame);
    ProtocolReader in = new ProtocolReader(payload);
    ResponseHeader header = ResponseHeader.decode(in);
    ResponseBody decoded = Responses.decode(request, in);

    // then
    assertThat(header.correlationId()).isEqualTo(17);
    assertThat(decoded.apiKey()).isEqualTo(request.apiKey()).isEqualTo(response.apiKey());
    assertSameValue(decoded, response);
    assertThat(Frames.encodeResponse(17, decoded)).isEqualTo(frame);
  }

  private static Buffer splitOneFrame(Buffer frame) {
    assertThat(frame.getInt(0)).isEqualTo(frame.length() - Frames.SIZE_BYTES);
    List<Buffer> frames = new ArrayList<>();
    FrameParser parser = new FrameParser(Frames.DEFAULT_MAX_FRAME_BYTES, frames::add, e -> {
      throw e;
    });
    parser.handle(frame);
    assertThat(frames).hasSize(1);
    return frames.get(0);
  }

  private static void assertSameValue(Object actual, Object expected) {
    assertThat(actual).usingRecursiveComparison()
        .withEqualsForType(ByteBuffer::equals, ByteBuffer.class)
        .isEqualTo(expected);
  }

  @Provide
  Arbitrary<RequestBody> apiVersionsRequests() {
    return ProtocolArbitraries.apiVersionsRequests();
  }

  @Provide
  Arbitrary<RequestBody> metadataRequests() {
    return ProtocolArbitraries.metadataRequests();
  }

  @Provide
  Arbitrary<RequestBody> createTopicsRequests() {
    return ProtocolArbitraries.createTopicsRequests();
  }

  @Provide
  Arbitrary<RequestBody> deleteTopicsRequests() {
    return ProtocolArbitraries.deleteTopicsRequests();
  }

  @Provide
  Arbitrary<RequestBody> describeTopicsRequests() {
    return ProtocolArbitraries.describeTopicsRequests();
  }

  @Provide
  Arbitrary<RequestBody> appendRequests() {
    return ProtocolArbitraries.appendRequests();
  }

  @Provide
  Arbitrary<RequestBody> produceRequests() {
    return ProtocolArbitraries.produceRequests();
  }

  @Provide
  Arbitrary<RequestBody> fetchRequests() {
    return ProtocolArbitraries.fetchRequests();
  }

  @Provide
  Arbitrary<RequestBody> readStreamRequests() {
    return ProtocolArbitraries.readStreamRequests();
  }

  @Provide
  Arbitrary<RequestBody> listOffsetsRequests() {
    return ProtocolArbitraries.listOffsetsRequests();
  }

  @Provide
  Arbitrary<RequestBody> streamVersionRequests() {
    return ProtocolArbitraries.streamVersionRequests();
  }

  @Provide
  Arbitrary<RequestBody> initProducerIdRequests() {
    return ProtocolArbitraries.initProducerIdRequests();
  }

  @Provide
  Arbitrary<ResponseBody> apiVersionsResponses() {
    return ProtocolArbitraries.apiVersionsResponses();
  }

  @Provide
  Arbitrary<ResponseBody> metadataResponses() {
    return ProtocolArbitraries.metadataResponses();
  }

  @Provide
  Arbitrary<ResponseBody> createTopicsResponses() {
    return ProtocolArbitraries.createTopicsResponses();
  }

  @Provide
  Arbitrary<ResponseBody> deleteTopicsResponses() {
    return ProtocolArbitraries.deleteTopicsResponses();
  }

  @Provide
  Arbitrary<ResponseBody> describeTopicsResponses() {
    return ProtocolArbitraries.describeTopicsResponses();
  }

  @Provide
  Arbitrary<ResponseBody> appendResponses() {
    return ProtocolArbitraries.appendResponses();
  }

  @Provide
  Arbitrary<ResponseBody> produceResponses() {
    return ProtocolArbitraries.produceResponses();
  }

  @Provide
  Arbitrary<ResponseBody> fetchResponses() {
    return ProtocolArbitraries.fetchResponses();
  }

  @Provide
  Arbitrary<ResponseBody> readStreamResponses() {
    return ProtocolArbitraries.readStreamResponses();
  }

  @Provide
  Arbitrary<ResponseBody> listOffsetsResponses() {
    return ProtocolArbitraries.listOffsetsResponses();
  }

  @Provide
  Arbitrary<ResponseBody> streamVersionResponses() {
    return ProtocolArbitraries.streamVersionResponses();
  }

  @Provide
  Arbitrary<ResponseBody> initProducerIdResponses() {
    return ProtocolArbitraries.initProducerIdResponses();
  }
}
