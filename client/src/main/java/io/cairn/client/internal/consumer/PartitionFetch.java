package io.cairn.client.internal.consumer;

import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.StoredEvent;
import java.util.List;

/**
 * One partition's part of a Fetch answer, decoded: the events at or after the offset asked for and the
 * offset to fetch from next. Stateless helpers; thread-safe.
 *
 * @param events     the events at or after the fetch offset, in offset order
 * @param nextOffset the offset to fetch from next
 */
public record PartitionFetch(List<StoredEvent> events, long nextOffset) {

  /**
   * Decodes {@code answer} for a fetch of {@code topic} from {@code fromOffset}; throws the exception of its
   * error code when the partition failed.
   */
  public static PartitionFetch decode(String topic, long fromOffset, Fetch.PartitionResponse answer) {
    if (answer.errorCode() != ErrorCode.NONE) {
      throw answer.errorCode().toException(answer.errorMessage());
    }
    List<StoredEvent> events = EventBatches.decode(topic, answer.partition(), answer.records().duplicate(), fromOffset);
    long next = EventBatches.nextOffset(answer.records().duplicate(), fromOffset);
    return new PartitionFetch(events, Math.max(next, fromOffset));
  }

  /** The answer for {@code partition} of {@code topic} in {@code response}; throws if the node left it out. */
  public static Fetch.PartitionResponse find(Fetch.Response response, String topic, int partition) {
    for (TopicItems<Fetch.PartitionResponse> topicResponse : response.topics()) {
      if (topicResponse.name().equals(topic)) {
        for (Fetch.PartitionResponse answer : topicResponse.partitions()) {
          if (answer.partition() == partition) {
            return answer;
          }
        }
      }
    }
    throw new CairnException("the node's Fetch answer has no entry for " + topic + "-" + partition, false);
  }
}
