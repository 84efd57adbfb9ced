package io.cairn.node.internal.protocol;

import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.ListOffsets;
import io.cairn.client.protocol.Metadata;
import io.cairn.client.protocol.ReadStream;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicDescription;
import io.cairn.eventstore.UnknownTopicException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The requests that combine several store calls: Metadata (topics and their partition counts), ListOffsets
 * (earliest, latest, by timestamp) and ReadStream (which also needs the aggregate's partition). Stateless.
 */
final class TopicQueries {

  /** The id of the only node, which leads every partition. */
  static final int NODE_ID = 0;

  private final EventStore store;

  TopicQueries(EventStore store) {
    this.store = store;
  }

  /** Metadata: the node, and the requested (or all) topics sorted by name; missing ones with UNKNOWN_TOPIC. */
  Future<Metadata.Response> metadata(Metadata.Request request, ConnectionInfo connection) {
    Future<List<String>> names = request.topics().<Future<List<String>>>map(Future::succeededFuture)
        .orElseGet(store::listTopics);
    return names.compose(topics -> {
      List<String> sorted = new ArrayList<>(new TreeSet<>(topics));
      List<Future<Metadata.TopicMetadata>> described = new ArrayList<>(sorted.size());
      for (String name : sorted) {
        described.add(store.describeTopic(name).map(TopicQueries::topicMetadata)
            .recover(failure -> failure instanceof UnknownTopicException
                ? Future.succeededFuture(new Metadata.TopicMetadata(ErrorCode.UNKNOWN_TOPIC, name, List.of()))
                : Future.failedFuture(failure)));
      }
      return Future.all(described).map(all -> new Metadata.Response(ErrorCode.NONE, null, NODE_ID,
          List.of(new Metadata.Node(NODE_ID, connection.advertisedHost(), connection.advertisedPort())),
          described.stream().map(Future::result).toList()));
    });
  }

  /** ReadStream: the slice, and the partition of the aggregate (from the events, or the partition count). */
  Future<ReadStream.Response> readStream(ReadStream.Request request) {
    return store.readStream(request.topic(), request.aggregateId(), request.fromVersion(), request.maxCount())
        .compose(slice -> partitionOf(request, slice).map(partition -> ReadStream.Response.of(partition, slice)));
  }

  /** ListOffsets: per partition the log start offset (-2), the high watermark (-1) or the offset for a timestamp. */
  Future<ListOffsets.Response> listOffsets(ListOffsets.Request request) {
    List<Future<TopicItems<ListOffsets.PartitionResponse>>> topics = new ArrayList<>(request.topics().size());
    for (TopicItems<ListOffsets.PartitionData> topic : request.topics()) {
      topics.add(store.describeTopic(topic.name())
          .transform(described -> {
            List<Future<ListOffsets.PartitionResponse>> partitions = new ArrayList<>(topic.partitions().size());
            for (ListOffsets.PartitionData partition : topic.partitions()) {
              partitions.add(described.succeeded()
                  ? offset(described.result(), partition)
                  : Future.succeededFuture(partitionError(partition.partition(), described.cause())));
            }
            return Future.all(partitions).map(all -> new TopicItems<>(topic.name(),
                partitions.stream().map(Future::result).toList()));
          }));
    }
    return Future.all(topics).map(all -> ListOffsets.Response.of(topics.stream().map(Future::result).toList()));
  }

  private Future<ListOffsets.PartitionResponse> offset(TopicDescription topic, ListOffsets.PartitionData request) {
    int partition = request.partition();
    if (partition < 0 || partition >= topic.partitions().size()) {
      return Future.succeededFuture(partitionError(partition,
          new UnknownTopicException(topic.name(), partition, topic.partitions().size())));
    }
    PartitionDescription state = topic.partitions().get(partition);
    long timestamp = request.timestamp();
    if (timestamp == ListOffsets.EARLIEST_TIMESTAMP) {
      return Future.succeededFuture(ListOffsets.PartitionResponse.of(partition, state.logStartOffset()));
    }
    if (timestamp == ListOffsets.LATEST_TIMESTAMP) {
      return Future.succeededFuture(ListOffsets.PartitionResponse.of(partition, state.highWatermark()));
    }
    if (timestamp < 0) {
      return Future.succeededFuture(partitionError(partition, new InvalidInputException("timestamp", timestamp,
          "must be -2 (earliest), -1 (latest) or a time in ms since the epoch")));
    }
    return store.offsetForTimestamp(topic.name(), partition, timestamp)
        .map(offset -> ListOffsets.PartitionResponse.of(partition, offset))
        .otherwise(failure -> partitionError(partition, failure));
  }

  private Future<Integer> partitionOf(ReadStream.Request request, StreamSlice slice) {
    if (!slice.events().isEmpty()) {
      return Future.succeededFuture(slice.events().get(0).partition());
    }
    return store.describeTopic(request.topic())
        .map(topic -> Partitioner.partitionFor(request.aggregateId(), topic.partitions().size()));
  }

  private static Metadata.TopicMetadata topicMetadata(TopicDescription topic) {
    List<Metadata.PartitionMetadata> partitions = new ArrayList<>(topic.partitions().size());
    for (PartitionDescription partition : topic.partitions()) {
      partitions.add(new Metadata.PartitionMetadata(partition.partition(), NODE_ID));
    }
    return new Metadata.TopicMetadata(ErrorCode.NONE, topic.name(), partitions);
  }

  private static ListOffsets.PartitionResponse partitionError(int partition, Throwable failure) {
    return ListOffsets.PartitionResponse.error(partition, ErrorCode.of(failure), ErrorMessages.of(failure));
  }
}
