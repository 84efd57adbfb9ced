package io.cairn.eventstore;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Raw record batches read from one partition, as {@link EventStore#fetch} returns them and as the
 * network Fetch response carries them: whole batches in Kafka's v2 format, so the first batch may start
 * before {@code fromOffset}. {@link #events()} decodes them.
 *
 * @param topic          the topic
 * @param partition      the partition
 * @param fromOffset     the offset the fetch asked for
 * @param records        whole record batches (read-only; empty when nothing is there yet)
 * @param highWatermark  end of what readers may see (acknowledged records)
 * @param logStartOffset first offset still stored
 */
public record FetchResult(String topic, int partition, long fromOffset, ByteBuffer records, long highWatermark,
                          long logStartOffset) {

  public FetchResult {
    records = records.asReadOnlyBuffer();
  }

  /** The events at or after {@code fromOffset}, decoded; fails with {@link StorageException} on a bad CRC. */
  public List<StoredEvent> events() {
    return EventBatches.decode(topic, partition, records.duplicate(), fromOffset);
  }

  /** The offset to fetch from next: after the last record returned, or {@code fromOffset} if none. */
  public long nextOffset() {
    return EventBatches.nextOffset(records.duplicate(), fromOffset);
  }
}
