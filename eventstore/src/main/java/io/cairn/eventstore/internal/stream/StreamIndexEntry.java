package io.cairn.eventstore.internal.stream;

/**
 * One stream-index entry: one run of one aggregate, i.e. consecutive records of it inside one batch
 * (an appended batch is one run; a produced batch may hold runs of many aggregates, ADR 0007). The
 * run holds the aggregate's events with versions {@code [firstVersion, firstVersion + eventCount)} at
 * the dense offsets {@code [baseOffset, baseOffset + eventCount)}; the batch holding it starts at byte
 * {@code position} of its segment file, possibly before {@code baseOffset}. The index knows only the
 * key's {@link StreamHash}; two aggregates with the same hash are told apart by reading the record
 * key at {@code baseOffset}. Immutable.
 *
 * @param hash         {@link StreamHash#hash64} of the aggregate id
 * @param firstVersion stream version of the run's first event (the first event of a stream has version 1)
 * @param eventCount   events in the run, at least 1
 * @param baseOffset   offset of the run's first record
 * @param position     byte position of the batch holding the run in its segment file
 */
public record StreamIndexEntry(long hash, long firstVersion, int eventCount, long baseOffset, int position) {

  /** Version of the run's last event. */
  public long lastVersion() {
    return firstVersion + eventCount - 1;
  }

  /** The offset just after the run's last record. */
  public long nextOffset() {
    return baseOffset + eventCount;
  }
}
