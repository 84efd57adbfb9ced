package io.cairn.eventstore.serde;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.serde.internal.TopicSchemaRegistry;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The schema versions of every event type, kept in the internal compacted topic {@value #TOPIC} of an
 * {@link EventStore} (the local store or a node reached through the network client): one record per
 * registration, so every process using the same store sees the same ids. A new version is checked
 * against the type's {@link CompatibilityMode}; a schema equal to a registered version of the type gets
 * that version's id back.
 *
 * <p>Lookups are answered from a cache loaded at {@link #open}; the {@code cached} methods never block
 * and never touch the store. {@link #lookup(int)} and {@link #refresh()} read what other processes
 * registered since.
 *
 * <p>Implementations are thread-safe.
 */
public interface SchemaRegistry {

  /** The internal compacted topic holding the registrations (one partition). */
  String TOPIC = "__schemas";

  /**
   * Opens the registry of {@code store}, creating {@value #TOPIC} if it does not exist yet, and loads
   * every registration; types nobody configured use {@link CompatibilityMode#DEFAULT}.
   */
  static Future<SchemaRegistry> open(EventStore store) {
    return open(store, CompatibilityMode.DEFAULT);
  }

  /** As {@link #open(EventStore)}, with {@code defaultMode} for types nobody configured. */
  static Future<SchemaRegistry> open(EventStore store, CompatibilityMode defaultMode) {
    return TopicSchemaRegistry.open(store, defaultMode);
  }

  /**
   * Registers {@code schema} as the next version of {@code type}, or returns the registered version it
   * equals. Two registries registering the same type at once cannot both win a version number: the
   * loser reloads and checks again.
   *
   * @return the registered schema; fails with {@link io.cairn.eventstore.InvalidInputException} naming the
   *     type, the field and the rule if the schema breaks the type's compatibility mode (nothing stored)
   */
  default Future<RegisteredSchema> register(String type, EventSchema schema) {
    return register(type, schema, Set.of());
  }

  /**
   * As {@link #register(String, EventSchema)}, for a reader that upcasts events written with the
   * versions {@code upcastFromVersions} (a JSON upcaster from version n to n + 1 for each n given): the
   * check that the new schema reads data of version n is left out for each such n, since the upcaster,
   * not the schema, bridges the gap. Checks in the other direction (old code reads new events) stay.
   */
  Future<RegisteredSchema> register(String type, EventSchema schema, Set<Integer> upcastFromVersions);

  /** Sets the compatibility mode of {@code type} for every later registration, for every process. */
  Future<Void> setCompatibility(String type, CompatibilityMode mode);

  /** The compatibility mode of {@code type}, from the cache. */
  CompatibilityMode compatibility(String type);

  /** The schema with id {@code schemaId}, from the cache. */
  Optional<RegisteredSchema> cached(int schemaId);

  /** Every registered version of {@code type}, oldest first, from the cache; empty if none. */
  List<RegisteredSchema> versions(String type);

  /** The highest schema id in the cache, or {@link SerializedEvent#NO_SCHEMA} if there is none. */
  int highestCachedId();

  /**
   * The schema with id {@code schemaId}: from the cache, or else after reading what was registered
   * since the cache was last brought up to date.
   *
   * @return fails with {@link SerializationException} naming the id if no schema has it
   */
  Future<RegisteredSchema> lookup(int schemaId);

  /** Reads every registration stored since the cache was last brought up to date. */
  Future<Void> refresh();
}
