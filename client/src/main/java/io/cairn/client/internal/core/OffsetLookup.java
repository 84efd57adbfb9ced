package io.cairn.client.internal.core;

import io.cairn.client.TopicPartition;
import io.cairn.client.internal.net.ChannelSource;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.ListOffsets;
import io.cairn.client.protocol.TopicItems;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ListOffsets for many partitions in one request: the first offset, the high watermark, or the first offset
 * at or after a timestamp. Stateless and thread-safe.
 */
public final class OffsetLookup {

  private OffsetLookup() {
  }

  /**
   * The offset of each partition for its timestamp ({@link ListOffsets#EARLIEST_TIMESTAMP},
   * {@link ListOffsets#LATEST_TIMESTAMP}, or ms since the epoch). Fails with the first partition error
   * (such as {@link io.cairn.eventstore.UnknownTopicException}).
   */
  public static Future<Map<TopicPartition, Long>> offsets(Calls calls, ChannelSource channel,
                                                          Map<TopicPartition, Long> timestamps) {
    Map<String, List<ListOffsets.PartitionData>> byTopic = new LinkedHashMap<>();
    timestamps.forEach((partition, timestamp) -> byTopic.computeIfAbsent(partition.topic(), t -> new ArrayList<>())
        .add(new ListOffsets.PartitionData(partition.partition(), timestamp)));
    ListOffsets.Request request = new ListOffsets.Request(TopicItems.of(byTopic));
    return calls.<ListOffsets.Response>call(channel, request, RetryRule.ALWAYS, 0)
        .compose(response -> {
          Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
          for (TopicItems<ListOffsets.PartitionResponse> topic : response.topics()) {
            for (ListOffsets.PartitionResponse partition : topic.partitions()) {
              if (partition.errorCode() != ErrorCode.NONE) {
                return Future.failedFuture(partition.errorCode().toException(partition.errorMessage()));
              }
              offsets.put(new TopicPartition(topic.name(), partition.partition()), partition.offset());
            }
          }
          for (TopicPartition asked : timestamps.keySet()) {
            if (!offsets.containsKey(asked)) {
              return Future.failedFuture(new io.cairn.eventstore.CairnException("the node's ListOffsets answer has no "
                  + "entry for " + asked, false));
            }
          }
          return Future.succeededFuture(offsets);
        });
  }

  /** The offset of one partition for {@code timestamp}. */
  public static Future<Long> offset(Calls calls, ChannelSource channel, TopicPartition partition, long timestamp) {
    return offsets(calls, channel, Map.of(partition, timestamp)).map(offsets -> offsets.get(partition));
  }
}
