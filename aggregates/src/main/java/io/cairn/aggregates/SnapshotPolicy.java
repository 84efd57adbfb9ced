package io.cairn.aggregates;

import io.cairn.eventstore.InvalidInputException;

/**
 * When an aggregate's state is written to its snapshot topic: never, or each time its version crosses a
 * multiple of {@link #everyEvents()}.
 *
 * @param everyEvents events between two snapshots; 0 = never
 */
public record SnapshotPolicy(int everyEvents) {

  /** No snapshots: an aggregate is always loaded by replaying its whole stream. */
  public static final SnapshotPolicy NONE = new SnapshotPolicy(0);

  public SnapshotPolicy {
    if (everyEvents < 0) {
      throw new InvalidInputException("snapshot.every.events", everyEvents, "must be 0 (never) or positive");
    }
  }

  /** A snapshot each time the version crosses a multiple of {@code events} (at least 1). */
  public static SnapshotPolicy everyEvents(int events) {
    if (events < 1) {
      throw new InvalidInputException("snapshot.every.events", events, "must be at least 1");
    }
    return new SnapshotPolicy(events);
  }

  /** Whether snapshots are taken at all. */
  public boolean enabled() {
    return everyEvents > 0;
  }

  /** Whether going from {@code fromVersion} to {@code toVersion} crosses a snapshot point. */
  public boolean isDue(long fromVersion, long toVersion) {
    return enabled() && toVersion / everyEvents != fromVersion / everyEvents;
  }
}
