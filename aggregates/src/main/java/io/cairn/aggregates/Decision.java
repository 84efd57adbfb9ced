package io.cairn.aggregates;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link Decider} decided about one command: events to append, or a domain rejection.
 *
 * @param <E> the event family
 */
public sealed interface Decision<E> {

  /** Accept the command with these events (none: accepted, nothing to append). */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read
  static <E> Decision<E> accept(E... events) {
    return new Accept<>(List.of(events));
  }

  /** Accept the command with these events. */
  static <E> Decision<E> accept(List<E> events) {
    return new Accept<>(events);
  }

  /** Refuse the command for a domain reason, such as {@code insufficient-funds}. */
  static <E> Decision<E> reject(String code, String message) {
    return new Reject<>(new Rejection(code, message));
  }

  /**
   * The command is accepted.
   *
   * @param events the events to append, in order; empty when the command changes nothing
   */
  record Accept<E>(List<E> events) implements Decision<E> {
    public Accept {
      events = List.copyOf(events);
    }
  }

  /**
   * The command is refused; nothing is appended.
   *
   * @param rejection why
   */
  record Reject<E>(Rejection rejection) implements Decision<E> {
    public Reject {
      Objects.requireNonNull(rejection, "rejection");
    }
  }
}
