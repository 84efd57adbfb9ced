package io.cairn.aggregates.internal;

import io.cairn.aggregates.Decider;
import java.util.List;

/**
 * One aggregate as the gateway knows it: state, version (the number of events folded into the state) and
 * recent command ids. Mutable, and touched only on the gateway's context.
 *
 * @param <S> the state
 */
final class CachedAggregate<S> {

  private S state;
  private long version;
  private final RecentCommands recentCommands;

  public CachedAggregate(S state, long version, RecentCommands recentCommands) {
    this.state = state;
    this.version = version;
    this.recentCommands = recentCommands;
  }

  public S state() {
    return state;
  }

  public long version() {
    return version;
  }

  public RecentCommands recentCommands() {
    return recentCommands;
  }

  /** Folds one stored event at {@code eventVersion}, caused by {@code causationId} (may be null). */
  public <E> void applyStored(Decider<?, E, S> decider, E event, long eventVersion, String causationId) {
    state = decider.evolve(state, event);
    version = eventVersion;
    recentCommands.observe(causationId, eventVersion);
  }

  /** Folds the events {@code commandId} just appended at versions {@code firstVersion} to {@code lastVersion}. */
  public <E> void applyAppended(Decider<?, E, S> decider, List<E> events, String commandId, long firstVersion,
                                long lastVersion) {
    for (E event : events) {
      state = decider.evolve(state, event);
    }
    version = lastVersion;
    recentCommands.record(commandId, firstVersion, lastVersion);
  }
}
