package io.cairn.eventstore.serde.internal;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicExistsException;
import io.cairn.eventstore.serde.CompatibilityMode;
import io.cairn.eventstore.serde.EventSchema;
import io.cairn.eventstore.serde.RegisteredSchema;
import io.cairn.eventstore.serde.SchemaRegistry;
import io.cairn.eventstore.serde.SerializationException;
import io.cairn.eventstore.serde.SerializedEvent;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link SchemaRegistry} over the public {@link EventStore} API, so it works the same over the local
 * store and the network client. Registrations are records of {@value SchemaRegistry#TOPIC} (one
 * partition, compacted; formats in {@link SchemaRecords}); a schema's id is its record's offset + 1, so
 * ids are positive, unique and stable. A registration appends with "no stream" on the key
 * {@code <type>@<version>}: of two registries racing for the same version one gets a version conflict,
 * reloads, and checks again (up to {@value #MAX_REGISTER_ATTEMPTS} times).
 *
 * <p>Thread-safety: the cache is guarded by this object's monitor; store calls are made outside it.
 */
public final class TopicSchemaRegistry implements SchemaRegistry {

  /** How many version conflicts one registration survives before failing (retryable). */
  static final int MAX_REGISTER_ATTEMPTS = 10;
  /** Bytes asked for per read when loading the topic. */
  static final int READ_BYTES = 1024 * 1024;
  /** Longest wait, after losing a version race, for the winner's record to become readable. */
  static final long CONFLICT_WAIT_MS = 5_000;

  private final EventStore store;
  private final CompatibilityMode defaultMode;

  private final Map<Integer, RegisteredSchema> byId = new HashMap<>();
  private final Map<String, List<RegisteredSchema>> byType = new HashMap<>();
  private final Map<String, CompatibilityMode> modeByType = new HashMap<>();
  private long nextOffset;
  private int highestId = SerializedEvent.NO_SCHEMA;

  private TopicSchemaRegistry(EventStore store, CompatibilityMode defaultMode) {
    this.store = store;
    this.defaultMode = defaultMode;
  }

  /** Creates {@value SchemaRegistry#TOPIC} if needed and loads it. */
  public static Future<SchemaRegistry> open(EventStore store, CompatibilityMode defaultMode) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(defaultMode, "defaultMode");
    TopicSchemaRegistry registry = new TopicSchemaRegistry(store, defaultMode);
    TopicConfig config = new TopicConfig().setPartitions(1).setCleanupPolicy(CleanupPolicy.COMPACT);
    return store.createTopic(TOPIC, config)
        .<Void>mapEmpty()
        .recover(failure -> failure instanceof TopicExistsException
            ? Future.succeededFuture() : Future.failedFuture(failure))
        .compose(v -> registry.refresh())
        .map(v -> registry);
  }

  @Override
  public Future<RegisteredSchema> register(String type, EventSchema schema, Set<Integer> upcastFromVersions) {
    try {
      TypeNames.ensureValidName(type);
      Objects.requireNonNull(schema, "schema");
    } catch (InvalidInputException e) {
      return Future.failedFuture(e);
    }
    return attemptRegister(type, schema, Set.copyOf(upcastFromVersions), 1);
  }

  private Future<RegisteredSchema> attemptRegister(String type, EventSchema schema, Set<Integer> upcastFrom,
                                                   int attempt) {
    return refresh().compose(v -> {
      List<RegisteredSchema> existing = versions(type);
      for (RegisteredSchema registered : existing) {
        if (registered.schema().equals(schema)) {
          return Future.succeededFuture(registered);
        }
      }
      int version = existing.size() + 1;
      try {
        SchemaCompatibilityChecker.ensureCompatible(type, compatibility(type), schema, existing, upcastFrom);
      } catch (InvalidInputException e) {
        return Future.failedFuture(e);
      }
      AppendRequest request = AppendRequest.of(TOPIC, SchemaRecords.registrationKey(type, version),
          ExpectedVersion.NO_STREAM, List.of(SchemaRecords.registration(type, version, schema)));
      return store.append(request).compose(result -> {
        if (result instanceof AppendResult.Appended appended) {
          return refresh().compose(ignored -> registeredAt(appended.firstOffset()));
        }
        if (attempt >= MAX_REGISTER_ATTEMPTS) {
          return Future.failedFuture(new CairnException("registering a schema for " + type + " lost the race for"
              + " a version " + attempt + " times in a row; try again", true));
        }
        // the winner's record may not be acknowledged yet (its version already counts): wait until it is
        return readFrom(currentNextOffset(), CONFLICT_WAIT_MS)
            .compose(waited -> attemptRegister(type, schema, upcastFrom, attempt + 1));
      });
    });
  }

  private Future<RegisteredSchema> registeredAt(long offset) {
    if (offset + 1 > Integer.MAX_VALUE) {
      return Future.failedFuture(new SerializationException(TOPIC + " offset " + offset
          + " is past the last schema id " + Integer.MAX_VALUE));
    }
    return lookup((int) (offset + 1));
  }

  @Override
  public Future<Void> setCompatibility(String type, CompatibilityMode mode) {
    try {
      TypeNames.ensureValidName(type);
      Objects.requireNonNull(mode, "mode");
    } catch (InvalidInputException e) {
      return Future.failedFuture(e);
    }
    AppendRequest request = AppendRequest.of(TOPIC, SchemaRecords.compatibilityKey(type), ExpectedVersion.ANY,
        List.of(SchemaRecords.compatibility(type, mode)));
    return store.append(request).compose(result -> refresh());
  }

  @Override
  public synchronized CompatibilityMode compatibility(String type) {
    return modeByType.getOrDefault(type, defaultMode);
  }

  @Override
  public synchronized Optional<RegisteredSchema> cached(int schemaId) {
    return Optional.ofNullable(byId.get(schemaId));
  }

  @Override
  public synchronized List<RegisteredSchema> versions(String type) {
    return List.copyOf(byType.getOrDefault(type, List.of()));
  }

  @Override
  public synchronized int highestCachedId() {
    return highestId;
  }

  @Override
  public Future<RegisteredSchema> lookup(int schemaId) {
    Optional<RegisteredSchema> hit = cached(schemaId);
    if (hit.isPresent()) {
      return Future.succeededFuture(hit.get());
    }
    return refresh().compose(v -> cached(schemaId).map(Future::succeededFuture).orElseGet(() ->
        Future.failedFuture(new SerializationException("schema id " + schemaId + " is not registered in " + TOPIC
            + " (highest id " + highestCachedId() + ")"))));
  }

  @Override
  public Future<Void> refresh() {
    return readFrom(currentNextOffset(), 0);
  }

  private synchronized long currentNextOffset() {
    return nextOffset;
  }

  /**
   * Reads the topic from {@code fromOffset} to its end, waiting up to {@code maxWaitMs} for the first
   * record past {@code fromOffset} to be acknowledged.
   */
  private Future<Void> readFrom(long fromOffset, long maxWaitMs) {
    return store.fetch(TOPIC, 0, fromOffset, READ_BYTES, maxWaitMs).compose(page -> {
      long next = page.nextOffset();
      if (next <= fromOffset) {
        return Future.succeededFuture();
      }
      try {
        apply(page.events(), fromOffset, next);
      } catch (SerializationException e) {
        return Future.failedFuture(e);
      }
      return readFrom(next, 0);
    });
  }

  private synchronized void apply(List<StoredEvent> page, long fromOffset, long pageNextOffset) {
    List<SchemaRecords.SchemaRecord> decoded = new ArrayList<>();
    List<StoredEvent> events = new ArrayList<>();
    for (StoredEvent event : page) {
      if (event.offset() >= fromOffset && event.offset() >= nextOffset) {
        decoded.add(SchemaRecords.decode(event));
        events.add(event);
      }
    }
    for (int i = 0; i < events.size(); i++) {
      SchemaRecords.SchemaRecord record = decoded.get(i);
      StoredEvent event = events.get(i);
      if (record instanceof SchemaRecords.Registered registered) {
        int id = (int) (event.offset() + 1);
        RegisteredSchema schema = new RegisteredSchema(id, registered.type(), registered.version(), registered.schema());
        List<RegisteredSchema> ofType = byType.computeIfAbsent(registered.type(), t -> new ArrayList<>());
        // the "no stream" append makes each version's record unique; a gap would mean a lost record
        if (registered.version() != ofType.size() + 1) {
          throw new SerializationException(TOPIC + " record at offset " + event.offset() + " registers "
              + registered.type() + " v" + registered.version() + " but v" + (ofType.size() + 1) + " comes next");
        }
        ofType.add(schema);
        byId.put(id, schema);
        highestId = Math.max(highestId, id);
      } else if (record instanceof SchemaRecords.CompatibilitySet set) {
        modeByType.put(set.type(), set.mode());
      }
    }
    nextOffset = Math.max(nextOffset, pageNextOffset);
  }
}
