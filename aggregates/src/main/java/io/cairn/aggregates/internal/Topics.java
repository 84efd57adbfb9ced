package io.cairn.aggregates.internal;

import io.cairn.aggregates.AggregateType;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import io.cairn.eventstore.TopicExistsException;
import io.cairn.eventstore.UnknownTopicException;
import io.vertx.core.Future;

/** Creates an aggregate type's event and snapshot topics if they are missing. Stateless. */
public final class Topics {

  private Topics() {
  }

  /**
   * Ensures the event topic and, with snapshots enabled, the compacted snapshot topic exist; gives the event
   * topic's description.
   */
  public static Future<TopicDescription> ensure(EventStore store, AggregateType<?, ?, ?> type) {
    return ensure(store, type.topic(), type.topicConfig()).compose(events -> {
      if (!type.snapshotPolicy().enabled()) {
        return Future.succeededFuture(events);
      }
      TopicConfig snapshots = new TopicConfig().setPartitions(events.partitions().size())
          .setCleanupPolicy(CleanupPolicy.COMPACT);
      return ensure(store, type.snapshotTopic(), snapshots).map(created -> events);
    });
  }

  private static Future<TopicDescription> ensure(EventStore store, String topic, TopicConfig config) {
    return store.describeTopic(topic).recover(missing -> {
      if (!(missing instanceof UnknownTopicException)) {
        return Future.failedFuture(missing);
      }
      // Another gateway may create it at the same time: its topic is as good as ours.
      return store.createTopic(topic, config).recover(created -> created instanceof TopicExistsException
          ? store.describeTopic(topic) : Future.failedFuture(created));
    });
  }
}
