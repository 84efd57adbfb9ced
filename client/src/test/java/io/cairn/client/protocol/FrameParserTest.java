package io.cairn.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
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
