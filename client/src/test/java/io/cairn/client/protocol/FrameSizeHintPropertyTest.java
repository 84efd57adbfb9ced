package io.cairn.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The size hint law: a body's {@link RequestBody#sizeHint()} / {@link ResponseBody#sizeHint()} is 0 or at least
 * the bytes it encodes to, so that {@link Frames} allocates a frame that carries record batches at its size
 * (a frame grown on demand is rounded up to a power of two: up to twice the heap for every fetch response).
 */
class FrameSizeHintPropertyTest {

  private static final int TRIES = 200;
  private static final int LARGE_RECORDS_BYTES = 1 << 20;

  @Property(tries = TRIES)
  void aRequestsHintIsZeroOrCoversItsBody(@ForAll("requests") RequestBody request) {
    // when
    int encoded = encodedBytes(request::encode);

    // then
    assertThat(request.sizeHint()).satisfiesAnyOf(hint -> assertThat(hint).isZero(),
        hint -> assertThat(hint).isGreaterThanOrEqualTo(encoded));
  }

  @Property(tries = TRIES)
  void aResponsesHintIsZeroOrCoversItsBody(@ForAll("exchanges") ProtocolArbitraries.Exchange exchange) {
    // when
    int encoded = encodedBytes(exchange.response()::encode);

    // then
    assertThat(exchange.response().sizeHint()).satisfiesAnyOf(hint -> assertThat(hint).isZero(),
        hint -> assertThat(hint).isGreaterThanOrEqualTo(encoded));
  }

  @Property(tries = TRIES)
  void bodiesWithRecordsHintAtLeastTheirRecords(@ForAll("produceRequests") RequestBody produce,
                                                @ForAll("fetchResponses") ResponseBody fetch) {
    // then
    assertThat(produce.sizeHint()).isGreaterThanOrEqualTo(recordBytes(((Produce.Request) produce).topics()
        .stream().flatMap(t -> t.partitions().stream()).map(Produce.PartitionData::records).toList()));
    assertThat(fetch.sizeHint()).isGreaterThanOrEqualTo(recordBytes(((Fetch.Response) fetch).topics()
        .stream().flatMap(t -> t.partitions().stream()).map(Fetch.PartitionResponse::records).toList()));
  }

  @Property(tries = 20)
  void aFrameWithAMegabyteOfRecordsIsAllocatedAtItsSize(@ForAll("topicNames") String topic) {
    // given
    Fetch.Response response = Fetch.Response.of(List.of(new TopicItems<>(topic, List.of(
        new Fetch.PartitionResponse(0, ErrorCode.NONE, null, 10, 0, ByteBuffer.allocate(LARGE_RECORDS_BYTES)),
        new Fetch.PartitionResponse(1, ErrorCode.NONE, null, 10, 0, ByteBuffer.allocate(LARGE_RECORDS_BYTES / 3))))));
    Produce.Request request = new Produce.Request(Produce.ACKS_LEADER, 1000, List.of(new TopicItems<>(topic,
        List.of(new Produce.PartitionData(0, ByteBuffer.allocate(LARGE_RECORDS_BYTES))))));

    // when
    Buffer responseFrame = Frames.encodeResponse(7, response);
    Buffer requestFrame = Frames.encodeRequest(RequestHeader.of(ApiKey.PRODUCE, 7, "client-1"), request);

    // then: allocated at its size, not grown to the next power of two (2 MiB)
    assertThat(capacity(responseFrame)).isLessThanOrEqualTo(responseFrame.length() + 128 + 3 * topic.length())
        .isGreaterThanOrEqualTo(responseFrame.length());
    assertThat(capacity(requestFrame)).isLessThanOrEqualTo(requestFrame.length() + 128 + 3 * topic.length())
        .isGreaterThanOrEqualTo(requestFrame.length());
  }

  @Provide
  Arbitrary<RequestBody> requests() {
    return ProtocolArbitraries.requests();
  }

  @Provide
  Arbitrary<ProtocolArbitraries.Exchange> exchanges() {
    return ProtocolArbitraries.exchanges();
  }

  @Provide
  Arbitrary<RequestBody> produceRequests() {
    return ProtocolArbitraries.produceRequests();
  }

  @Provide
  Arbitrary<ResponseBody> fetchResponses() {
    return ProtocolArbitraries.fetchResponses();
  }

  @Provide
  Arbitrary<String> topicNames() {
    return ProtocolArbitraries.strings();
  }

  private static int encodedBytes(java.util.function.Consumer<ProtocolWriter> body) {
    Buffer buffer = Buffer.buffer();
    body.accept(new ProtocolWriter(buffer));
    return buffer.length();
  }

  private static int recordBytes(List<ByteBuffer> records) {
    return records.stream().mapToInt(ByteBuffer::remaining).sum();
  }

  /** Capacity of the array behind {@code frame} (Vert.x hands out a slice of its readable bytes). */
  private static int capacity(Buffer frame) {
    ByteBuf view = ((BufferInternal) frame).getByteBuf();
    return view.unwrap() == null ? view.capacity() : view.unwrap().capacity();
  }
}
