package io.cairn.node.internal.protocol;

import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.InvalidInputException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Produce (docs/protocol.md, "6 Produce"): hands every partition's batch to {@link EventStore#produce} in
 * request order (the store keeps that order per partition, which idempotent producers rely on) and answers
 * per partition, in request order. A partition not stored within {@code timeout_ms} is answered
 * {@link ErrorCode#REQUEST_TIMED_OUT}; the store may still store it afterwards, as in Kafka, and an
 * idempotent retry then gets it back as a duplicate. Stateless.
 */
final class ProduceHandler {

  private final Vertx vertx;
  private final EventStore store;

  ProduceHandler(Vertx vertx, EventStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  Future<Produce.Response> handle(Produce.Request request) {
    ensureValid(request);
    List<Promise<Produce.PartitionResponse>> answers = new ArrayList<>();
    for (TopicItems<Produce.PartitionData> topic : request.topics()) {
      for (Produce.PartitionData partition : topic.partitions()) {
        Promise<Produce.PartitionResponse> answer = Promise.promise();
        answers.add(answer);
        store.produce(topic.name(), partition.partition(), partition.records())
            .map(Produce.PartitionResponse::of)
            .otherwise(failure -> Produce.PartitionResponse.error(partition.partition(), ErrorCode.of(failure),
                ErrorMessages.of(failure)))
            .onSuccess(answer::tryComplete);
      }
    }
    List<Future<Produce.PartitionResponse>> futures = answers.stream().map(Promise::future).toList();
    long timerId = vertx.setTimer(Math.max(1, request.timeoutMs()), ignored -> timeOut(request, answers));
    return Future.all(futures).map(all -> {
      vertx.cancelTimer(timerId);
      return response(request, futures);
    });
  }

  private static void timeOut(Produce.Request request, List<Promise<Produce.PartitionResponse>> answers) {
    int index = 0;
    for (TopicItems<Produce.PartitionData> topic : request.topics()) {
      for (Produce.PartitionData partition : topic.partitions()) {
        answers.get(index++).tryComplete(Produce.PartitionResponse.error(partition.partition(),
            ErrorCode.REQUEST_TIMED_OUT, "partition " + topic.name() + "-" + partition.partition()
                + " was not stored within timeout_ms = " + request.timeoutMs()));
      }
    }
  }

  private static Produce.Response response(Produce.Request request, List<Future<Produce.PartitionResponse>> futures) {
    List<TopicItems<Produce.PartitionResponse>> topics = new ArrayList<>(request.topics().size());
    int index = 0;
    for (TopicItems<Produce.PartitionData> topic : request.topics()) {
      List<Produce.PartitionResponse> partitions = new ArrayList<>(topic.partitions().size());
      for (int i = 0; i < topic.partitions().size(); i++) {
        partitions.add(futures.get(index++).result());
      }
      topics.add(new TopicItems<>(topic.name(), partitions));
    }
    return Produce.Response.of(topics);
  }

  private static void ensureValid(Produce.Request request) {
    short acks = request.acks();
    if (acks != Produce.ACKS_NONE && acks != Produce.ACKS_LEADER && acks != Produce.ACKS_ALL) {
      throw new InvalidInputException("acks", acks, "must be 0 (no response), 1 or -1 (all)");
    }
    if (request.timeoutMs() < 0) {
      throw new InvalidInputException("timeout_ms", request.timeoutMs(), "must be at least 0");
    }
  }
}
