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
 * records would go past it are answered empty (the first records are always kept).
 *
 * <p>Records are read into buffers of a {@link FetchBufferPool}, one {@link FetchLease} per store fetch; the
 * {@link Answer} gives back the buffers of the records it carries once it is encoded. Buffers of reads whose records
 * are not sent (superseded, dropped for {@code max_bytes}, or finished after the answer) are left to the garbage
 * collector. Thread-safe: it keeps no state of its own but the pool and the polls waiting.
 */
final class FetchHandler {

  private static final ByteBuffer NO_RECORDS = ByteBuffer.allocate(0).asReadOnlyBuffer();

  private final EventStore store;
  private final Future<Void> shutdownSignal;
  private final FetchBufferPool buffers;
  /** Long polls waiting now: the shutdown signal ends them (one listener for all, not one per poll). */
  private final Set<LongPoll> waiting = ConcurrentHashMap.newKeySet();

  FetchHandler(EventStore store, Future<Void> shutdownSignal, FetchBufferPool buffers) {
    this.store = store;
    this.shutdownSignal = shutdownSignal;
    this.buffers = buffers;
    shutdownSignal.onComplete(ignored -> waiting.forEach(poll -> poll.done.tryComplete()));
  }

  Future<Answer> handle(Fetch.Request request) {
    ensureValid(request);
    List<Slot> slots = new ArrayList<>();
    for (TopicItems<Fetch.PartitionData> topic : request.topics()) {
      for (Fetch.PartitionData partition : topic.partitions()) {
        slots.add(new Slot(topic.name(), partition.partition(), partition.fetchOffset(),
            Math.min(partition.partitionMaxBytes(), request.maxBytes())));
      }
    }
    List<Future<Fetched>> immediate = new ArrayList<>(slots.size());
    for (Slot slot : slots) {
      immediate.add(fetch(slot, 0));
    }
    return Future.all(immediate).compose(all -> {
      List<Fetched> first = immediate.stream().map(Future::result).toList();
      if (request.maxWaitMs() == 0 || first.stream().anyMatch(FetchHandler::answersAtOnce)
          || shutdownSignal.isComplete() || slots.isEmpty()) {
        return Future.succeededFuture(first);
      }
      return longPoll(slots, first, request.maxWaitMs());
    }).map(results -> answer(request, results));
  }

  private Future<List<Fetched>> longPoll(List<Slot> slots, List<Fetched> first, int maxWaitMs) {
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

  private Future<Fetched> fetch(Slot slot, long maxWaitMs) {
    FetchLease lease = new FetchLease(buffers);
    return store.fetch(slot.topic, slot.partition, slot.fetchOffset, slot.maxBytes, maxWaitMs, lease)
        .map(result -> new Fetched(Fetch.PartitionResponse.of(result), lease))
        .otherwise(failure -> new Fetched(Fetch.PartitionResponse.error(slot.partition, ErrorCode.of(failure),
            ErrorMessages.of(failure)), null));
  }

  private static boolean answersAtOnce(Fetched fetched) {
    return fetched.response.errorCode() != ErrorCode.NONE || fetched.response.records().hasRemaining();
  }

  private static Answer answer(Fetch.Request request, List<Fetched> results) {
    List<TopicItems<Fetch.PartitionResponse>> topics = new ArrayList<>(request.topics().size());
    List<FetchLease> sent = new ArrayList<>();
    long bytes = 0;
    int index = 0;
    for (TopicItems<Fetch.PartitionData> topic : request.topics()) {
      List<Fetch.PartitionResponse> partitions = new ArrayList<>(topic.partitions().size());
      for (int i = 0; i < topic.partitions().size(); i++) {
        Fetched fetched = results.get(index++);
        Fetch.PartitionResponse partition = fetched.response;
        int size = partition.records().remaining();
        if (size > 0 && bytes > 0 && bytes + size > request.maxBytes()) {
          partition = new Fetch.PartitionResponse(partition.partition(), partition.errorCode(),
              partition.errorMessage(), partition.highWatermark(), partition.logStartOffset(), NO_RECORDS);
          size = 0;
        } else if (fetched.lease != null) {
          sent.add(fetched.lease);
        }
        bytes += size;
        partitions.add(partition);
      }
      topics.add(new TopicItems<>(topic.name(), partitions));
    }
    return new Answer(Fetch.Response.of(topics), () -> sent.forEach(FetchLease::giveBack));
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

  /** A partition's answer, and the lease of the buffer its records are in (null for an error). */
  private record Fetched(Fetch.PartitionResponse response, FetchLease lease) {
  }

  /**
   * The state of one long poll: the latest answer per partition. Completions arrive on the partitions' owner
   * contexts, so access is synchronized.
   */
  private static final class LongPoll {

    final Promise<Void> done = Promise.promise();
    private final List<Fetched> results;
    private int outstanding;

    LongPoll(List<Fetched> first) {
      this.results = new ArrayList<>(first);
      this.outstanding = first.size();
    }

    synchronized void completed(int index, Fetched result) {
      if (done.future().isComplete()) {
        return;
      }
      results.set(index, result);
      outstanding--;
      if (outstanding == 0 || answersAtOnce(result)) {
        done.tryComplete();
      }
    }

    synchronized List<Fetched> results() {
      return List.copyOf(results);
    }
  }
}
