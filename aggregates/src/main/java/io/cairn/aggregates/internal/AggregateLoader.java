package io.cairn.aggregates.internal;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.SnapshotCodec;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.serde.EventMetadata;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads aggregates: the latest usable snapshot, then the events after it, one page of
 * {@code readPageEvents} at a time (the next page is read only once the previous one is folded, so a long
 * stream never sits in memory whole). A snapshot that fails to decode or has another schema version is
 * ignored with a warning and the stream is replayed from the start. Futures it returns complete on the
 * owner context.
 *
 * @param <E> the event family
 * @param <S> the state
 */
final class AggregateLoader<E, S> {

  private static final Logger LOG = LoggerFactory.getLogger(AggregateLoader.class);

  private final EventStore store;
  private final AggregateType<?, E, S> type;
  private final OwnerContext owner;
  private final int readPageEvents;
  private final int recentCommandIds;

  AggregateLoader(EventStore store, AggregateType<?, E, S> type, OwnerContext owner, int readPageEvents,
                  int recentCommandIds) {
    this.store = store;
    this.type = type;
    this.owner = owner;
    this.readPageEvents = readPageEvents;
    this.recentCommandIds = recentCommandIds;
  }

  /** The aggregate as of its stream's current end. */
  Future<CachedAggregate<S>> load(String aggregateId) {
    return latestSnapshot(aggregateId)
        .map(snapshot -> snapshot.orElseGet(() -> new CachedAggregate<>(type.decider().initialState(), 0,
            new RecentCommands(recentCommandIds))))
        .compose(aggregate -> catchUp(aggregateId, aggregate));
  }

  /** Folds the events after {@code aggregate}'s version into it, page by page, up to the stream's end. */
  Future<CachedAggregate<S>> catchUp(String aggregateId, CachedAggregate<S> aggregate) {
    return owner.onOwner(store.readStream(type.topic(), aggregateId, aggregate.version() + 1, readPageEvents))
        .compose(slice -> {
          fold(aggregateId, aggregate, slice);
          return slice.endOfStream() || slice.events().isEmpty()
              ? Future.succeededFuture(aggregate) : catchUp(aggregateId, aggregate);
        });
  }

  /** The events the stream holds at {@code range}, decoded. */
  Future<List<E>> readEvents(String aggregateId, VersionRange range) {
    return owner.onOwner(store.readStream(type.topic(), aggregateId, range.firstVersion(), range.eventCount()))
        .map(slice -> {
          List<E> events = new ArrayList<>(slice.events().size());
          for (StoredEvent stored : slice.events()) {
            events.add(type.eventCodec().decode(EventMetadata.serialized(stored)));
          }
          return events;
        });
  }

  private void fold(String aggregateId, CachedAggregate<S> aggregate, StreamSlice slice) {
    for (StoredEvent stored : slice.events()) {
      if (stored.version() != aggregate.version() + 1) {
        throw new StorageException("stream " + aggregateId + " of topic " + type.topic() + " returned version "
            + stored.version() + " after version " + aggregate.version());
      }
      E event = type.eventCodec().decode(EventMetadata.serialized(stored));
      aggregate.applyStored(type.decider(), event, stored.version(), EventMetadata.of(stored).causationId());
    }
  }

  private Future<Optional<CachedAggregate<S>>> latestSnapshot(String aggregateId) {
    Optional<SnapshotCodec<S>> codec = type.snapshotCodec();
    if (!type.snapshotPolicy().enabled() || codec.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    String topic = type.snapshotTopic();
    return owner.onOwner(store.streamVersion(topic, aggregateId)).compose(version -> version == 0
        ? Future.succeededFuture(Optional.empty())
        : owner.onOwner(store.readStream(topic, aggregateId, version, 1))
            .map(slice -> slice.events().isEmpty() ? Optional.<CachedAggregate<S>>empty()
                : usable(aggregateId, slice.events().get(0), codec.get())));
  }

  private Optional<CachedAggregate<S>> usable(String aggregateId, StoredEvent stored, SnapshotCodec<S> codec) {
    try {
      SnapshotRecord snapshot = SnapshotRecord.decode(stored.payload() == null ? new byte[0] : stored.payload());
      if (snapshot.schemaVersion() != codec.schemaVersion()) {
        LOG.info("Snapshot of {} in {} at offset {} has schema version {}, the codec's is {}: replaying its events",
            aggregateId, type.snapshotTopic(), stored.offset(), snapshot.schemaVersion(), codec.schemaVersion());
        return Optional.empty();
      }
      S state = codec.decode(snapshot.state());
      RecentCommands recent = new RecentCommands(recentCommandIds);
      for (Map.Entry<String, VersionRange> entry : snapshot.recentCommands().entrySet()) {
        recent.record(entry.getKey(), entry.getValue());
      }
      return Optional.of(new CachedAggregate<>(state, snapshot.aggregateVersion(), recent));
    } catch (RuntimeException e) {
      LOG.warn("Snapshot of {} in {} at offset {} does not decode, replaying its events: {}", aggregateId,
          type.snapshotTopic(), stored.offset(), e.toString());
      return Optional.empty();
    }
  }
}
