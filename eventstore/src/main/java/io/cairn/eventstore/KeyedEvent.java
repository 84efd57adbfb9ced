package io.cairn.eventstore;

import java.util.Objects;

/**
 * One event of a Kafka-style produce batch: the aggregate it belongs to and the event. Unlike an
 * {@link AppendRequest}, a batch of keyed events may span many aggregates and checks no version.
 *
 * @param aggregateId the record key; decides the partition; 1 to 32,767 UTF-8 bytes
 * @param event       the event
 */
public record KeyedEvent(String aggregateId, EventData event) {

  public KeyedEvent {
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(event, "event");
  }
}
