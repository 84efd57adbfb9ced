package io.cairn.aggregates.internal;

/**
 * The stream versions a command's events took, both ends inclusive.
 *
 * @param firstVersion version of the command's first event
 * @param lastVersion  version of its last event
 */
public record VersionRange(long firstVersion, long lastVersion) {

  /** How many events the command appended. */
  public int eventCount() {
    return Math.toIntExact(lastVersion - firstVersion + 1);
  }
}
