package io.cairn.eventstore.internal.log;

import java.util.List;

/**
 * What {@link PartitionLog#applyRetention} deleted.
 *
 * @param deletedBaseOffsets base offsets of the deleted segments, ascending (empty if none)
 * @param logStartOffset     the log start offset afterwards
 * @param bytesDeleted       bytes of the deleted {@code .log} files
 */
public record RetentionResult(List<Long> deletedBaseOffsets, long logStartOffset, long bytesDeleted) {

  public RetentionResult {
    deletedBaseOffsets = List.copyOf(deletedBaseOffsets);
  }
}
