package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.eventstore.InvalidInputException;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SendStampsTest {

  /** {@link SendStamps#MIN_PAYLOAD_BYTES}, as a constant for the annotation below. */
  private static final int MIN_STAMPED_BYTES = 25;

  @Test
  void theSmallestStampedPayloadIsTheJsonFrameAndTheStamp() {
    assertThat(SendStamps.MIN_PAYLOAD_BYTES).isEqualTo(MIN_STAMPED_BYTES);
  }

  @Property
  void aStampReadsBackAsWritten(@ForAll long sentNanos, @ForAll @IntRange(min = 0, max = 1) int phase,
                                @ForAll @IntRange(min = MIN_STAMPED_BYTES, max = 512) int sizeBytes,
                                @ForAll long seed) {
    // given
    byte[] payload = Payloads.next(sizeBytes, new SplittableRandom(seed));

    // when
    SendStamps.write(payload, sentNanos, phase);

    // then
    assertThat(SendStamps.sentNanos(payload)).isEqualTo(sentNanos);
    assertThat(SendStamps.phase(payload)).isEqualTo(phase);
  }

  @Test
  void aStampedPayloadIsStillAJsonDocumentOfItsSize() throws Exception {
    // given
    byte[] payload = Payloads.next(100, new SplittableRandom(1));

    // when
    SendStamps.write(payload, 0x0123456789abcdefL, SendStamps.MEASURED);

    // then
    assertThat(payload).hasSize(100);
    assertThat(new ObjectMapper().readTree(payload).get("p").asText()).startsWith("0123456789abcdefm");
  }

  @Test
  void theTwoPhasesAreTheIndexesZeroAndOneAndNoOtherIsWritten() {
    byte[] payload = Payloads.next(100, new SplittableRandom(1));
    assertThat(SendStamps.WARMUP).isZero();
    assertThat(SendStamps.MEASURED).isOne();
    assertThatThrownBy(() -> SendStamps.write(payload, 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aPayloadTooSmallForAStampIsRejected() {
    byte[] payload = Payloads.next(SendStamps.MIN_PAYLOAD_BYTES - 1, new SplittableRandom(1));
    assertThatThrownBy(() -> SendStamps.write(payload, 1, SendStamps.MEASURED))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("record-bytes");
  }

  @Test
  void aPhaseByteThatIsALetterOnlyInItsLowSevenBitsIsRecognised() {
    // given: 'm' with the top bit set (0xed), which a 7-bit lookup would have taken for 'm'
    byte[] payload = Payloads.next(100, new SplittableRandom(1));
    SendStamps.write(payload, 1, SendStamps.MEASURED);
    payload[SendStamps.STAMP_OFFSET + 16] = (byte) ('m' | 0x80);

    // then
    assertThatThrownBy(() -> SendStamps.phase(payload)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'m' or 'w'");
  }

  @Test
  void anUnstampedPayloadIsRecognised() {
    // given: random hex has no phase letter where the stamp's is
    byte[] payload = Payloads.next(100, new SplittableRandom(1));

    // then
    assertThatThrownBy(() -> SendStamps.phase(payload)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'m' or 'w'");
  }
}
