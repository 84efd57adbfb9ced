package io.cairn.node.internal.protocol;

import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetch over many partitions with one long poll (docs/protocol.md, "7 Fetch"). The store long-polls one
 * partition at a time, so the handler first reads every partition at once (no wait); if none has records or
 * an error and {@code max_wait_ms} is not 0, it long-polls them all and answers as soon as any has records or
 * fails, when all waits end, or when the node starts to stop. Partitions still waiting then are answered
 * empty; their store waits end by themselves within {@code max_wait_ms} (the store has no cancel).
 * {@code max_bytes} bounds the whole response: once a partition returned records, later partitions whose
 * records would go past it are answered empty (the first records are always kept). Stateless.
 */
final class FetchHandler {

  private static final ByteBuffer NO_RECORDS = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private final EventStore store;
  private final Future<Void> shutdownSignal;
  /** Long polls waiting now: the shutdown signal ends them (one listener for all, not one per poll). */
  private final Set<LongPoll> waiting = ConcurrentHashMap.newKeySet();

  FetchHandler(EventStore store, Future<Void> shutdownSignal) {
    this.store = store;
    this.shutdownSignal = shutdownSignal;
    shutdownSignal.onComplete(ignored -> waiting.forEach(poll -> poll.done.tryComplete()));
  }

  Future<Fetch.Response> handle(Fetch.Request request) {
    ensureValid(request);
    List<Slot> slots = new ArrayList<>();
    for (TopicItems<Fetch.PartitionData> topic : request.topics()) {
      for (Fetch.PartitionData partition : topic.partitions()) {
        slots.add(new Slot(topic.name(), partition.partition(), partition.fetchOffset(),
            Math.min(partition.partitionMaxBytes(), request.maxBytes())));
      }
    }
    List<Future<Fetch.PartitionResponse>> immediate = new ArrayList<>(slots.size());
    for (Slot slot : slots) {
      immediate.add(fetch(slot, 0));
    }
    return Future.all(immediate).compose(all -> {
      List<Fetch.PartitionResponse> first = immediate.stream().map(Future::result).toList();
      if (request.maxWaitMs() == 0 || first.stream().anyMatch(FetchHandler::answersAtOnce)
          || shutdownSignal.isComplete() || slots.isEmpty()) {
        return Future.succeededFuture(first);
      }
      return longPoll(slots, first, request.maxWaitMs());
    }).map(results -> response(request, results));
  }

  private Future<List<Fetch.PartitionResponse>> longPoll(List<Slot> slots, List<Fetch.PartitionResponse> first,
                                                         int maxWaitMs) {
    LongPoll poll = new LongPoll(first);
    for (int i = 0; i < slots.size(); i++) {
      int index = i;
      fetch(slots.get(i), maxWaitMs).onSuccess(result -> poll.completed(index, result));
    }
    waiting.add(poll);
    if (shutdownSignal.isComplete()) {
      poll.done.tryComplete();
    }
    return poll.done.future().map(ignored -> {
      waiting.remove(poll);
      return poll.results();
    });
  }

  private Future<Fetch.PartitionResponse> fetch(Slot slot, long maxWaitMs) {
    return store.fetch(slot.topic, slot.partition, slot.fetchOffset, slot.maxBytes, maxWaitMs)
        .map(Fetch.PartitionResponse::of)
        .otherwise(failure -> Fetch.PartitionResponse.error(slot.partition, ErrorCode.of(failure),
            ErrorMessages.of(failure)));
  }

  private static boolean answersAtOnce(Fetch.PartitionResponse partition) {
    return partition.errorCode() != ErrorCode.NONE || partition.records().hasRemaining();
  }

  private static Fetch.Response response(Fetch.Request request, List<Fetch.PartitionResponse> results) {
    List<TopicItems<Fetch.PartitionResponse>> topics = new ArrayList<>(request.topics().size());
    long bytes = 0;
    int index = 0;
    for (TopicItems<Fetch.PartitionData> topic : request.topics()) {
      List<Fetch.PartitionResponse> partitions = new ArrayList<>(topic.partitions().size());
      for (int i = 0; i < topic.partitions().size(); i++) {
        Fetch.PartitionResponse partition = results.get(index++);
        int size = partition.records().remaining();
        if (size > 0 && bytes > 0 && bytes + size > request.maxBytes()) {
          partition = new Fetch.PartitionResponse(partition.partition(), partition.errorCode(),
              partition.errorMessage(), partition.highWatermark(), partition.logStartOffset(), NO_RECORDS);
          size = 0;
        }
        bytes += size;
        partitions.add(partition);
      }
      topics.add(new TopicItems<>(topic.name(), partitions));
    }
    return Fetch.Response.of(topics);
  }

  private static void ensureValid(Fetch.Request request) {
    if (request.maxWaitMs() < 0) {
      throw new InvalidInputException("max_wait_ms", request.maxWaitMs(), "must be at least 0");
    }
    if (request.maxBytes() < 0) {
      throw new InvalidInputException("max_bytes", request.maxBytes(), "must be at least 0");
    }
    for (TopicItems<Fetch.PartitionData> topic : request.topics()) {
      for (Fetch.PartitionData partition : topic.partitions()) {
        if (partition.partitionMaxBytes() < 0) {
          throw new InvalidInputException("partition_max_bytes", partition.partitionMaxBytes(), "must be at least 0");
        }
      }
    }
  }

  /** One partition to read, with its byte limit. */
  private record Slot(String topic, int partition, long fetchOffset, int maxBytes) {
  }

  /**
   * The state of one long poll: the latest answer per partition. Completions arrive on the partitions' owner
   * contexts, so access is synchronized.
   */
  private static final class LongPoll {

    final Promise<Void> done = Promise.promise();
    private final List<Fetch.PartitionResponse> results;
    private int outstanding;

    LongPoll(List<Fetch.PartitionResponse> first) {
      this.results = new ArrayList<>(first);
      this.outstanding = first.size();
    }

    synchronized void completed(int index, Fetch.PartitionResponse result) {
      if (done.future().isComplete()) {
        return;
      }
      results.set(index, result);
      outstanding--;
      if (outstanding == 0 || answersAtOnce(result)) {
        done.tryComplete();
      }
    }

    synchronized List<Fetch.PartitionResponse> results() {
      return List.copyOf(results);
    }
  }
}
