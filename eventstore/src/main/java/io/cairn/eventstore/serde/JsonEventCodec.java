package io.cairn.eventstore.serde;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.serde.internal.JsonMappers;
import io.cairn.eventstore.serde.internal.TypeNames;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The default codec: events as JSON documents written by Jackson (configuration in
 * {@code docs/guide/schemas.md}: records, {@code java.time} as ISO-8601 text, unknown properties ignored).
 * Each event class is mapped to a stable type name by the {@link Builder}.
 *
 * <p>Built with {@link Builder#build()} the codec uses no registry: payloads carry
 * {@link SerializedEvent#NO_SCHEMA} and are read as the current class. Built with
 * {@link Builder#build(SchemaRegistry)} it registers (or finds) the current schema of each type first,
 * writes that schema's id, and on read maps the event's schema id to its type version and applies the
 * type's {@link JsonUpcaster}s from that version up to the current one. An event of a newer version than
 * the codec knows (a schema id above every id the registry had cached) is read as the current class,
 * which the type's forward compatibility makes safe. Events without a schema id are read as the current
 * class without upcasting.
 *
 * <p>Thread-safe and non-blocking once built.
 *
 * @param <E> the event family
 */
public final class JsonEventCodec<E> implements EventCodec<E> {

  private final ObjectMapper mapper;
  /** A writer per event class, its serializer resolved once instead of on every encode. */
  private final ClassValue<ObjectWriter> writers = new ClassValue<>() {
    @Override
    protected ObjectWriter computeValue(Class<?> type) {
      return mapper.writerFor(type);
    }
  };
  private final TypeNames<E> names;
  private final Map<String, RegisteredSchema> currentByType;
  private final Map<String, NavigableMap<Integer, JsonUpcaster>> upcastersByType;
  private final SchemaRegistry registry;

  private JsonEventCodec(ObjectMapper mapper, TypeNames<E> names, Map<String, RegisteredSchema> currentByType,
                         Map<String, NavigableMap<Integer, JsonUpcaster>> upcastersByType, SchemaRegistry registry) {
    this.mapper = mapper;
    this.names = names;
    this.currentByType = Collections.unmodifiableMap(currentByType);
    this.upcastersByType = upcastersByType;
    this.registry = registry;
  }

  /** A builder for the codec of the event family {@code family} (a sealed interface, or one record class). */
  public static <E> Builder<E> builder(Class<E> family) {
    return new Builder<>(family);
  }

  @Override
  public SerializedEvent encode(E event) {
    Objects.requireNonNull(event, "event");
    String type = names.nameOf(event);
    RegisteredSchema current = currentByType.get(type);
    int schemaId = current == null ? SerializedEvent.NO_SCHEMA : current.id();
    try {
      return new SerializedEvent(type, writers.get(event.getClass()).writeValueAsBytes(event), ContentTypes.JSON,
          schemaId);
    } catch (JacksonException e) {
      throw new SerializationException("cannot encode event of type " + type + " (schema id " + schemaId + ") as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  @Override
  public E decode(SerializedEvent serialized) {
    String type = serialized.type();
    int schemaId = serialized.schemaId();
    CodecChecks.ensureContentType(serialized, ContentTypes.JSON);
    Class<? extends E> eventClass = names.classOf(type)
        .orElseThrow(() -> CodecChecks.unknownType(serialized, names.names()));
    try {
      int fromVersion = versionToUpcastFrom(type, schemaId);
      NavigableMap<Integer, JsonUpcaster> upcasters = upcastersByType.getOrDefault(type, Collections.emptyNavigableMap())
          .tailMap(fromVersion, true);
      if (upcasters.isEmpty()) {
        return mapper.readValue(serialized.payload(), eventClass);
      }
      JsonNode tree = mapper.readTree(serialized.payload());
      if (!(tree instanceof ObjectNode node)) {
        throw new SerializationException("event of type " + type + " (schema id " + schemaId
            + ") is not a JSON object, so it cannot be upcast");
      }
      ObjectNode upcast = upcast(type, schemaId, node, upcasters);
      return mapper.treeToValue(upcast, eventClass);
    } catch (IOException e) {
      throw new SerializationException("cannot decode event of type " + type + " (schema id " + schemaId + ") as "
          + eventClass.getName() + ": " + describe(e), e);
    }
  }

  @Override
  public Set<String> typeNames() {
    return names.names();
  }

  /**
   * The current registered schema of each type this codec writes; empty for a codec without a registry.
   */
  public Map<String, RegisteredSchema> currentSchemas() {
    return currentByType;
  }

  /**
   * The type version whose upcasters apply to an event with {@code schemaId}: its version if the id is
   * an older version of the type, or past every upcaster (read as is) for the current or a newer version
   * and for events without a schema id.
   */
  private int versionToUpcastFrom(String type, int schemaId) {
    RegisteredSchema current = currentByType.get(type);
    if (schemaId == SerializedEvent.NO_SCHEMA || current == null || schemaId == current.id()) {
      return Integer.MAX_VALUE;
    }
    Optional<RegisteredSchema> written = registry.cached(schemaId);
    if (written.isEmpty()) {
      if (schemaId > registry.highestCachedId()) {
        return Integer.MAX_VALUE;
      }
      throw new SerializationException("event of type " + type + " has schema id " + schemaId
          + ", which is not a registered schema");
    }
    RegisteredSchema schema = written.get();
    if (!schema.type().equals(type)) {
      throw new SerializationException("event of type " + type + " has schema id " + schemaId + ", which is "
          + schema.describe() + ", not a schema of " + type);
    }
    if (schema.schema().format() != SchemaFormat.JSON) {
      throw new SerializationException("event of type " + type + " has schema id " + schemaId + ", which is "
          + schema.describe() + " in format " + schema.schema().format() + ", not JSON");
    }
    return schema.version() < current.version() ? schema.version() : Integer.MAX_VALUE;
  }

  /** Jackson's reason, led by the path of the field at fault ({@code field balanceCents: ...}) when known. */
  private static String describe(IOException e) {
    if (!(e instanceof JacksonException jackson)) {
      return e.toString();
    }
    if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference reference : mapping.getPath()) {
        if (reference.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
        } else if (reference.getIndex() >= 0) {
          path.append('[').append(reference.getIndex()).append(']');
        }
      }
      return "field " + path + ": " + jackson.getOriginalMessage();
    }
    return jackson.getOriginalMessage();
  }

  private static ObjectNode upcast(String type, int schemaId, ObjectNode node,
                                   NavigableMap<Integer, JsonUpcaster> upcasters) {
    ObjectNode current = node;
    for (Map.Entry<Integer, JsonUpcaster> step : upcasters.entrySet()) {
      try {
        current = step.getValue().upcast(current);
      } catch (RuntimeException e) {
        throw new SerializationException("upcaster of " + type + " from v" + step.getKey() + " failed on an event with"
            + " schema id " + schemaId + ": " + e, e);
      }
      if (current == null) {
        throw new SerializationException("upcaster of " + type + " from v" + step.getKey() + " returned null for an"
            + " event with schema id " + schemaId);
      }
    }
    return current;
  }

  /**
   * Collects the type names, declared schemas and upcasters of a {@link JsonEventCodec}. Not thread-safe;
   * each build gets its own copy of what was collected.
   *
   * @param <E> the event family
   */
  public static final class Builder<E> {

    private final Class<E> family;
    private final Map<String, Class<? extends E>> classByName = new LinkedHashMap<>();
    private final Map<String, EventSchema> declaredSchemas = new LinkedHashMap<>();
    private final Map<String, NavigableMap<Integer, JsonUpcaster>> upcasters = new LinkedHashMap<>();

    private Builder(Class<E> family) {
      this.family = Objects.requireNonNull(family, "family");
    }

    /** Maps {@code eventClass} (a record) to the stable type name {@code name}; its schema is derived from it. */
    public Builder<E> type(String name, Class<? extends E> eventClass) {
      TypeNames.ensureValidName(name);
      Objects.requireNonNull(eventClass, "eventClass");
      if (classByName.putIfAbsent(name, eventClass) != null) {
        throw new InvalidInputException("types", name, "is already mapped to " + classByName.get(name).getName());
      }
      return this;
    }

    /** As {@link #type(String, Class)}, with a declared JSON schema instead of the derived one. */
    public Builder<E> type(String name, Class<? extends E> eventClass, EventSchema schema) {
      if (schema.format() != SchemaFormat.JSON) {
        throw new InvalidInputException("types." + name + ".schema", schema.format(), "must be a JSON schema");
      }
      type(name, eventClass);
      declaredSchemas.put(name, schema);
      return this;
    }

    /**
     * Adds the upcaster of type {@code name} from version {@code fromVersion} to {@code fromVersion + 1}.
     * Needs a registry ({@link #build(SchemaRegistry)}), which knows each event's version.
     */
    public Builder<E> upcaster(String name, int fromVersion, JsonUpcaster upcaster) {
      Objects.requireNonNull(upcaster, "upcaster");
      if (fromVersion < 1) {
        throw new InvalidInputException("upcasters." + name + ".fromVersion", fromVersion, "must be at least 1");
      }
      NavigableMap<Integer, JsonUpcaster> ofType = upcasters.computeIfAbsent(name, n -> new TreeMap<>());
      if (ofType.putIfAbsent(fromVersion, upcaster) != null) {
        throw new InvalidInputException("upcasters." + name + ".fromVersion", fromVersion,
            "already has an upcaster; give one per version step");
      }
      return this;
    }

    /**
     * A codec without a registry: payloads carry {@link SerializedEvent#NO_SCHEMA}.
     *
     * @throws InvalidInputException if a type or class is mapped wrongly, or upcasters were given (they
     *     need a registry to know an event's version)
     */
    public JsonEventCodec<E> build() {
      TypeNames<E> names = TypeNames.of(family, classByName);
      if (!upcasters.isEmpty()) {
        throw new InvalidInputException("upcasters", upcasters.keySet(),
            "need a schema registry to know each event's version: use build(registry)");
      }
      return new JsonEventCodec<>(JsonMappers.eventMapper(), names, Map.of(), Map.of(), null);
    }

    /**
     * A codec that writes schema ids of {@code registry}: registers (or finds) the current schema of
     * every type first, one after the other.
     *
     * @return fails with {@link InvalidInputException} if a type or class is mapped wrongly, a schema breaks
     *     its type's compatibility mode, or an upcaster starts at or above its type's current version
     */
    public Future<JsonEventCodec<E>> build(SchemaRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      TypeNames<E> names;
      Map<String, EventSchema> schemas = new LinkedHashMap<>();
      Map<String, NavigableMap<Integer, JsonUpcaster>> upcastersCopy = new LinkedHashMap<>();
      try {
        names = TypeNames.of(family, classByName);
        for (String name : upcasters.keySet()) {
          if (!classByName.containsKey(name)) {
            throw new InvalidInputException("upcasters", name, "is not one of this codec's types " + classByName.keySet());
          }
        }
        classByName.forEach((name, eventClass) ->
            schemas.put(name, declaredSchemas.getOrDefault(name, EventSchema.jsonOf(eventClass))));
        upcasters.forEach((name, steps) -> upcastersCopy.put(name, Collections.unmodifiableNavigableMap(new TreeMap<>(steps))));
      } catch (InvalidInputException e) {
        return Future.failedFuture(e);
      }
      Map<String, RegisteredSchema> current = new LinkedHashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, EventSchema> entry : schemas.entrySet()) {
        String name = entry.getKey();
        Set<Integer> upcastFrom = upcastersCopy.getOrDefault(name, Collections.emptyNavigableMap()).keySet();
        chain = chain.compose(v -> registry.register(name, entry.getValue(), Set.copyOf(upcastFrom)))
            .map(registered -> {
              ensureUpcastersBelow(registered, upcastersCopy.get(name));
              current.put(name, registered);
              return null;
            });
      }
      return chain.map(v -> new JsonEventCodec<>(JsonMappers.eventMapper(), names, current, upcastersCopy, registry));
    }

    private static void ensureUpcastersBelow(RegisteredSchema registered, NavigableMap<Integer, JsonUpcaster> steps) {
      if (steps != null && !steps.isEmpty() && steps.lastKey() >= registered.version()) {
        throw new InvalidInputException("upcasters." + registered.type() + ".fromVersion", steps.lastKey(),
            "must be below the type's current version " + registered.version() + " (" + registered.describe() + ")");
      }
    }
  }
}
