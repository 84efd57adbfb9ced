package io.cairn.eventstore.serde;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.serde.internal.AvroSchemas;
import io.cairn.eventstore.serde.internal.TypeNames;
import io.vertx.core.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The second codec: events as Avro binary (one datum, no container header), either instances of
 * classes generated from {@code .avsc} files ({@link SpecificRecord}) or {@link GenericRecord}s of a given
 * schema. The type name is mapped by the {@link Builder}; the Avro record name is not stored.
 *
 * <p>Built with {@link Builder#build(SchemaRegistry)} the codec registers the current schema of each type
 * (Avro's compatibility rules apply), writes its id, and decodes with Avro schema resolution between the
 * writer's schema (found in the registry by the event's schema id) and the current one: fields added with
 * a default get it, removed fields are skipped, promotions such as int to long apply. Avro cannot read a
 * datum without its writer's schema, so an event whose schema id the registry has not cached yet (written
 * by newer code after the registry was loaded) fails with a retryable {@link SerializationException} and
 * starts a registry refresh; the retry then succeeds. Built with {@link Builder#build()} it writes
 * {@link SerializedEvent#NO_SCHEMA} and reads every payload with the current schema.
 *
 * <p>Thread-safe and non-blocking once built.
 *
 * @param <E> the event family: a {@link SpecificRecord} type, or {@link GenericRecord}
 */
public final class AvroEventCodec<E> implements EventCodec<E> {

  private final TypeNames<E> names;
  /** Current (reader) schema per type name. */
  private final Map<String, Schema> schemaByType;
  /** Type name per Avro full name, for generic records (whose class says nothing). */
  private final Map<String, String> typeByGenericSchemaName;
  private final Map<String, RegisteredSchema> currentByType;
  private final SchemaRegistry registry;
  private final Map<Integer, Schema> writerSchemas = new ConcurrentHashMap<>();

  private AvroEventCodec(TypeNames<E> names, Map<String, Schema> schemaByType,
                         Map<String, String> typeByGenericSchemaName, Map<String, RegisteredSchema> currentByType,
                         SchemaRegistry registry) {
    this.names = names;
    this.schemaByType = schemaByType;
    this.typeByGenericSchemaName = typeByGenericSchemaName;
    this.currentByType = Collections.unmodifiableMap(currentByType);
    this.registry = registry;
  }

  /** A builder for a codec of generated classes implementing {@code family} (often {@link SpecificRecord}). */
  public static <E> Builder<E> builder(Class<E> family) {
    return new Builder<>(family);
  }

  /** A builder for a codec of {@link GenericRecord}s, each type given by its schema. */
  public static Builder<GenericRecord> genericBuilder() {
    return new Builder<>(GenericRecord.class);
  }

  @Override
  public SerializedEvent encode(E event) {
    Objects.requireNonNull(event, "event");
    String type = typeOf(event);
    Schema schema = schemaByType.get(type);
    RegisteredSchema current = currentByType.get(type);
    int schemaId = current == null ? SerializedEvent.NO_SCHEMA : current.id();
    DatumWriter<Object> writer = event instanceof SpecificRecord
        ? new SpecificDatumWriter<>(schema) : new GenericDatumWriter<>(schema);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
    try {
      writer.write(event, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode event of type " + type + " (schema id " + schemaId
          + ") as Avro: " + e.getMessage(), e);
    }
    return new SerializedEvent(type, bytes.toByteArray(), ContentTypes.AVRO, schemaId);
  }

  @Override
  public E decode(SerializedEvent serialized) {
    String type = serialized.type();
    int schemaId = serialized.schemaId();
    CodecChecks.ensureContentType(serialized, ContentTypes.AVRO);
    Schema reader = schemaByType.get(type);
    if (reader == null) {
      throw CodecChecks.unknownType(serialized, names.names());
    }
    Schema writer = writerSchema(type, schemaId, reader);
    Optional<Class<? extends E>> specificClass = names.classOf(type).filter(SpecificRecord.class::isAssignableFrom);
    DatumReader<E> datumReader = specificClass.isPresent()
        ? new SpecificDatumReader<>(writer, reader, SpecificData.getForClass(specificClass.get()))
        : new GenericDatumReader<>(writer, reader);
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(serialized.payload(), null);
    try {
      E event = datumReader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new SerializationException("event of type " + type + " (schema id " + schemaId + ") has bytes left after"
            + " its Avro datum");
      }
      return event;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
      throw new SerializationException("cannot decode event of type " + type + " (schema id " + schemaId
          + ") as Avro " + reader.getFullName() + ": " + e, e);
    }
  }

  @Override
  public Set<String> typeNames() {
    return names.names();
  }

  /** The current registered schema of each type this codec writes; empty for a codec without a registry. */
  public Map<String, RegisteredSchema> currentSchemas() {
    return currentByType;
  }

  private String typeOf(E event) {
    if (event instanceof SpecificRecord || !(event instanceof GenericRecord generic)) {
      return names.nameOf(event);
    }
    String type = typeByGenericSchemaName.get(generic.getSchema().getFullName());
    if (type == null) {
      throw new InvalidInputException("event", generic.getSchema().getFullName(),
          "is not the schema of one of this codec's types " + names.names());
    }
    return type;
  }

  private Schema writerSchema(String type, int schemaId, Schema reader) {
    RegisteredSchema current = currentByType.get(type);
    if (schemaId == SerializedEvent.NO_SCHEMA || current == null || schemaId == current.id()) {
      return reader;
    }
    Schema known = writerSchemas.get(schemaId);
    if (known != null) {
      return known;
    }
    Optional<RegisteredSchema> written = registry.cached(schemaId);
    if (written.isEmpty()) {
      if (schemaId > registry.highestCachedId()) {
        registry.refresh();
        throw new SerializationException("event of type " + type + " has schema id " + schemaId + ", newer than this"
            + " codec's registry cache (highest id " + registry.highestCachedId() + "); the cache is being refreshed,"
            + " retry", true);
      }
      throw new SerializationException("event of type " + type + " has schema id " + schemaId
          + ", which is not a registered schema");
    }
    RegisteredSchema schema = written.get();
    if (!schema.type().equals(type) || schema.schema().format() != SchemaFormat.AVRO) {
      throw new SerializationException("event of type " + type + " has schema id " + schemaId + ", which is "
          + schema.describe() + " in format " + schema.schema().format() + ", not an Avro schema of " + type);
    }
    Schema parsed = AvroSchemas.parse(schema.schema().definition());
    writerSchemas.put(schemaId, parsed);
    return parsed;
  }

  /**
   * Collects the type names and schemas of an {@link AvroEventCodec}. Not thread-safe.
   *
   * @param <E> the event family
   */
  public static final class Builder<E> {

    private final Class<E> family;
    private final Map<String, Class<? extends E>> classByName = new LinkedHashMap<>();
    private final Map<String, Schema> schemaByType = new LinkedHashMap<>();
    private final Map<String, String> typeByGenericSchemaName = new LinkedHashMap<>();

    private Builder(Class<E> family) {
      this.family = Objects.requireNonNull(family, "family");
    }

    /** Maps a class generated from an {@code .avsc} file to the stable type name {@code name}. */
    public Builder<E> type(String name, Class<? extends E> specificRecordClass) {
      TypeNames.ensureValidName(name);
      if (!SpecificRecord.class.isAssignableFrom(specificRecordClass)) {
        throw new InvalidInputException("types." + name, specificRecordClass.getName(),
            "must be a class generated by Avro (a SpecificRecord)");
      }
      ensureNewName(name);
      classByName.put(name, specificRecordClass);
      schemaByType.put(name, SpecificData.get().getSchema(specificRecordClass));
      return this;
    }

    /**
     * Maps generic records of {@code schema} (an Avro record schema, recognised on encode by its full name)
     * to the stable type name {@code name}. Only for a {@link #genericBuilder()}.
     */
    public Builder<E> type(String name, Schema schema) {
      TypeNames.ensureValidName(name);
      if (family != GenericRecord.class) {
        throw new InvalidInputException("types." + name, schema.getFullName(),
            "generic record types need AvroEventCodec.genericBuilder()");
      }
      if (schema.getType() != Schema.Type.RECORD) {
        throw new InvalidInputException("types." + name, schema.getType(), "must be an Avro record schema");
      }
      ensureNewName(name);
      String previous = typeByGenericSchemaName.putIfAbsent(schema.getFullName(), name);
      if (previous != null) {
        throw new InvalidInputException("types." + name, schema.getFullName(),
            "is already the schema of type \"" + previous + "\"; a schema has one type name");
      }
      @SuppressWarnings("unchecked")
      Class<? extends E> recordClass = (Class<? extends E>) org.apache.avro.generic.GenericData.Record.class;
      classByName.put(name, recordClass);
      schemaByType.put(name, schema);
      return this;
    }

    /** A codec without a registry: payloads carry {@link SerializedEvent#NO_SCHEMA}. */
    public AvroEventCodec<E> build() {
      return new AvroEventCodec<>(typeNames(), Map.copyOf(schemaByType), Map.copyOf(typeByGenericSchemaName),
          Map.of(), null);
    }

    /**
     * A codec that writes schema ids of {@code registry}: registers (or finds) the current schema of every
     * type first, one after the other.
     *
     * @return fails with {@link InvalidInputException} naming the type and field if a schema breaks its
     *     type's compatibility mode
     */
    public Future<AvroEventCodec<E>> build(SchemaRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      TypeNames<E> names;
      try {
        names = typeNames();
      } catch (InvalidInputException e) {
        return Future.failedFuture(e);
      }
      Map<String, Schema> schemas = Map.copyOf(schemaByType);
      Map<String, String> genericNames = Map.copyOf(typeByGenericSchemaName);
      Map<String, RegisteredSchema> current = new LinkedHashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, Schema> entry : schemaByType.entrySet()) {
        chain = chain.compose(v -> registry.register(entry.getKey(), EventSchema.avro(entry.getValue())))
            .map(registered -> {
              current.put(entry.getKey(), registered);
              return null;
            });
      }
      return chain.map(v -> new AvroEventCodec<>(names, schemas, genericNames, current, registry));
    }

    private TypeNames<E> typeNames() {
      if (!typeByGenericSchemaName.isEmpty()) {
        // generic records share one class: type names are told apart by schema, not by class
        return TypeNames.ofGeneric(family, classByName);
      }
      return TypeNames.of(family, classByName);
    }

    private void ensureNewName(String name) {
      if (classByName.containsKey(name)) {
        throw new InvalidInputException("types", name, "is already mapped");
      }
    }
  }
}
