package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchReader;

/** Turns the current record of a {@link RecordBatchReader} into the API's {@link StoredEvent}. Stateless. */
final class StoredEvents {

  private StoredEvents() {
  }

  static StoredEvent from(String topic, int partition, RecordBatchReader reader) {
    return new StoredEvent(topic, partition, reader.offset(), reader.timestampMs(),
        reader.keyAsString().orElse(null), EventHeaders.version(reader), EventHeaders.eventId(reader).orElse(null),
        EventHeaders.type(reader), reader.value().orElse(null), EventHeaders.userHeaders(reader));
  }
}
