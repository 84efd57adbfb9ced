package io.cairn.eventstore;

import java.util.List;

/**
 * Events read from one partition by offset.
 *
 * @param topic          the topic
 * @param partition      the partition
 * @param events         events in offset order; empty at the end of the log
 * @param nextOffset     the offset to read from next
 * @param highWatermark  end of what readers may see (acknowledged records)
 * @param logStartOffset first offset still stored (retention deletes older ones)
 */
public record ReadResult(String topic, int partition, List<StoredEvent> events, long nextOffset,
                         long highWatermark, long logStartOffset) {
}
