package io.cairn.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes every decoder: arbitrary bytes, and truncations and bit flips of valid frames, decode to a value
 * or fail with {@link MalformedFrameException}, nothing else; lengths and counts larger than the frame fail
 * before anything of their size is allocated. jqwik seeds every run and prints the seed of a failing one.
 */
class CodecFuzzTest {

  private static final int TRIES = 400;
  private static final long MAX_ALLOCATED_BYTES_PER_DECODE = 1024 * 1024;

  /** Every decoder of a frame payload (the bytes after the size prefix). */
  static List<Function<Buffer, Object>> decoders() {
    List<Function<Buffer, Object>> decoders = new ArrayList<>();
    decoders.add(CodecFuzzTest::decodeRequestFrame);
    for (ApiKey api : ApiKey.values()) {
      decoders.add(payload -> decodeRequestBody(api, payload));
    }
    for (RequestBody request : oneRequestOfEachApi()) {
      decoders.add(payload -> decodeResponseFrame(request, payload));
    }
    decoders.add(payload -> {
      ProtocolReader in = new ProtocolReader(payload);
      return ErrorFrame.decodeBody(ResponseHeader.decode(in).correlationId(), in);
    });
    return decoders;
  }

  @Property(tries = TRIES)
  void arbitraryBytesDecodeOrFailAsMalformed(@ForAll @Size(max = 200) byte[] bytes) {
    for (Function<Buffer, Object> decoder : decoders()) {
      assertDecodesOrIsMalformed(decoder, Buffer.buffer(bytes));
    }
  }

  @Property(tries = TRIES)
  void truncatedRequestFramesDecodeOrFailAsMalformed(@ForAll("requestFrames") Buffer payload, @ForAll long seed) {
    int cut = new Random(seed).nextInt(payload.length() + 1);
    assertDecodesOrIsMalformed(CodecFuzzTest::decodeRequestFrame, payload.getBuffer(0, cut));
  }

  @Property(tries = TRIES)
  void bitFlippedRequestFramesDecodeOrFailAsMalformed(@ForAll("requestFrames") Buffer payload, @ForAll long seed,
                                                      @ForAll @IntRange(min = 1, max = 8) int flips) {
    assertDecodesOrIsMalformed(CodecFuzzTest::decodeRequestFrame, flipBits(payload, seed, flips));
  }

  @Property(tries = TRIES)
  void truncatedResponseFramesDecodeOrFailAsMalformed(@ForAll("exchanges") ProtocolArbitraries.Exchange exchange,
                                                      @ForAll long seed) {
    Buffer payload = payloadOf(Frames.encodeResponse(3, exchange.response()));
    int cut = new Random(seed).nextInt(payload.length() + 1);
    assertDecodesOrIsMalformed(p -> decodeResponseFrame(exchange.request(), p), payload.getBuffer(0, cut));
  }

  @Property(tries = TRIES)
  void bitFlippedResponseFramesDecodeOrFailAsMalformed(@ForAll("exchanges") ProtocolArbitraries.Exchange exchange,
                                                       @ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int flips) {
    Buffer payload = payloadOf(Frames.encodeResponse(3, exchange.response()));
    assertDecodesOrIsMalformed(p -> decodeResponseFrame(exchange.request(), p), flipBits(payload, seed, flips));
  }

  @Property(tries = TRIES)
  void frameParserDeliversFramesOrReportsOneError(@ForAll @Size(max = 12) List<@Size(max = 40) byte[]> chunks,
                                                  @ForAll @IntRange(min = 1, max = 64) int maxFrameBytes) {
    // given
    List<Buffer> frames = new ArrayList<>();
    List<MalformedFrameException> errors = new ArrayList<>();
    FrameParser parser = new FrameParser(maxFrameBytes, frames::add, errors::add);

    // when
    int received = 0;
    for (byte[] chunk : chunks) {
      parser.handle(Buffer.buffer(chunk));
      received += chunk.length;
    }

    // then
    assertThat(errors).hasSizeLessThanOrEqualTo(1);
    assertThat(frames).allSatisfy(frame -> assertThat(frame.length()).isBetween(1, maxFrameBytes));
    int delivered = frames.stream().mapToInt(frame -> frame.length() + Frames.SIZE_BYTES).sum();
    assertThat(delivered + parser.bufferedBytes()).isLessThanOrEqualTo(received);
    assertThat(parser.bufferedBytes()).isLessThan(errors.isEmpty() ? Frames.SIZE_BYTES + maxFrameBytes : 1);
  }

  @Test
  void lengthsAndCountsPastTheFrameFailBeforeAllocating() {
    // given: fields claiming 2 GiB (or 2^31 items) in frames of a few bytes
    List<Buffer> payloads = List.of(
        requestPayload(ApiKey.PRODUCE, body -> body.appendShort((short) 1).appendInt(1000).appendInt(1)
            .appendShort((short) 1).appendString("t").appendInt(1).appendInt(0).appendInt(Integer.MAX_VALUE)),
        requestPayload(ApiKey.PRODUCE, body -> body.appendShort((short) 1).appendInt(1000).appendInt(Integer.MAX_VALUE)),
        requestPayload(ApiKey.APPEND, body -> body.appendShort((short) 1).appendString("t").appendShort((short) 1)
            .appendString("a").appendByte((byte) 0).appendLong(-1).appendLong(-1).appendShort((short) -1).appendInt(-1)
            .appendInt(1).appendLong(1).appendLong(2).appendShort((short) 1).appendString("T")
            .appendInt(Integer.MAX_VALUE)),
        requestPayload(ApiKey.METADATA, body -> body.appendInt(Integer.MAX_VALUE - 1)),
        requestPayload(ApiKey.DELETE_TOPICS, body -> body.appendShort(Short.MAX_VALUE)),
        requestPayload(ApiKey.METADATA, body -> body.appendInt(-7)));

    for (Buffer payload : payloads) {
      // when
      long before = allocatedBytes();
      Throwable thrown = catchAny(() -> decodeRequestFrame(payload));
      long allocated = allocatedBytes() - before;

      // then
      assertThat(thrown).isInstanceOf(MalformedFrameException.class);
      assertThat(((MalformedFrameException) thrown).errorCode()).isEqualTo(ErrorCode.MALFORMED_REQUEST);
      assertThat(allocated).as("bytes allocated decoding %s", thrown.getMessage())
          .isLessThan(MAX_ALLOCATED_BYTES_PER_DECODE);
    }
  }

  @Test
  void aTwoGibFrameSizeIsRefusedBeforeBuffering() {
    // given
    List<MalformedFrameException> errors = new ArrayList<>();
    FrameParser parser = new FrameParser(Frames.DEFAULT_MAX_FRAME_BYTES, frame -> {
    }, errors::add);

    // when
    parser.handle(Buffer.buffer().appendInt(Integer.MAX_VALUE).appendBytes(new byte[100]));

    // then
    assertThat(errors).singleElement().satisfies(e -> {
      assertThat(e.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
      assertThat(e.getMessage()).contains("2147483647").contains("socket.request.max.bytes");
    });
    assertThat(parser.bufferedBytes()).isZero();
  }

  @Test
  void unknownApiKeyAndUnsupportedVersionHaveTheirCodes() {
    Buffer unknownApi = Buffer.buffer().appendShort((short) 99).appendShort((short) 0).appendInt(5).appendShort((short) -1);
    Buffer futureVersion = Buffer.buffer().appendShort(ApiKey.FETCH.id()).appendShort((short) 9).appendInt(5)
        .appendShort((short) -1);

    assertThatThrownBy(() -> decodeRequestFrame(unknownApi)).isInstanceOfSatisfying(MalformedFrameException.class,
        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN_API));
    assertThatThrownBy(() -> decodeRequestFrame(futureVersion)).isInstanceOfSatisfying(MalformedFrameException.class,
        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION));
  }

  @Test
  void apiVersionsIsAnsweredAtAnyVersionWhateverItsBody() {
    Buffer future = Buffer.buffer().appendShort(ApiKey.API_VERSIONS.id()).appendShort((short) 3).appendInt(5)
        .appendShort((short) -1).appendBytes(new byte[] {1, 2, 3});

    assertThat(decodeRequestFrame(future)).isEqualTo(new ApiVersions.Request());
  }

  @Test
  void topicSettingsFromANewerNodeAreSkippedButBadValuesAreMalformed() {
    Buffer newer = describeResponse("future.setting", "42");
    Buffer bad = describeResponse("retention.ms", "soon");

    DescribeTopics.Response response = DescribeTopics.Response.decode(new ProtocolReader(newer));
    assertThat(response.topic()).get().satisfies(topic -> assertThat(topic.config().partitions()).isEqualTo(3));
    assertThatThrownBy(() -> DescribeTopics.Response.decode(new ProtocolReader(bad)))
        .isInstanceOf(MalformedFrameException.class).hasMessageContaining("retention.ms");
  }

  @Test
  void trailingBytesAfterABodyAreMalformed() {
    Buffer payload = payloadOf(Frames.encodeRequest(RequestHeader.of(ApiKey.DELETE_TOPICS, 1, null),
        new DeleteTopics.Request("t"))).appendByte((byte) 0);

    assertThatThrownBy(() -> decodeRequestFrame(payload)).isInstanceOf(MalformedFrameException.class)
        .hasMessageContaining("1 bytes after its last field");
  }

  @Provide
  Arbitrary<Buffer> requestFrames() {
    return ProtocolArbitraries.requests().map(request -> payloadOf(Frames.encodeRequest(
        RequestHeader.of(request.apiKey(), 9, "fuzz"), request)));
  }

  @Provide
  Arbitrary<ProtocolArbitraries.Exchange> exchanges() {
    return ProtocolArbitraries.exchanges();
  }

  private static Object decodeRequestFrame(Buffer payload) {
    ProtocolReader in = new ProtocolReader(payload);
    return Requests.decode(RequestHeader.decode(in), in);
  }

  private static Object decodeRequestBody(ApiKey api, Buffer body) {
    return Requests.decode(new RequestHeader(api.id(), api.maxVersion(), 1, null), new ProtocolReader(body));
  }

  private static Object decodeResponseFrame(RequestBody request, Buffer payload) {
    ProtocolReader in = new ProtocolReader(payload);
    ResponseHeader.decode(in);
    return Responses.decode(request, in);
  }

  private static List<RequestBody> oneRequestOfEachApi() {
    return List.of(new ApiVersions.Request(), Metadata.Request.allTopics(), new CreateTopics.Request("t", Map.of()),
        new DeleteTopics.Request("t"), new DescribeTopics.Request("t"),
        new Append.Request("t", "a", Append.EXPECTED_ANY, -1, -1, (short) -1, -1, List.of()),
        new Produce.Request(Produce.ACKS_ALL, 1000, List.of()), new Fetch.Request(0, 1024, List.of()),
        new ReadStream.Request("t", "a", 1, 10), new ListOffsets.Request(List.of()),
        new StreamVersion.Request("t", "a"), new InitProducerId.Request());
  }

  private static Buffer requestPayload(ApiKey api, Function<Buffer, Buffer> body) {
    Buffer payload = Buffer.buffer().appendShort(api.id()).appendShort(api.maxVersion()).appendInt(1)
        .appendShort((short) -1);
    return body.apply(payload);
  }

  /** A DescribeTopics body with partitions=3 and one more setting, no partitions described. */
  private static Buffer describeResponse(String setting, String value) {
    Buffer body = Buffer.buffer().appendShort((short) 0).appendShort((short) -1);
    ProtocolWriter out = new ProtocolWriter(body);
    out.writeString("name", "t").writeInt32(2).writeString("n", "partitions").writeString("v", "3")
        .writeString("n", setting).writeString("v", value).writeInt32(0);
    return body;
  }

  private static Buffer payloadOf(Buffer frame) {
    return frame.getBuffer(Frames.SIZE_BYTES, frame.length());
  }

  private static Buffer flipBits(Buffer payload, long seed, int flips) {
    Buffer flipped = payload.copy();
    if (flipped.length() == 0) {
      return flipped;
    }
    Random random = new Random(seed);
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(flipped.length());
      flipped.setByte(at, (byte) (flipped.getByte(at) ^ (1 << random.nextInt(8))));
    }
    return flipped;
  }

  private static void assertDecodesOrIsMalformed(Function<Buffer, Object> decoder, Buffer payload) {
    long before = allocatedBytes();
    Throwable thrown = catchAny(() -> decoder.apply(payload));
    long allocated = allocatedBytes() - before;
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(MalformedFrameException.class);
    }
    assertThat(allocated).as("bytes allocated decoding %d bytes", payload.length())
        .isLessThan(MAX_ALLOCATED_BYTES_PER_DECODE);
  }

  private static Throwable catchAny(Supplier<Object> decode) {
    try {
      decode.get();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }
}
