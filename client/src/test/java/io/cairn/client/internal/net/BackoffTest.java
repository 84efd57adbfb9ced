package io.cairn.client.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final long SEED = 0xBAC0FFL;

  @Test
  void doublesPerAttemptUpToTheMaximumWithoutJitter() {
    Backoff backoff = new Backoff(50, 1000, () -> 0.5);
    assertThat(new long[] {backoff.delayMs(0), backoff.delayMs(1), backoff.delayMs(2), backoff.delayMs(3),
        backoff.delayMs(4), backoff.delayMs(5), backoff.delayMs(60), backoff.delayMs(Integer.MAX_VALUE)})
        .containsExactly(50, 100, 200, 400, 800, 1000, 1000, 1000);
  }

  @Test
  void jitterStaysWithinTwentyPercentAndUnderTheMaximum() {
    Random random = new Random(SEED);
    Backoff backoff = new Backoff(100, 1000, random::nextDouble);
    for (int attempt = 0; attempt < 10; attempt++) {
      long exponential = Math.min(1000, 100L << attempt);
      for (int i = 0; i < 200; i++) {
        assertThat(backoff.delayMs(attempt)).as("seed %x, attempt %d", SEED, attempt)
            .isBetween(Math.round(exponential * 0.8), Math.min(1000, Math.round(exponential * 1.2)));
      }
    }
  }

  @Test
  void zeroBaseMeansNoWaitAndBadBoundsAreRefused() {
    assertThat(new Backoff(0, 0).delayMs(5)).isZero();
    assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10");
    assertThat(new Backoff(Long.MAX_VALUE / 4, Long.MAX_VALUE / 2, () -> 0.5).delayMs(40))
        .isEqualTo(Long.MAX_VALUE / 2);
  }
}
