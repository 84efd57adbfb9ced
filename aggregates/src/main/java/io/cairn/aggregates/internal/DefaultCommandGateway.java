package io.cairn.aggregates.internal;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandResult;
import io.cairn.aggregates.CommandTimeoutException;
import io.cairn.aggregates.CommandValidationException;
import io.cairn.aggregates.ConflictException;
import io.cairn.aggregates.Decision;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.aggregates.SnapshotCodec;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.serde.EventMetadata;
import io.cairn.eventstore.serde.SerializedEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandGateway} (ADR 0009). Everything mutable (the cache, the per-aggregate queues) is touched
 * only on the owner context; a command's steps are chained futures, so no lock is ever held across one.
 * Each aggregate's queue is the future of its last command: a new command starts when that one completes.
 *
 * @param <C> the command family
 * @param <E> the event family
 * @param <S> the state
 */
public final class DefaultCommandGateway<C, E, S> implements CommandGateway<C, E> {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultCommandGateway.class);

  private final Vertx vertx;
  private final OwnerContext owner;
  private final EventStore store;
  private final AggregateType<C, E, S> type;
  private final GatewayOptions options;
  private final AggregateCache<S> cache;
  private final AggregateLoader<E, S> loader;
  private final Map<String, Future<?>> queueTails = new HashMap<>();
  private final Set<Future<?>> snapshotWrites = new HashSet<>();
  private boolean closed;

  public DefaultCommandGateway(Vertx vertx, Context context, EventStore store, AggregateType<C, E, S> type,
                               GatewayOptions options) {
    this.vertx = vertx;
    this.owner = new OwnerContext(context);
    this.store = store;
    this.type = type;
    this.options = new GatewayOptions(options);
    this.cache = new AggregateCache<>(options.cacheEntries());
    this.loader = new AggregateLoader<>(store, type, owner, options.readPageEvents(), options.recentCommandIds());
  }

  @Override
  public Future<CommandResult<E>> send(C command) {
    String aggregateId;
    String commandId;
    try {
      aggregateId = ensureId("aggregateId", type.aggregateIdOf(command));
      commandId = ensureId("commandId", type.commandIdOf(command));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Promise<CommandResult<E>> result = Promise.promise();
    owner.run(() -> {
      if (closed) {
        result.fail(new StoreClosedException("command gateway of topic " + type.topic()));
        return;
      }
      long timer = vertx.setTimer(options.commandTimeoutMs(), ignored -> result.tryFail(
          new CommandTimeoutException(aggregateId, commandId, options.commandTimeoutMs())));
      enqueue(aggregateId, () -> execute(command, aggregateId, commandId)).onComplete(outcome -> {
        vertx.cancelTimer(timer);
        if (outcome.succeeded()) {
          result.tryComplete(outcome.result());
        } else {
          result.tryFail(outcome.cause());
        }
      });
    });
    return result.future();
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    owner.run(() -> {
      closed = true;
      Future.join(new ArrayList<>(queueTails.values())).onComplete(commands -> owner.run(() ->
          Future.join(new ArrayList<>(snapshotWrites)).onComplete(snapshots -> owner.run(() -> {
            cache.clear();
            done.complete();
          }))));
    });
    return done.future();
  }

  /** Runs {@code work} after every command already queued for {@code aggregateId}; on the owner context. */
  private <T> Future<T> enqueue(String aggregateId, Supplier<Future<T>> work) {
    Future<?> previous = queueTails.get(aggregateId);
    Future<T> mine = previous == null ? start(work) : previous.transform(ignored -> start(work));
    queueTails.put(aggregateId, mine);
    mine.onComplete(ignored -> owner.run(() -> queueTails.remove(aggregateId, mine)));
    return mine;
  }

  private static <T> Future<T> start(Supplier<Future<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<CommandResult<E>> execute(C command, String aggregateId, String commandId) {
    Optional<CachedAggregate<S>> cached = cache.get(aggregateId);
    Future<CachedAggregate<S>> loaded = cached.isPresent() ? Future.succeededFuture(cached.get())
        : loader.load(aggregateId).map(aggregate -> {
          cache.put(aggregateId, aggregate);
          return aggregate;
        });
    return loaded.compose(aggregate -> attempt(command, aggregateId, commandId, aggregate, 1));
  }

  private Future<CommandResult<E>> attempt(C command, String aggregateId, String commandId,
                                           CachedAggregate<S> aggregate, int attempt) {
    Optional<VersionRange> applied = aggregate.recentCommands().find(commandId);
    if (applied.isPresent()) {
      VersionRange range = applied.get();
      return loader.readEvents(aggregateId, range)
          .map(events -> new CommandResult.Accepted<>(aggregateId, range.lastVersion(), events));
    }
    Decision<E> decision = type.decider().decide(command, aggregate.state());
    List<E> events = decision instanceof Decision.Accept<E> accept ? accept.events() : List.of();
    if (events.isEmpty()) {
      // Nothing to append, so no version check catches a stale cache: confirm the version read instead.
      CommandResult<E> result = decision instanceof Decision.Reject<E> reject
          ? new CommandResult.Rejected<>(aggregateId, aggregate.version(), reject.rejection())
          : new CommandResult.Accepted<>(aggregateId, aggregate.version(), events);
      return owner.onOwner(store.streamVersion(type.topic(), aggregateId)).compose(current ->
          current == aggregate.version()
              ? Future.succeededFuture(result)
              : retryAfterConflict(command, aggregateId, commandId, aggregate, attempt, current));
    }
    long expectedVersion = aggregate.version();
    AppendRequest request = AppendRequest.of(type.topic(), aggregateId, ExpectedVersion.exactly(expectedVersion),
        toEventData(command, commandId, events));
    return owner.onOwner(store.append(request))
        .recover(failure -> {
          // The append may or may not have happened: reload next time (the causation ids tell).
          cache.evict(aggregateId);
          return Future.failedFuture(failure);
        })
        .compose(result -> {
          if (result instanceof AppendResult.Appended appended) {
            return Future.succeededFuture(accepted(aggregateId, commandId, aggregate, events, appended));
          }
          long actualVersion = ((AppendResult.VersionConflict) result).actualVersion();
          return retryAfterConflict(command, aggregateId, commandId, aggregate, attempt, actualVersion);
        });
  }

  /** After the stream moved past the cached version: reads the new events and decides again, or gives up. */
  private Future<CommandResult<E>> retryAfterConflict(C command, String aggregateId, String commandId,
                                                      CachedAggregate<S> aggregate, int attempt, long actualVersion) {
    if (attempt > options.maxConflictRetries()) {
      cache.evict(aggregateId);
      return Future.failedFuture(new ConflictException(type.topic(), aggregateId, attempt, aggregate.version(),
          actualVersion));
    }
    return loader.catchUp(aggregateId, aggregate)
        .recover(failure -> {
          cache.evict(aggregateId);
          return Future.failedFuture(failure);
        })
        .compose(caughtUp -> attempt(command, aggregateId, commandId, caughtUp, attempt + 1));
  }

  private CommandResult<E> accepted(String aggregateId, String commandId, CachedAggregate<S> aggregate, List<E> events,
                                    AppendResult.Appended appended) {
    long fromVersion = aggregate.version();
    VersionRange range = new VersionRange(appended.firstVersion(), appended.newVersion());
    if (range.firstVersion() != fromVersion + 1 || range.eventCount() != events.size()) {
      // Cannot happen with fresh event ids; if it does, the cached state is not to be trusted.
      LOG.warn("Append of command {} to {} in {} stored versions {}, expected {} events after version {}: reloading",
          commandId, aggregateId, type.topic(), range, events.size(), fromVersion);
      cache.evict(aggregateId);
    } else {
      aggregate.applyAppended(type.decider(), events, commandId, range);
      cache.put(aggregateId, aggregate);
      maybeSnapshot(aggregateId, aggregate, fromVersion);
    }
    return new CommandResult.Accepted<>(aggregateId, appended.newVersion(), events);
  }

  private List<EventData> toEventData(C command, String commandId, List<E> events) {
    String correlationId = type.correlationIdOf(command).orElse(null);
    List<EventData> data = new ArrayList<>(events.size());
    for (E event : events) {
      SerializedEvent serialized = type.eventCodec().encode(event);
      data.add(new EventData(UUID.randomUUID(), serialized.type(), serialized.payload(),
          EventMetadata.headers(serialized, correlationId, commandId)));
    }
    return data;
  }

  /** Writes a snapshot if the policy's interval was crossed; a failed write is only logged (it is an optimization). */
  private void maybeSnapshot(String aggregateId, CachedAggregate<S> aggregate, long fromVersion) {
    Optional<SnapshotCodec<S>> codec = type.snapshotCodec();
    if (codec.isEmpty() || !type.snapshotPolicy().isDue(fromVersion, aggregate.version())) {
      return;
    }
    byte[] payload;
    try {
      payload = new SnapshotRecord(aggregate.version(), codec.get().schemaVersion(),
          aggregate.recentCommands().toMap(), codec.get().encode(aggregate.state())).encode();
    } catch (RuntimeException e) {
      LOG.warn("Snapshot of {} in {} at version {} cannot be written: {}", aggregateId, type.topic(),
          aggregate.version(), e.toString());
      return;
    }
    long version = aggregate.version();
    Future<AppendResult> write = owner.onOwner(store.append(AppendRequest.of(type.snapshotTopic(), aggregateId,
        ExpectedVersion.ANY, List.of(EventData.of(SnapshotRecord.TYPE, payload)))));
    snapshotWrites.add(write);
    write.onComplete(outcome -> {
      snapshotWrites.remove(write);
      if (outcome.failed()) {
        LOG.warn("Snapshot of {} in {} at version {} was not stored: {}", aggregateId, type.snapshotTopic(), version,
            outcome.cause().toString());
      }
    });
  }

  private static String ensureId(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new CommandValidationException(field, value, "must be a non-empty id");
    }
    return value;
  }
}
