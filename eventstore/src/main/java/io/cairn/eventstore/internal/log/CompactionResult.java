package io.cairn.eventstore.internal.log;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link PartitionLog#installCompaction} did.
 *
 * @param installed                  true if the job finished and its outcome is now the log (also
 *                                   when no segment had anything to remove); false if it failed or
 *                                   was aborted (the log is unchanged)
 * @param rewrittenBaseOffsets       base offsets of the segments replaced by cleaned copies,
 *                                   ascending; batch positions in those segments changed (offsets
 *                                   did not), so position-based indexes of other components MUST
 *                                   be rebuilt for them
 * @param lowestRewrittenBaseOffset  the first of {@code rewrittenBaseOffsets}, if any
 * @param bytesReclaimed             bytes by which the {@code .log} files shrank
 * @param recordsRemoved             records dropped (superseded, or tombstones past
 *                                   {@code delete.retention.ms})
 * @param cleanedUpToOffset          segments below this offset are now clean (each key at most
 *                                   once); the next job maps keys from here
 * @param problem                    why the job failed or was aborted; empty if installed
 */
public record CompactionResult(boolean installed, List<Long> rewrittenBaseOffsets,
                               OptionalLong lowestRewrittenBaseOffset, long bytesReclaimed, long recordsRemoved,
                               long cleanedUpToOffset, Optional<String> problem) {

  public CompactionResult {
    rewrittenBaseOffsets = List.copyOf(rewrittenBaseOffsets);
  }

  /** A result for a job whose outcome was not installed, for {@code reason}. */
  static CompactionResult notInstalled(long cleanedUpToOffset, String reason) {
    return new CompactionResult(false, List.of(), OptionalLong.empty(), 0, 0, cleanedUpToOffset,
        Optional.of(reason));
  }
}
