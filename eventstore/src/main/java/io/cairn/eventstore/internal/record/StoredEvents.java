package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.StoredEvent;

/**
 * Turns the current record of a {@link RecordBatchReader} into the API's {@link StoredEvent}: the one
 * decoding every reader of events shares (offset reads, stream reads, {@code EventBatches.decode}).
 * Stateless.
 */
public final class StoredEvents {

  private StoredEvents() {
  }

  /** The event of the record {@code reader} is on, read from partition {@code partition} of {@code topic}. */
  public static StoredEvent from(String topic, int partition, RecordBatchReader reader) {
    return new StoredEvent(topic, partition, reader.offset(), reader.timestampMs(),
        reader.keyAsString().orElse(null), EventHeaders.version(reader), EventHeaders.eventId(reader).orElse(null),
        EventHeaders.type(reader), reader.value().orElse(null), EventHeaders.userHeaders(reader));
  }
}
