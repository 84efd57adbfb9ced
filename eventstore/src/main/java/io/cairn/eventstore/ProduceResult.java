package io.cairn.eventstore;

/**
 * The outcome of {@link EventStore#produce}: where the batch's records were stored.
 *
 * @param partition  the partition
 * @param baseOffset offset of the first record
 * @param lastOffset offset of the last record
 * @param duplicate  true when the batch was a retry (same producer id, epoch and sequence as a batch
 *                   already stored) and nothing new was stored; the offsets are the original ones
 */
public record ProduceResult(int partition, long baseOffset, long lastOffset, boolean duplicate) {
}
