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
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommandGateway} (ADR 0009). Everything mutable (the cache, the per-aggregate queues, the
 * deadlines) is touched only on the owner context, so no lock is needed. Each aggregate with commands in
 * flight has a queue: a linked list of its commands, the running one first, whose tail is in
 * {@code queueTails}; when a command finishes, the next one starts. A command's steps hand store outcomes
 * straight to the next step on the owner context (no future per step), and one {@link CommandDeadlines}
 * times every command out with at most one Vert.x timer set at a time.
 *
 * @param <C> the command family
 * @param <E> the event family
 * @param <S> the state
 */
public final class DefaultCommandGateway<C, E, S> implements CommandGateway<C, E> {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultCommandGateway.class);

  private final OwnerContext owner;
  private final EventStore store;
  private final AggregateType<C, E, S> type;
  private final GatewayOptions options;
  private final AggregateCache<S> cache;
  private final AggregateLoader<E, S> loader;
  private final CommandDeadlines deadlines;
  private final EventIds eventIds = new EventIds();
  private final TurnAppends appends;
  private final Map<String, Pending> queueTails = new HashMap<>();
  private final Set<Future<?>> snapshotWrites = new HashSet<>();
  private int commandsInFlight;
  private Promise<Void> drained;
  private boolean closed;

  public DefaultCommandGateway(Vertx vertx, Context context, EventStore store, AggregateType<C, E, S> type,
                               GatewayOptions options) {
    this.owner = new OwnerContext(context);
    this.store = store;
    this.type = type;
    this.options = new GatewayOptions(options);
    this.cache = new AggregateCache<>(options.cacheEntries());
    this.loader = new AggregateLoader<>(store, type, owner, options.readPageEvents(), options.recentCommandIds());
    this.deadlines = new CommandDeadlines(vertx, options.commandTimeoutMs());
    this.appends = new TurnAppends(owner, store);
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
    Pending pending = new Pending(command, aggregateId, commandId);
    owner.run(pending);
    return pending.result.future();
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    owner.run(() -> {
      closed = true;
      if (drained == null) {
        drained = Promise.promise();
        maybeDrained();
      }
      drained.future().onComplete(commands -> Future.join(new ArrayList<>(snapshotWrites)).onComplete(snapshots ->
          owner.run(() -> {
            cache.clear();
            deadlines.cancel();
            done.complete();
          })));
    });
    return done.future();
  }

  /** Takes {@code pending}: queues it behind its aggregate's commands, or starts it; on the owner context. */
  private void take(Pending pending) {
    if (closed) {
      pending.result.fail(new StoreClosedException("command gateway of topic " + type.topic()));
      return;
    }
    commandsInFlight++;
    deadlines.add(pending);
    Pending tail = queueTails.put(pending.aggregateId, pending);
    if (tail == null) {
      start(pending);
    } else {
      tail.next = pending;
    }
  }

  private void start(Pending pending) {
    try {
      execute(pending);
    } catch (RuntimeException e) {
      finish(pending, null, e);
    }
  }

  /**
   * Completes {@code pending} with {@code result} or {@code failure} (unless it timed out already) and starts
   * the next command of its aggregate. Once per command, on the owner context.
   */
  private void finish(Pending pending, CommandResult<E> result, Throwable failure) {
    if (pending.finished) {
      LOG.warn("Command {} on {} in {} finished twice; second outcome {} ignored", pending.commandId,
          pending.aggregateId, type.topic(), failure == null ? result : failure.toString());
      return;
    }
    pending.finished = true;
    Pending next = pending.next;
    if (next == null) {
      // nothing queued behind it, so it is the tail
      queueTails.remove(pending.aggregateId);
    }
    commandsInFlight--;
    if (failure == null) {
      pending.result.tryComplete(result);
    } else {
      pending.result.tryFail(failure);
    }
    deadlines.dropDone();
    if (next != null) {
      start(next);
    } else {
      maybeDrained();
    }
  }

  private void maybeDrained() {
    if (drained != null && commandsInFlight == 0) {
      drained.tryComplete();
    }
  }

  private void execute(Pending pending) {
    Optional<CachedAggregate<S>> cached = cache.get(pending.aggregateId);
    if (cached.isPresent()) {
      attempt(pending, cached.get(), 1);
      return;
    }
    owner.onComplete(loader.load(pending.aggregateId), loaded -> {
      if (loaded.failed()) {
        finish(pending, null, loaded.cause());
        return;
      }
      cache.put(pending.aggregateId, loaded.result());
      attemptSafely(pending, loaded.result(), 1);
    });
  }

  private void attemptSafely(Pending pending, CachedAggregate<S> aggregate, int attempt) {
    try {
      attempt(pending, aggregate, attempt);
    } catch (RuntimeException e) {
      finish(pending, null, e);
    }
  }

  private void attempt(Pending pending, CachedAggregate<S> aggregate, int attempt) {
    String aggregateId = pending.aggregateId;
    Optional<VersionRange> applied = aggregate.recentCommands().find(pending.commandId);
    if (applied.isPresent()) {
      VersionRange range = applied.get();
      owner.onComplete(loader.readEvents(aggregateId, range), events -> {
        if (events.failed()) {
          finish(pending, null, events.cause());
        } else {
          finish(pending, new CommandResult.Accepted<>(aggregateId, range.lastVersion(), events.result()), null);
        }
      });
      return;
    }
    Decision<E> decision = Objects.requireNonNull(type.decider().decide(pending.command, aggregate.state()),
        "the decider returned no decision");
    List<E> events = decision instanceof Decision.Accept<E> accept ? accept.events() : List.of();
    if (events.isEmpty()) {
      // Nothing to append, so no version check catches a stale cache: confirm the version read instead.
      CommandResult<E> result = decision instanceof Decision.Reject<E> reject
          ? new CommandResult.Rejected<>(aggregateId, aggregate.version(), reject.rejection())
          : new CommandResult.Accepted<>(aggregateId, aggregate.version(), events);
      owner.onComplete(store.streamVersion(type.topic(), aggregateId), current -> {
        if (current.failed()) {
          finish(pending, null, current.cause());
        } else if (current.result() == aggregate.version()) {
          finish(pending, result, null);
        } else {
          retryAfterConflict(pending, aggregate, attempt, current.result());
        }
      });
      return;
    }
    AppendRequest request = AppendRequest.of(type.topic(), aggregateId, ExpectedVersion.exactly(aggregate.version()),
        toEventData(pending, events));
    appends.append(request, appended -> afterAppend(pending, aggregate, attempt, events, appended));
  }

  private void afterAppend(Pending pending, CachedAggregate<S> aggregate, int attempt, List<E> events,
                           AsyncResult<AppendResult> outcome) {
    if (outcome.failed()) {
      // The append may or may not have happened: reload next time (the causation ids tell).
      cache.evict(pending.aggregateId);
      finish(pending, null, outcome.cause());
      return;
    }
    try {
      if (outcome.result() instanceof AppendResult.Appended appended) {
        finish(pending, accepted(pending, aggregate, events, appended), null);
      } else {
        long actualVersion = ((AppendResult.VersionConflict) outcome.result()).actualVersion();
        retryAfterConflict(pending, aggregate, attempt, actualVersion);
      }
    } catch (RuntimeException e) {
      // e.g. evolve threw while the appended events were being applied: the cached state is not to be trusted
      cache.evict(pending.aggregateId);
      finish(pending, null, e);
    }
  }

  /** After the stream moved past the cached version: reads the new events and decides again, or gives up. */
  private void retryAfterConflict(Pending pending, CachedAggregate<S> aggregate, int attempt, long actualVersion) {
    if (attempt > options.maxConflictRetries()) {
      cache.evict(pending.aggregateId);
      finish(pending, null, new ConflictException(type.topic(), pending.aggregateId, attempt, aggregate.version(),
          actualVersion));
      return;
    }
    owner.onComplete(loader.catchUp(pending.aggregateId, aggregate), caughtUp -> {
      if (caughtUp.failed()) {
        cache.evict(pending.aggregateId);
        finish(pending, null, caughtUp.cause());
      } else {
        attemptSafely(pending, caughtUp.result(), attempt + 1);
      }
    });
  }

  private CommandResult<E> accepted(Pending pending, CachedAggregate<S> aggregate, List<E> events,
                                    AppendResult.Appended appended) {
    String aggregateId = pending.aggregateId;
    long fromVersion = aggregate.version();
    VersionRange range = new VersionRange(appended.firstVersion(), appended.newVersion());
    if (range.firstVersion() != fromVersion + 1 || range.eventCount() != events.size()) {
      // Cannot happen with fresh event ids; if it does, the cached state is not to be trusted.
      LOG.warn("Append of command {} to {} in {} stored versions {}, expected {} events after version {}: reloading",
          pending.commandId, aggregateId, type.topic(), range, events.size(), fromVersion);
      cache.evict(aggregateId);
    } else {
      aggregate.applyAppended(type.decider(), events, pending.commandId, range.firstVersion(), range.lastVersion());
      cache.ensureCached(aggregateId, aggregate);
      maybeSnapshot(aggregateId, aggregate, fromVersion);
    }
    return new CommandResult.Accepted<>(aggregateId, appended.newVersion(), events);
  }

  private List<EventData> toEventData(Pending pending, List<E> events) {
    String correlationId = type.correlationIdOf(pending.command).orElse(null);
    List<EventData> data = new ArrayList<>(events.size());
    for (E event : events) {
      SerializedEvent serialized = type.eventCodec().encode(event);
      data.add(new EventData(eventIds.next(), serialized.type(), serialized.payload(),
          EventMetadata.headers(serialized, correlationId, pending.commandId)));
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

  /** {@code value} if it is a non-empty id, else throws {@link CommandValidationException} naming {@code field}. */
  static String ensureId(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new CommandValidationException(field, value, "must be a non-empty id");
    }
    return value;
  }

  /**
   * One command from {@link #send} to its result: the queue link of its aggregate, its deadline and its
   * result promise (listeners run on the thread that completes it, the owner's). Run as a task, it is taken
   * on the owner context.
   */
  private final class Pending extends CommandDeadlines.Entry implements Runnable {
    private final C command;
    private final String aggregateId;
    private final String commandId;
    private final Promise<CommandResult<E>> result = Promise.promise();
    private Pending next;
    private boolean finished;

    Pending(C command, String aggregateId, String commandId) {
      this.command = command;
      this.aggregateId = aggregateId;
      this.commandId = commandId;
    }

    @Override
    public void run() {
      take(this);
    }

    @Override
    boolean isDone() {
      return result.future().isComplete();
    }

    @Override
    void expire() {
      result.tryFail(new CommandTimeoutException(aggregateId, commandId, options.commandTimeoutMs()));
    }
  }
}
