package io.cairn.aggregates.testing;

import io.cairn.eventstore.serde.EventCodec;
import io.cairn.eventstore.serde.SerializedEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Serialization checks for an aggregate's events: each sample must encode and decode back to an equal
 * event, and every type name the codec knows must be covered by at least one sample (so a type added to the
 * codec without a test fails). Stateless.
 */
public final class EventRoundTrip {

  private EventRoundTrip() {
  }

  /**
   * Asserts that every sample round-trips through {@code codec} and that the samples cover all of
   * {@link EventCodec#typeNames()}; the {@link AssertionError} lists every problem found.
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read
  public static <E> void verify(EventCodec<E> codec, E... samples) {
    verify(codec, Arrays.asList(samples));
  }

  /** As {@link #verify(EventCodec, Object[])}. */
  public static <E> void verify(EventCodec<E> codec, List<E> samples) {
    List<String> problems = new ArrayList<>();
    Set<String> uncovered = new TreeSet<>(codec.typeNames());
    for (E sample : samples) {
      check(codec, sample).ifPresent(problems::add);
      try {
        uncovered.remove(codec.encode(sample).type());
      } catch (RuntimeException e) {
        // already reported by check
      }
    }
    if (!uncovered.isEmpty()) {
      problems.add("no sample of the codec's types " + uncovered);
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("event serialization check failed:\n  " + String.join("\n  ", problems));
    }
  }

  /** What is wrong with the round trip of {@code event}, if anything. */
  static <E> Optional<String> check(EventCodec<E> codec, E event) {
    SerializedEvent serialized;
    try {
      serialized = codec.encode(event);
    } catch (RuntimeException e) {
      return Optional.of(event + " does not encode: " + e.getMessage());
    }
    if (!codec.typeNames().contains(serialized.type())) {
      return Optional.of(event + " encodes with type name " + serialized.type() + ", which is not one of the codec's "
          + new TreeSet<>(codec.typeNames()));
    }
    E decoded;
    try {
      decoded = codec.decode(serialized);
    } catch (RuntimeException e) {
      return Optional.of(event + " (type " + serialized.type() + ") does not decode: " + e.getMessage());
    }
    if (!Objects.equals(event, decoded)) {
      return Optional.of(event + " (type " + serialized.type() + ") decodes as " + decoded);
    }
    return Optional.empty();
  }
}
