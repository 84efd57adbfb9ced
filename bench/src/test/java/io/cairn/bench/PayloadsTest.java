package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.eventstore.InvalidInputException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PayloadsTest {

  @ParameterizedTest
  @ValueSource(ints = {8, 9, 100, 200, 4097})
  void payloadIsAJsonDocumentOfExactlyTheRequestedSize(int sizeBytes) throws Exception {
    // given
    SplittableRandom random = new SplittableRandom(3);

    // when
    byte[] payload = Payloads.next(sizeBytes, random);

    // then
    assertThat(payload).hasSize(sizeBytes);
    assertThat(new ObjectMapper().readTree(payload).get("p").asText()).hasSize(sizeBytes - Payloads.MIN_BYTES);
  }

  @Test
  void consecutivePayloadsDiffer() {
    SplittableRandom random = new SplittableRandom(3);
    assertThat(Payloads.next(100, random)).isNotEqualTo(Payloads.next(100, random));
  }

  @Test
  void rejectsASizeBelowTheJsonFrame() {
    assertThatThrownBy(() -> Payloads.next(Payloads.MIN_BYTES - 1, new SplittableRandom(1)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("event-bytes");
  }
}
