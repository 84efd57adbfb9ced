package io.cairn.client.internal.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.protocol.ApiKey;
import io.cairn.client.protocol.Frames;
import io.cairn.client.protocol.Metadata;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.RequestHeader;
import io.cairn.client.protocol.TopicItems;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExchangeTest {

  private static void assertSameFrameAsTheCodec(RequestBody request) {
    // given
    Exchange exchange = Exchange.of(request, "client-7", 1000);

    // when
    exchange.queued(42, 0);

    // then
    assertThat(exchange.takeFrameForWrite().getBytes())
        .isEqualTo(Frames.encodeRequest(RequestHeader.of(request.apiKey(), 42, "client-7"), request).getBytes());
    assertThat(exchange.written()).isTrue();
    assertThat(exchange.correlationId()).isEqualTo(42);
  }

  @Test
  void framesAreTheCodecsWithTheCorrelationIdStampedWhenQueued() {
    assertSameFrameAsTheCodec(Metadata.Request.of(List.of("a", "b")));
    assertSameFrameAsTheCodec(new Produce.Request(Produce.ACKS_ALL, 30_000, List.of(
        new TopicItems<>("orders", List.of(new Produce.PartitionData(0, ByteBuffer.wrap(new byte[5000])),
            new Produce.PartitionData(3, ByteBuffer.wrap(new byte[70])))),
        new TopicItems<>("ledger", List.of(new Produce.PartitionData(1, ByteBuffer.wrap(new byte[1])))))));
  }

  @Test
  void theSizeHintOfAProduceRequestCoversItsFrame() {
    Produce.Request produce = new Produce.Request(Produce.ACKS_LEADER, 100, List.of(new TopicItems<>("t",
        List.of(new Produce.PartitionData(0, ByteBuffer.wrap(new byte[100_000]))))));
    int frameBytes = Frames.encodeRequest(RequestHeader.of(ApiKey.PRODUCE, 1, "c"), produce).length();
    assertThat(Exchange.sizeHint(produce)).isBetween(frameBytes, frameBytes + 512);
  }

  @Test
  void produceWithAcksZeroExpectsNoResponse() {
    assertThat(Exchange.of(new Produce.Request(Produce.ACKS_NONE, 100, List.of()), "c", 1).expectsResponse()).isFalse();
    assertThat(Exchange.of(new Produce.Request(Produce.ACKS_ALL, 100, List.of()), "c", 1).expectsResponse()).isTrue();
    assertThat(Exchange.of(Metadata.Request.allTopics(), "c", 1).expectsResponse()).isTrue();
  }
}
