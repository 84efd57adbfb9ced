package io.cairn.eventstore.internal.stream;

/**
 * One stream-index entry: one record batch of one aggregate. The batch holds the aggregate's
 * events with versions {@code [firstVersion, firstVersion + eventCount)} at the dense offsets
 * {@code [baseOffset, baseOffset + eventCount)}, and starts at byte {@code position} of its segment
 * file. The index knows only the key's {@link StreamHash}; two aggregates with the same hash are
 * told apart by reading the record key at {@code baseOffset}. Immutable.
 *
 * @param hash         {@link StreamHash#hash64} of the aggregate id
 * @param firstVersion stream version of the batch's first event (the first event of a stream has version 1)
 * @param eventCount   events in the batch, at least 1
 * @param baseOffset   offset of the batch's first record
 * @param position     byte position of the batch in its segment file
 */
public record StreamIndexEntry(long hash, long firstVersion, int eventCount, long baseOffset, int position) {

  /** Version of the batch's last event. */
  public long lastVersion() {
    return firstVersion + eventCount - 1;
  }

  /** The offset just after the batch's last record. */
  public long nextOffset() {
    return baseOffset + eventCount;
  }
}
