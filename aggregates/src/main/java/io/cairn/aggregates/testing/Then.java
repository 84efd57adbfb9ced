package io.cairn.aggregates.testing;

import io.cairn.aggregates.CommandValidationException;
import io.cairn.aggregates.Decision;
import io.cairn.aggregates.Rejection;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one command in an {@link AggregateFixture}, with the assertions on it. Each assertion
 * returns {@code this} (or the state) so several can be chained.
 *
 * @param <C> the command family
 * @param <E> the event family
 * @param <S> the state
 */
public final class Then<C, E, S> {

  private final AggregateFixture<C, E, S> fixture;
  private final S stateBefore;
  private final C command;
  private final Decision<E> decision;
  private final RuntimeException failure;

  private Then(AggregateFixture<C, E, S> fixture, S stateBefore, C command, Decision<E> decision,
               RuntimeException failure) {
    this.fixture = fixture;
    this.stateBefore = stateBefore;
    this.command = command;
    this.decision = decision;
    this.failure = failure;
  }

  static <C, E, S> Then<C, E, S> decide(AggregateFixture<C, E, S> fixture, S state, C command) {
    try {
      Decision<E> decision = Objects.requireNonNull(fixture.decider().decide(command, state),
          "the decider returned no decision");
      if (decision instanceof Decision.Accept<E> accept) {
        for (int i = 0; i < accept.events().size(); i++) {
          fixture.roundTrip("decided event " + (i + 1), accept.events().get(i));
        }
      }
      return new Then<>(fixture, state, command, decision, null);
    } catch (CommandValidationException e) {
      return new Then<>(fixture, state, command, null, e);
    }
  }

  /** Asserts that the command was accepted with exactly these events, in this order. */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read
  public final Then<C, E, S> thenEvents(E... expected) {
    List<E> actual = accepted();
    List<E> wanted = Arrays.asList(expected);
    if (!actual.equals(wanted)) {
      throw new AssertionError("when " + command + "\n" + Diff.lists("events", wanted, actual));
    }
    return this;
  }

  /** Asserts that the command was accepted without events (it changes nothing). */
  public Then<C, E, S> thenNoEvents() {
    return thenEvents();
  }

  /** Asserts that the domain rejected the command with {@code code}; returns the rejection. */
  public Rejection thenRejected(String code) {
    if (!(decision instanceof Decision.Reject<E> reject)) {
      throw new AssertionError("when " + command + "\nexpected: rejected with " + code + "\nbut was:  " + describe());
    }
    if (!reject.rejection().code().equals(code)) {
      throw new AssertionError("when " + command + "\nexpected: rejected with " + code + "\nbut was:  rejected with "
          + reject.rejection().code() + " (" + reject.rejection().message() + ")");
    }
    return reject.rejection();
  }

  /** Asserts that the command failed validation on {@code field}; returns the exception. */
  public CommandValidationException thenValidationError(String field) {
    if (!(failure instanceof CommandValidationException invalid)) {
      throw new AssertionError("when " + command + "\nexpected: validation error on " + field + "\nbut was:  " + describe());
    }
    if (!invalid.field().equals(field)) {
      throw new AssertionError("when " + command + "\nexpected: validation error on " + field
          + "\nbut was:  validation error on " + invalid.field() + " (" + invalid.getMessage() + ")");
    }
    return invalid;
  }

  /** Asserts that folding the decided events into the given state gives {@code expected}. */
  public Then<C, E, S> thenState(S expected) {
    S state = stateBefore;
    for (E event : accepted()) {
      state = fixture.decider().evolve(state, event);
    }
    if (!Objects.equals(state, expected)) {
      throw new AssertionError("when " + command + "\nexpected state: " + expected + "\nbut was:        " + state);
    }
    return this;
  }

  private List<E> accepted() {
    if (decision instanceof Decision.Accept<E> accept) {
      return accept.events();
    }
    throw new AssertionError("when " + command + "\nexpected: accepted\nbut was:  " + describe());
  }

  private String describe() {
    if (failure != null) {
      return "validation error: " + failure.getMessage();
    }
    if (decision instanceof Decision.Reject<E> reject) {
      return "rejected with " + reject.rejection().code() + " (" + reject.rejection().message() + ")";
    }
    return "accepted with events " + ((Decision.Accept<E>) decision).events();
  }
}
