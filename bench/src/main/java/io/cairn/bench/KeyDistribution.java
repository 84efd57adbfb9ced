package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a benchmark worker picks the next aggregate among the {@code n} it owns.
 * <ul>
 *   <li>{@link #UNIFORM}: every aggregate equally likely.</li>
 *   <li>{@link #ZIPF}: Zipf's law, aggregate {@code i} (0-based) with weight {@code 1/(i+1)^s}; index 0
 *       is the hottest.</li>
 *   <li>{@link #SEQUENTIAL}: round robin 0, 1, ..., n-1, 0, ...; touches every aggregate, so
 *       {@code n} events make exactly {@code n} distinct aggregates.</li>
 * </ul>
 */
public enum KeyDistribution {
  UNIFORM,
  ZIPF,
  SEQUENTIAL;

  /** The name used on the command line. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The distribution named {@code name} (case-insensitive). */
  public static KeyDistribution forName(String name) {
    for (KeyDistribution distribution : values()) {
      if (distribution.optionName().equalsIgnoreCase(name)) {
        return distribution;
      }
    }
    throw new InvalidInputException("keys", name, "must be uniform, zipf or sequential");
  }

  /**
   * A sampler over {@code [0, n)} using {@code random}. Not thread-safe: one per worker.
   *
   * @param n            number of aggregates, at least 1
   * @param zipfExponent Zipf exponent {@code s > 0}, used by {@link #ZIPF} only
   * @param random       the worker's seeded random source
   */
  public KeySampler sampler(int n, double zipfExponent, SplittableRandom random) {
    if (n < 1) {
      throw new InvalidInputException("aggregates", n, "must be at least 1 per worker");
    }
    return switch (this) {
      case UNIFORM -> () -> random.nextInt(n);
      case ZIPF -> {
        ZipfSampler zipf = new ZipfSampler(n, zipfExponent);
        yield () -> zipf.sample(random) - 1;
      }
      case SEQUENTIAL -> new KeySampler() {
        private int next;

        @Override
        public int next() {
          int index = next;
          next = index + 1 == n ? 0 : index + 1;
          return index;
        }
      };
    };
  }

  /** Draws aggregate indexes. Not thread-safe. */
  @FunctionalInterface
  public interface KeySampler {

    /** The next aggregate index, in {@code [0, n)}. */
    int next();
  }
}
