package io.cairn.eventstore.internal.log;

/**
 * Where {@link PartitionLog#append} stored a batch.
 *
 * @param baseOffset         offset of the batch's first record
 * @param lastOffset         offset of the batch's last record
 * @param segmentBaseOffset  base offset of the segment holding the batch
 * @param positionInSegment  byte position of the batch in the segment's {@code .log}
 * @param sizeInBytes        size of the batch in bytes
 */
public record LogAppendInfo(long baseOffset, long lastOffset, long segmentBaseOffset, int positionInSegment,
                            int sizeInBytes) {
}
