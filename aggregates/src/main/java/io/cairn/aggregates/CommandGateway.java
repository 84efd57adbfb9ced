package io.cairn.aggregates;

import io.vertx.core.Future;

/**
 * Runs commands of one aggregate type against an event store (the local store or a {@code CairnClient}),
 * with optimistic concurrency. Create one with {@link CommandGateways#create}.
 *
 * <p>Commands for one aggregate run one at a time, in the order they were sent, on one Vert.x context (over
 * the local store, the context of the aggregate's partition: see {@link CommandGateways#create}); an LRU
 * cache keeps each recent aggregate's state and version so the normal path appends without reading the
 * stream. If another writer appended first (a version conflict), the gateway reads the
 * new events, decides again and retries, a bounded number of times. A command whose id was already applied
 * (within {@link GatewayOptions#recentCommandIds()} commands of its aggregate) is not decided again: the
 * original result is returned and nothing is appended.
 *
 * <p>Thread-safe: {@link #send} may be called from any thread.
 *
 * @param <C> the command family
 * @param <E> the event family
 */
public interface CommandGateway<C, E> {

  /**
   * Decides {@code command} against its aggregate's current state and appends the resulting events. The
   * future completes with {@link CommandResult.Accepted} (new version and events) or
   * {@link CommandResult.Rejected}, or fails with {@link CommandValidationException} (malformed command or
   * missing aggregate/command id), {@link ConflictException} (conflicts on every attempt),
   * {@link CommandTimeoutException}, a {@link io.cairn.eventstore.serde.SerializationException}, or the
   * store's own failure passed through (e.g. not leader, storage error). Never throws.
   */
  Future<CommandResult<E>> send(C command);

  /**
   * Stops taking commands (later sends fail with {@link io.cairn.eventstore.StoreClosedException}) and
   * completes once the commands already taken and their snapshot writes have completed. Does not close the store.
   */
  Future<Void> close();
}
