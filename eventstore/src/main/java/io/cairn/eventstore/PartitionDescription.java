package io.cairn.eventstore;

/**
 * The state of one partition.
 *
 * @param partition      the partition number
 * @param logStartOffset first offset still stored
 * @param highWatermark  end of the acknowledged records (next offset readers will see)
 * @param logEndOffset   next offset to be assigned
 * @param sizeBytes      bytes of log segments on disk
 * @param segments       number of segment files
 * @param readOnly       whether a storage failure has stopped writes
 */
public record PartitionDescription(int partition, long logStartOffset, long highWatermark, long logEndOffset,
                                   long sizeBytes, int segments, boolean readOnly) {
}
