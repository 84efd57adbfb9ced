package io.cairn.node.client;

import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * A node started in-process on a data directory (ports chosen by the OS) and a {@link CairnClient} connected
 * to it, seen as one {@link EventStore}: every call goes over the binary protocol, and {@link #close()}
 * closes the client, then stops the node. Every method forwards to the client, the default ones too
 * ({@code NodeBackedStoreTest} checks), so that the contract tests exercise the client's own code.
 */
public final class NodeBackedStore implements EventStore {

  private final CairnNode node;
  private final CairnClient client;

  private NodeBackedStore(CairnNode node, CairnClient client) {
    this.node = node;
    this.client = client;
  }

  /** Starts a node on {@code dataDir} and connects a client on {@code vertx} with default options. */
  public static Future<NodeBackedStore> start(Vertx vertx, Path dataDir) {
    return start(vertx, dataDir, UnaryOperator.identity());
  }

  /** As {@link #start(Vertx, Path)}, the client options adjusted by {@code clientOptions}. */
  public static Future<NodeBackedStore> start(Vertx vertx, Path dataDir, UnaryOperator<ClientOptions> clientOptions) {
    return CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(0).setPort(0))
        .compose(node -> CairnClient.connect(vertx, clientOptions.apply(
                new ClientOptions().setBootstrapServers("127.0.0.1:" + node.protocolPort())))
            .recover(failure -> node.stop().transform(ignored -> Future.failedFuture(failure)))
            .map(client -> new NodeBackedStore(node, client)));
  }

  public CairnNode node() {
    return node;
  }

  public CairnClient client() {
    return client;
  }

  @Override
  public Future<TopicDescription> createTopic(String name, TopicConfig config) {
    return client.createTopic(name, config);
  }

  @Override
  public Future<Void> deleteTopic(String name) {
    return client.deleteTopic(name);
  }

  @Override
  public Future<List<String>> listTopics() {
    return client.listTopics();
  }

  @Override
  public Future<TopicDescription> describeTopic(String name) {
    return client.describeTopic(name);
  }

  @Override
  public Future<AppendResult> append(AppendRequest request) {
    return client.append(request);
  }

  @Override
  public List<Future<AppendResult>> appendEach(List<AppendRequest> requests) {
    return client.appendEach(requests);
  }

  @Override
  public Future<ReadResult> read(String topic, int partition, long fromOffset, int maxBytes) {
    return client.read(topic, partition, fromOffset, maxBytes);
  }

  @Override
  public Future<StreamSlice> readStream(String topic, String aggregateId, long fromVersionInclusive, int maxCount) {
    return client.readStream(topic, aggregateId, fromVersionInclusive, maxCount);
  }

  @Override
  public Future<Long> streamVersion(String topic, String aggregateId) {
    return client.streamVersion(topic, aggregateId);
  }

  @Override
  public Future<Long> offsetForTimestamp(String topic, int partition, long timestampMs) {
    return client.offsetForTimestamp(topic, partition, timestampMs);
  }

  @Override
  public ReadStream<StoredEvent> subscribe(String topic, int partition, StartPosition start) {
    return client.subscribe(topic, partition, start);
  }

  @Override
  public Future<ProducerId> initProducerId() {
    return client.initProducerId();
  }

  @Override
  public Future<ProduceResult> produce(String topic, int partition, ByteBuffer recordBatch) {
    return client.produce(topic, partition, recordBatch);
  }

  @Override
  public Future<FetchResult> fetch(String topic, int partition, long fromOffset, int maxBytes, long maxWaitMs) {
    return client.fetch(topic, partition, fromOffset, maxBytes, maxWaitMs);
  }

  @Override
  public Future<FetchResult> fetch(String topic, int partition, long fromOffset, int maxBytes, long maxWaitMs,
                                   IntFunction<ByteBuffer> buffers) {
    return client.fetch(topic, partition, fromOffset, maxBytes, maxWaitMs, buffers);
  }

  /** Closes the client, then stops the node (whatever the client's close did). */
  @Override
  public Future<Void> close() {
    return client.close().transform(closed -> node.stop().compose(stopped ->
        closed.failed() ? Future.<Void>failedFuture(closed.cause()) : Future.<Void>succeededFuture()));
  }
}
