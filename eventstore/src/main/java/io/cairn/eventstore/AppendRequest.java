package io.cairn.eventstore;

import java.util.List;
import java.util.Objects;

/**
 * Events for one aggregate, appended atomically as one batch: all become visible together or none.
 *
 * @param topic           the topic
 * @param aggregateId     the record key; decides the partition; 1 to 32,767 UTF-8 bytes
 * @param expectedVersion the optimistic-concurrency check
 * @param events          1 or more events
 * @param producer        idempotent-producer fields, or {@link ProducerInfo#NONE}
 */
public record AppendRequest(String topic, String aggregateId, ExpectedVersion expectedVersion,
                            List<EventData> events, ProducerInfo producer) {

  public AppendRequest {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(expectedVersion, "expectedVersion");
    Objects.requireNonNull(producer, "producer");
    events = List.copyOf(events);
  }

  /** An append without an idempotent producer. */
  public static AppendRequest of(String topic, String aggregateId, ExpectedVersion expectedVersion,
                                 List<EventData> events) {
    return new AppendRequest(topic, aggregateId, expectedVersion, events, ProducerInfo.NONE);
  }
}
