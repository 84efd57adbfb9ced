package io.cairn.client;

import io.cairn.client.internal.ClientRuntime;
import io.cairn.eventstore.EventStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The Java client of a Cairn node: the {@link EventStore} API over the binary protocol (docs/protocol.md),
 * so code written against the local store runs unchanged against a node, plus a Kafka-style batching
 * {@link #producer()} and polling {@link #consumer()}.
 *
 * <p>Connections: one pipelined connection per node carries every request except long polls; each
 * long-poll Fetch (a {@link #subscribe} read-ahead, a {@link CairnConsumer#poll}, a {@link #fetch} with a
 * wait) takes a connection of its own from a small pool, because the node answers a connection's requests
 * in order and a waiting Fetch would hold back everything behind it (ADR 0008). A lost connection is
 * reopened with exponential backoff ({@code reconnect.backoff.ms} to {@code reconnect.backoff.max.ms}).
 *
 * <p>Failures: every request has {@code request.timeout.ms} ({@link RequestTimeoutException}); calls that
 * fail retryably are retried with backoff within {@code delivery.timeout.ms}: reads always, appends that
 * expect an exact version or carry producer fields always (the node recognises the retry), other writes
 * only when they were certainly not sent (else {@link UnknownOutcomeException}). Node error codes become the
 * exceptions the {@link EventStore} contract names.
 *
 * <p>Thread-safe: every method may be called from any thread. Futures complete on the caller's Vert.x
 * context when it has one, else on the client's event loop.
 */
public interface CairnClient extends EventStore {

  /**
   * Connects to the first reachable of {@code options.bootstrapServers()} on {@code vertx} (the client's
   * I/O runs on an event loop of its own) and completes once the node has answered an ApiVersions request.
   * Fails with {@link io.cairn.eventstore.InvalidInputException} for bad options and with
   * {@link NodeUnavailableException} when no node can be reached within {@code request.timeout.ms}.
   */
  static Future<CairnClient> connect(Vertx vertx, ClientOptions options) {
    return ClientRuntime.connect(vertx, options, false);
  }

  /** As {@link #connect(Vertx, ClientOptions)} on a Vert.x instance of its own, closed by {@link #close()}. */
  static Future<CairnClient> connect(ClientOptions options) {
    return ClientRuntime.connect(null, options, true);
  }

  /**
   * A new batching producer sharing this client's connection (see {@link CairnProducer}). Each producer has
   * its own idempotent-producer id, buffer and batches.
   */
  CairnProducer producer();

  /** A new consumer with its own long-poll connection (see {@link CairnConsumer}). */
  CairnConsumer consumer();

  /** A copy of the options the client runs with. */
  ClientOptions options();

  /**
   * Closes the client: producers flush what they hold (within {@code delivery.timeout.ms}), subscriptions
   * end, consumers close, pending calls fail with {@link io.cairn.eventstore.StoreClosedException},
   * connections close, and an own Vert.x instance is closed. Calls after close fail with
   * {@link io.cairn.eventstore.StoreClosedException}. Idempotent.
   */
  @Override
  Future<Void> close();
}
