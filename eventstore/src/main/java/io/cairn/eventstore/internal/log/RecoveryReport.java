package io.cairn.eventstore.internal.log;

/**
 * What opening a partition log did to recover it.
 *
 * @param clean             true if a clean-shutdown marker was found and matched: nothing was scanned
 * @param recoveryPoint     the recovery point the scan started from (the log end offset if clean)
 * @param segmentsScanned   segments whose batches were all read and CRC-checked
 * @param bytesScanned      bytes of batches read and CRC-checked (0 after a clean shutdown)
 * @param bytesTruncated    bytes cut from the tail or deleted with later segments (torn or invalid data)
 * @param segmentsDeleted   segments deleted because they followed the truncation point
 * @param indexFilesRebuilt {@code .index} and {@code .timeindex} files rebuilt from their segment
 * @param logEndOffset      the log end offset after recovery
 * @param durationMs        wall time the open took, in milliseconds
 */
public record RecoveryReport(boolean clean, long recoveryPoint, int segmentsScanned, long bytesScanned,
                             long bytesTruncated, int segmentsDeleted, int indexFilesRebuilt, long logEndOffset,
                             long durationMs) {
}
