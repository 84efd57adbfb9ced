package io.cairn.node.internal.protocol;

import io.cairn.client.protocol.Append;
import io.cairn.client.protocol.ApiVersions;
import io.cairn.client.protocol.CreateTopics;
import io.cairn.client.protocol.DeleteTopics;
import io.cairn.client.protocol.DescribeTopics;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.InitProducerId;
import io.cairn.client.protocol.ListOffsets;
import io.cairn.client.protocol.Metadata;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.ReadStream;
import io.cairn.client.protocol.RequestBody;
import io.cairn.client.protocol.ResponseBody;
import io.cairn.client.protocol.StreamVersion;
import io.cairn.eventstore.EventStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Serves each decoded request from the {@link EventStore}: the mapping of docs/protocol.md's "Requests" table.
 * A request the store refuses fails its future with the store's typed exception; the connection turns it
 * into an error frame ({@code ErrorCode.of}). Per-partition failures of Produce, Fetch and ListOffsets are
 * answered inside the response instead. Thread-safe: it keeps no state of its own.
 */
public final class RequestDispatcher {

  private final EventStore store;
  private final String nodeVersion;
  private final FetchHandler fetch;
  private final ProduceHandler produce;
  private final TopicQueries queries;

  /**
   * @param shutdownSignal completes when the node starts to stop: long polls answer at once from then on
   */
  public RequestDispatcher(Vertx vertx, EventStore store, String nodeVersion, Future<Void> shutdownSignal) {
    this.store = store;
    this.nodeVersion = nodeVersion;
    this.fetch = new FetchHandler(store, shutdownSignal, new FetchBufferPool());
    this.produce = new ProduceHandler(vertx, store);
    this.queries = new TopicQueries(store);
  }

  /**
   * The answer to {@code request}, or a failed future with the reason. A Produce with acks 0 is served the
   * same way; the connection does not send its response.
   */
  Future<Answer> dispatch(RequestBody request, ConnectionInfo connection) {
    try {
      if (request instanceof Fetch.Request fetchRequest) {
        return fetch.handle(fetchRequest);
      }
      return respond(request, connection).map(Answer::of);
    } catch (RuntimeException e) {
      // Converting wire fields to store types (toAppendRequest, topicConfig) throws on bad input.
      return Future.failedFuture(e);
    }
  }

  /** The response to a request other than Fetch; may throw on bad input. */
  private Future<? extends ResponseBody> respond(RequestBody request, ConnectionInfo connection) {
    return switch (request.apiKey()) {
      case API_VERSIONS -> Future.succeededFuture(ApiVersions.Response.ofAllApis(nodeVersion));
      case METADATA -> queries.metadata((Metadata.Request) request, connection);
      case CREATE_TOPICS -> createTopic((CreateTopics.Request) request);
      case DELETE_TOPICS -> store.deleteTopic(((DeleteTopics.Request) request).name())
          .map(ignored -> DeleteTopics.Response.OK);
      case DESCRIBE_TOPICS -> store.describeTopic(((DescribeTopics.Request) request).name())
          .map(DescribeTopics.Response::of);
      case APPEND -> store.append(((Append.Request) request).toAppendRequest()).map(Append.Response::of);
      case PRODUCE -> produce.handle((Produce.Request) request);
      case FETCH -> throw new IllegalStateException("Fetch is handled by dispatch");
      case READ_STREAM -> queries.readStream((ReadStream.Request) request);
      case LIST_OFFSETS -> queries.listOffsets((ListOffsets.Request) request);
      case STREAM_VERSION -> streamVersion((StreamVersion.Request) request);
      case INIT_PRODUCER_ID -> store.initProducerId().map(InitProducerId.Response::of);
    };
  }

  private Future<CreateTopics.Response> createTopic(CreateTopics.Request request) {
    return store.createTopic(request.name(), request.topicConfig()).map(CreateTopics.Response::of);
  }

  private Future<StreamVersion.Response> streamVersion(StreamVersion.Request request) {
    return store.streamVersion(request.topic(), request.aggregateId()).map(StreamVersion.Response::of);
  }
}
