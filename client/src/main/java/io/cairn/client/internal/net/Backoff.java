package io.cairn.client.internal.net;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter, as Kafka's clients do it: attempt {@code n} (from 0) waits
 * {@code min(maxMs, baseMs * 2^n)} scaled by a random factor in {@code [1 - JITTER, 1 + JITTER]}, and never
 * more than {@code maxMs}. Immutable and thread-safe.
 */
public final class Backoff {

  /** Relative spread of a wait, so that many clients do not retry in step. */
  public static final double JITTER = 0.2;

  private final long baseMs;
  private final long maxMs;
  private final DoubleSupplier random;

  /** A backoff from {@code baseMs} doubling up to {@code maxMs}, jittered with a thread-local random. */
  public Backoff(long baseMs, long maxMs) {
    this(baseMs, maxMs, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** As {@link #Backoff(long, long)} with {@code random} giving values in {@code [0, 1)} (seeded in tests). */
  public Backoff(long baseMs, long maxMs, DoubleSupplier random) {
    if (baseMs < 0 || maxMs < baseMs) {
      throw new IllegalArgumentException("backoff needs 0 <= baseMs <= maxMs, got " + baseMs + " and " + maxMs);
    }
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The wait in milliseconds before attempt {@code attempt} + 1, {@code attempt} counting failures from 0. */
  public long delayMs(int attempt) {
    if (baseMs == 0) {
      return 0;
    }
    int shift = Math.min(Math.max(attempt, 0), 62 - (63 - Long.numberOfLeadingZeros(baseMs)));
    long exponential = Math.min(maxMs, baseMs << shift);
    double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
    return Math.min(maxMs, Math.max(1, Math.round(exponential * factor)));
  }

}
