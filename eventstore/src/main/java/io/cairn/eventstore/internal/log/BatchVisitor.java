package io.cairn.eventstore.internal.log;

import java.nio.ByteBuffer;

/** Receives the batches of {@link PartitionLog#scan}, in offset order. */
@FunctionalInterface
public interface BatchVisitor {

  /**
   * Visits one batch. {@code batch} holds exactly the batch between its position and limit; it is a
   * reused buffer, valid only during the call, which the visitor must not keep or modify outside
   * that range.
   *
   * @return true to go on, false to stop the scan
   */
  boolean visit(ByteBuffer batch, long segmentBaseOffset, int positionInSegment);
}
