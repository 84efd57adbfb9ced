package io.cairn.aggregates.testing;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.Decider;
import io.cairn.eventstore.serde.EventCodec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Given/when/then tests of a {@link Decider}, without a store: given past events, when a command, then the
 * expected events, a rejection or a validation error. Built from an {@link AggregateType}, every event that
 * passes through (given or decided) is also encoded and decoded with the type's codec and must come back
 * equal, so a serialization gap shows up in the test of the behaviour that uses the event.
 *
 * <pre>{@code
 * AggregateFixture.of(type)
 *     .given(new Opened("alice"), new Deposited(100))
 *     .when(new Withdraw("acc-1", "cmd-7", 30))
 *     .thenEvents(new Withdrawn(30));
 * }</pre>
 *
 * <p>Failures are {@link AssertionError}s with both sides listed, so the fixture works with any test
 * framework. Immutable and thread-safe as long as the decider is.
 *
 * @param <C> the command family
 * @param <E> the event family
 * @param <S> the state
 */
public final class AggregateFixture<C, E, S> {

  private final Decider<C, E, S> decider;
  private final EventCodec<E> codec;

  private AggregateFixture(Decider<C, E, S> decider, EventCodec<E> codec) {
    this.decider = Objects.requireNonNull(decider, "decider");
    this.codec = codec;
  }

  /** A fixture for {@code type}'s decider that round-trips every event through the type's codec. */
  public static <C, E, S> AggregateFixture<C, E, S> of(AggregateType<C, E, S> type) {
    return new AggregateFixture<>(type.decider(), type.eventCodec());
  }

  /** A fixture for a bare decider: no serialization checks. */
  public static <C, E, S> AggregateFixture<C, E, S> of(Decider<C, E, S> decider) {
    return new AggregateFixture<>(decider, null);
  }

  /** The aggregate's past: these events, in order, folded from the initial state. */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read
  public final Given<C, E, S> given(E... pastEvents) {
    return given(Arrays.asList(pastEvents));
  }

  /** The aggregate's past: these events, in order, folded from the initial state. */
  public Given<C, E, S> given(List<E> pastEvents) {
    S state = decider.initialState();
    for (int i = 0; i < pastEvents.size(); i++) {
      E event = Objects.requireNonNull(pastEvents.get(i), "given event " + i);
      roundTrip("given event " + (i + 1), event);
      state = decider.evolve(state, event);
    }
    return new Given<>(this, state);
  }

  /** A new aggregate: no past events. */
  public Given<C, E, S> givenNoEvents() {
    return given(List.of());
  }

  Decider<C, E, S> decider() {
    return decider;
  }

  void roundTrip(String what, E event) {
    if (codec != null) {
      Optional<String> problem = EventRoundTrip.check(codec, event);
      if (problem.isPresent()) {
        throw new AssertionError(what + " does not survive serialization: " + problem.get());
      }
    }
  }

  /**
   * An aggregate with a known past.
   *
   * @param <C> the command family
   * @param <E> the event family
   * @param <S> the state
   */
  public static final class Given<C, E, S> {

    private final AggregateFixture<C, E, S> fixture;
    private final S state;

    Given(AggregateFixture<C, E, S> fixture, S state) {
      this.fixture = fixture;
      this.state = state;
    }

    /** The state the given events fold to. */
    public S state() {
      return state;
    }

    /** Decides {@code command} against the given state. */
    public Then<C, E, S> when(C command) {
      return Then.decide(fixture, state, command);
    }
  }
}
