package io.cairn.aggregates;

/**
 * The contract of an event-sourced aggregate: pure functions over plain records and sealed interfaces.
 * Commands, events and state carry no framework type; time and generated ids come in through the command
 * (or a clock the decider was built with), so the same inputs always give the same outputs.
 *
 * <p>Implementations MUST be free of side effects and thread-safe (they are usually stateless).
 *
 * @param <C> the command family
 * @param <E> the event family
 * @param <S> the state
 */
public interface Decider<C, E, S> {

  /** The state of an aggregate that has no events yet. */
  S initialState();

  /**
   * What {@code command} does to an aggregate in {@code state}: the events to append (possibly none), or a
   * domain rejection ({@link Decision#reject}). A command that is malformed (not a domain refusal) MAY throw
   * {@link CommandValidationException} naming the field; nothing is appended then.
   */
  Decision<E> decide(C command, S state);

  /** The state after {@code event}; MUST accept every event {@link #decide} ever returned. */
  S evolve(S state, E event);
}
