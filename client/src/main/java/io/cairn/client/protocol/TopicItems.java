package io.cairn.client.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One item of the {@code topics} array that Produce, Fetch and ListOffsets share in their requests and
 * responses (docs/protocol.md): a topic's name and its partition items, in wire order. Only the partition
 * item {@code P} differs between them ({@code Fetch.PartitionData}, {@code Fetch.PartitionResponse}, ...).
 *
 * @param name       the topic
 * @param partitions its partition items, in wire (request) order
 * @param <P>        the partition item
 */
public record TopicItems<P>(String name, List<P> partitions) {

  public TopicItems {
    Objects.requireNonNull(name, "name");
    partitions = List.copyOf(partitions);
  }

  /** One item per entry of {@code partitionsByTopic}, in its iteration order. */
  public static <P> List<TopicItems<P>> of(Map<String, List<P>> partitionsByTopic) {
    List<TopicItems<P>> topics = new ArrayList<>(partitionsByTopic.size());
    partitionsByTopic.forEach((topic, partitions) -> topics.add(new TopicItems<>(topic, partitions)));
    return topics;
  }
}
