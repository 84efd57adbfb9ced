package io.cairn.eventstore;

import java.util.List;

/**
 * A topic and the state of its partitions.
 *
 * @param name       the topic name
 * @param config     its configuration (a copy)
 * @param partitions its partitions in order
 */
public record TopicDescription(String name, TopicConfig config, List<PartitionDescription> partitions) {
}
