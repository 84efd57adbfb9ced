package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.internal.stream.StreamIndexEntry;
import java.util.List;

/**
 * What a stream read will fetch, decided on the owner thread from the in-memory index and executed
 * on a disk thread.
 *
 * @param aggregateId    the aggregate
 * @param key            its UTF-8 bytes (to reject hash collisions)
 * @param fromVersion    first version wanted
 * @param maxCount       most events wanted
 * @param entries        candidate batches in version order, all below {@code visibleEnd}
 * @param visibleVersion the stream's version as readers see it
 * @param visibleEnd     the high watermark the read is bounded by
 */
record StreamReadPlan(String aggregateId, byte[] key, long fromVersion, int maxCount, List<StreamIndexEntry> entries,
                      long visibleVersion, long visibleEnd) {
}
