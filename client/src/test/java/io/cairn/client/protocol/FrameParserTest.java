package io.cairn.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Splitting a byte stream into frames, however it is chunked, with pause and resume. */
class FrameParserTest {

  private final List<Buffer> frames = new ArrayList<>();
  private final List<MalformedFrameException> errors = new ArrayList<>();

  @Test
  void framesSplitAtEveryByteBoundaryComeOutWhole() {
    // given: three frames in one stream
    Buffer stream = Buffer.buffer().appendInt(3).appendString("abc").appendInt(1).appendString("d")
        .appendInt(5).appendString("efghi");

    for (int cut = 0; cut <= stream.length(); cut++) {
      frames.clear();
      FrameParser parser = new FrameParser(16, frames::add, errors::add);

      // when
      parser.handle(stream.getBuffer(0, cut));
      parser.handle(stream.getBuffer(cut, stream.length()));

      // then
      assertThat(frames).extracting(Buffer::toString).as("cut at %d", cut).containsExactly("abc", "d", "efghi");
      assertThat(parser.bufferedBytes()).isZero();
    }
    assertThat(errors).isEmpty();
  }

  @Test
  void framesInRandomChunksComeOutWholeAndInOrder() {
    Random random = new Random(20261121);
    for (int round = 0; round < 200; round++) {
      // given: frames of 1 byte to 3 KiB, some larger than the chunks they arrive in
      frames.clear();
      List<String> sent = new ArrayList<>();
      Buffer stream = Buffer.buffer();
      int frameCount = 1 + random.nextInt(20);
      for (int f = 0; f < frameCount; f++) {
        String payload = randomText(random, 1 + random.nextInt(random.nextBoolean() ? 16 : 3072));
        sent.add(payload);
        stream.appendInt(payload.length()).appendString(payload);
      }
      FrameParser parser = new FrameParser(4096, frames::add, errors::add);

      // when: the stream arrives in chunks of 1 to 700 bytes
      for (int at = 0; at < stream.length(); ) {
        int end = Math.min(stream.length(), at + 1 + random.nextInt(random.nextBoolean() ? 8 : 700));
        parser.handle(stream.getBuffer(at, end));
        at = end;
      }

      // then
      assertThat(frames).extracting(Buffer::toString).as("round %d", round).containsExactlyElementsOf(sent);
      assertThat(parser.bufferedBytes()).isZero();
    }
    assertThat(errors).isEmpty();
  }

  @Test
  void aDeliveredFrameKeepsItsBytesWhileLaterChunksArrive() {
    // given: a frame gathered from three chunks, followed by the start of the next frame
    FrameParser parser = new FrameParser(64, frames::add, errors::add);
    Buffer stream = Buffer.buffer().appendInt(10).appendString("0123456789").appendInt(6).appendString("abcdef");
    parser.handle(stream.getBuffer(0, 5));
    parser.handle(stream.getBuffer(5, 9));
    parser.handle(stream.getBuffer(9, 17));
    assertThat(frames).extracting(Buffer::toString).containsExactly("0123456789");

    // when: the rest of the second frame arrives in pieces
    parser.handle(stream.getBuffer(17, 19));
    parser.handle(stream.getBuffer(19, stream.length()));

    // then: the first frame's slice still reads the same bytes
    assertThat(frames).extracting(Buffer::toString).containsExactly("0123456789", "abcdef");
    assertThat(errors).isEmpty();
  }

  private static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }

  @Test
  void pauseHoldsFramesBackAndResumeDeliversThem() {
    // given
    FrameParser parser = new FrameParser(16, frame -> {
      frames.add(frame);
    }, errors::add);
    parser.pause();

    // when
    parser.handle(Buffer.buffer().appendInt(1).appendString("a").appendInt(1).appendString("b"));

    // then
    assertThat(frames).isEmpty();
    assertThat(parser.bufferedBytes()).isEqualTo(10);

    // when: the handler pauses again after the first frame
    FrameParser[] self = {parser};
    parser.resume();

    // then
    assertThat(frames).extracting(Buffer::toString).containsExactly("a", "b");
    assertThat(self[0].isPaused()).isFalse();
  }

  @Test
  void aHandlerThatPausesStopsDeliveryAfterItsFrame() {
    // given
    FrameParser[] parser = new FrameParser[1];
    parser[0] = new FrameParser(16, frame -> {
      frames.add(frame);
      parser[0].pause();
    }, errors::add);

    // when
    parser[0].handle(Buffer.buffer().appendInt(1).appendString("a").appendInt(1).appendString("b"));

    // then
    assertThat(frames).extracting(Buffer::toString).containsExactly("a");
    parser[0].resume();
    assertThat(frames).extracting(Buffer::toString).containsExactly("a", "b");
  }

  @Test
  void anOversizedFrameIsReportedOnceAndTheRestDropped() {
    // given
    FrameParser parser = new FrameParser(4, frames::add, errors::add);

    // when
    parser.handle(Buffer.buffer().appendInt(1).appendString("a").appendInt(5).appendString("toolong"));
    parser.handle(Buffer.buffer().appendInt(1).appendString("b"));

    // then
    assertThat(frames).extracting(Buffer::toString).containsExactly("a");
    assertThat(errors).singleElement().satisfies(e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
  }

  @Test
  void aZeroSizeIsMalformed() {
    new FrameParser(4, frames::add, errors::add).handle(Buffer.buffer().appendInt(0));

    assertThat(errors).singleElement().satisfies(e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
  }
}
