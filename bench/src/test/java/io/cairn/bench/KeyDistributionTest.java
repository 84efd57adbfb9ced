package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyDistributionTest {

  @Test
  void sequentialVisitsEveryAggregateInTurn() {
    // given
    KeyDistribution.KeySampler sampler = KeyDistribution.SEQUENTIAL.sampler(3, 1, new SplittableRandom(1));

    // when / then
    assertThat(new int[] {sampler.next(), sampler.next(), sampler.next(), sampler.next()})
        .containsExactly(0, 1, 2, 0);
  }

  @Test
  void uniformAndZipfStayInRange() {
    // given
    KeyDistribution.KeySampler uniform = KeyDistribution.UNIFORM.sampler(5, 1, new SplittableRandom(7));
    KeyDistribution.KeySampler zipf = KeyDistribution.ZIPF.sampler(5, 0.99, new SplittableRandom(7));

    // when / then
    for (int i = 0; i < 10_000; i++) {
      assertThat(uniform.next()).isBetween(0, 4);
      assertThat(zipf.next()).isBetween(0, 4);
    }
  }

  @Test
  void namesAreParsedCaseInsensitivelyAndUnknownOnesRejected() {
    assertThat(KeyDistribution.forName("Zipf")).isEqualTo(KeyDistribution.ZIPF);
    assertThat(KeyDistribution.UNIFORM.optionName()).isEqualTo("uniform");
    assertThatThrownBy(() -> KeyDistribution.forName("gauss")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("gauss").hasMessageContaining("uniform, zipf or sequential");
  }
}
