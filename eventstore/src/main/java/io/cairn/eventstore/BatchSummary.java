package io.cairn.eventstore;

import java.util.Optional;

/**
 * One record batch of a segment file as {@link LogInspector#dump} sees it (like
 * {@code kafka-dump-log}). Fields that could not be read (a torn header) are -1.
 *
 * @param position             byte position of the batch in the file
 * @param baseOffset           offset of the first record
 * @param lastOffset           offset of the last record (baseOffset + lastOffsetDelta)
 * @param recordsCount         number of records
 * @param sizeInBytes          size of the whole batch, 12 + batchLength
 * @param partitionLeaderEpoch leader epoch stamped by the leader, -1 for none
 * @param magic                format version, 2 for record batch v2
 * @param storedCrc            CRC-32C stored in the header, unsigned
 * @param computedCrc          CRC-32C computed over the bytes, unsigned (-1 if the batch is torn)
 * @param compression          codec name ({@code none}, {@code gzip}, {@code snappy}, {@code lz4},
 *                             {@code zstd}) or {@code unknown(N)}
 * @param logAppendTime        true if timestamps are the log append time, false for create time
 * @param transactional        the transactional flag
 * @param control              the control-batch flag
 * @param baseTimestamp        timestamp of the first record, ms
 * @param maxTimestamp         largest record timestamp, ms
 * @param producerId           idempotent producer id, -1 for none
 * @param producerEpoch        producer epoch, -1 for none
 * @param baseSequence         sequence of the first record, -1 for none
 * @param problem              why the batch is not valid (bad CRC, torn, bad magic), if it is not
 */
public record BatchSummary(long position, long baseOffset, long lastOffset, int recordsCount, int sizeInBytes,
                           int partitionLeaderEpoch, byte magic, long storedCrc, long computedCrc, String compression,
                           boolean logAppendTime, boolean transactional, boolean control, long baseTimestamp,
                           long maxTimestamp, long producerId, short producerEpoch, int baseSequence,
                           Optional<String> problem) {

  /** True if the stored CRC matches the bytes. */
  public boolean crcValid() {
    return computedCrc >= 0 && storedCrc == computedCrc;
  }

  /** True if the batch is complete and verifies. */
  public boolean valid() {
    return problem.isEmpty();
  }
}
