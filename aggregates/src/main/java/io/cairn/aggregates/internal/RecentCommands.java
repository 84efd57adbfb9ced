package io.cairn.aggregates.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The ids of an aggregate's most recent commands with the versions their events took, at most
 * {@code capacity}, oldest dropped first. Rebuilt on replay from the events' causation ids, and stored in
 * snapshots. Not thread-safe: used on the gateway's context only.
 */
final class RecentCommands {

  private final int capacity;
  private final LinkedHashMap<String, VersionRange> ranges = new LinkedHashMap<>();
  private String lastCommandId;

  public RecentCommands(int capacity) {
    this.capacity = capacity;
  }

  /** The versions taken by the events of {@code commandId}, if it is one of the recent commands. */
  public Optional<VersionRange> find(String commandId) {
    return Optional.ofNullable(ranges.get(commandId));
  }

  /** Records that {@code commandId}'s events took {@code range}. */
  public void record(String commandId, VersionRange range) {
    ranges.remove(commandId);
    ranges.put(commandId, range);
    lastCommandId = commandId;
    while (ranges.size() > capacity) {
      ranges.remove(ranges.keySet().iterator().next());
    }
  }

  /**
   * Records one replayed event at {@code version} caused by {@code causationId} (null: not caused by a
   * command): consecutive events of one command extend its range.
   */
  public void observe(String causationId, long version) {
    if (causationId == null) {
      lastCommandId = null;
      return;
    }
    VersionRange last = causationId.equals(lastCommandId) ? ranges.get(causationId) : null;
    if (last != null && last.lastVersion() == version - 1) {
      ranges.put(causationId, new VersionRange(last.firstVersion(), version));
    } else {
      record(causationId, new VersionRange(version, version));
    }
  }

  /** The recent commands, oldest first (a copy). */
  public Map<String, VersionRange> toMap() {
    return new LinkedHashMap<>(ranges);
  }
}
