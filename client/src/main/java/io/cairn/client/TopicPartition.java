package io.cairn.client;

import io.cairn.eventstore.InvalidInputException;
import java.util.Objects;

/**
 * One partition of a topic.
 *
 * @param topic     the topic
 * @param partition the partition number, from 0
 */
public record TopicPartition(String topic, int partition) {

  public TopicPartition {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new InvalidInputException("partition", partition, "must be at least 0");
    }
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
