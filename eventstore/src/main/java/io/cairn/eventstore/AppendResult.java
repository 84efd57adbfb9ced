package io.cairn.eventstore;

/** The outcome of an append: stored, or refused because the stream's version did not match. */
public sealed interface AppendResult {

  /** The partition the aggregate lives in. */
  int partition();

  /**
   * The events are stored (or were already: a retry recognised by event ids or producer sequence).
   *
   * @param partition    the partition
   * @param firstOffset  offset of the first event
   * @param lastOffset   offset of the last event
   * @param firstVersion stream version of the first event
   * @param newVersion   stream version of the last event: the version to expect next time
   * @param duplicate    true when this was a retry and nothing new was stored
   */
  record Appended(int partition, long firstOffset, long lastOffset, long firstVersion, long newVersion,
                  boolean duplicate) implements AppendResult {
  }

  /**
   * Nothing was stored: the stream's version did not match the expectation.
   *
   * @param partition     the partition
   * @param expected      what the request expected
   * @param actualVersion the stream's version when the append was checked
   */
  record VersionConflict(int partition, ExpectedVersion expected, long actualVersion) implements AppendResult {
  }
}
