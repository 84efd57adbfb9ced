package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ZipfSamplerTest {

  private static final long SEED = 20261121L;
  private static final int SAMPLES = 200_000;

  @ParameterizedTest(name = "n={0}, s={1}")
  @CsvSource({"10, 1.0", "10, 0.99", "50, 1.5", "7, 0.5"})
  void sampleFrequenciesFollowZipfsLaw(int n, double exponent) {
    // given
    ZipfSampler sampler = new ZipfSampler(n, exponent);
    SplittableRandom random = new SplittableRandom(SEED);
    long[] counts = new long[n + 1];

    // when
    for (int i = 0; i < SAMPLES; i++) {
      counts[sampler.sample(random)]++;
    }

    // then: every rank within 5 standard deviations of its expected count
    double norm = 0;
    for (int k = 1; k <= n; k++) {
      norm += 1 / Math.pow(k, exponent);
    }
    assertThat(counts[0]).as("rank 0 never drawn").isZero();
    for (int k = 1; k <= n; k++) {
      double p = 1 / Math.pow(k, exponent) / norm;
      double expected = SAMPLES * p;
      double sigma = Math.sqrt(SAMPLES * p * (1 - p));
      assertThat((double) counts[k]).as("rank %d of %d, s=%s, seed %d", k, n, exponent, SEED)
          .isBetween(expected - 5 * sigma, expected + 5 * sigma);
    }
  }

  @Test
  void ranksStayWithinOneToNForTenMillionKeys() {
    // given
    ZipfSampler sampler = new ZipfSampler(10_000_000, 0.99);
    SplittableRandom random = new SplittableRandom(SEED);

    // when / then
    for (int i = 0; i < 100_000; i++) {
      assertThat(sampler.sample(random)).isBetween(1, 10_000_000);
    }
  }

  @Test
  void rejectsANonPositiveExponentOrNoRanks() {
    assertThatThrownBy(() -> new ZipfSampler(10, 0)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("zipf-exponent");
    assertThatThrownBy(() -> new ZipfSampler(0, 1)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("must be at least 1");
  }
}
