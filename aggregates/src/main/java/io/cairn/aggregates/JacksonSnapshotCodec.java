package io.cairn.aggregates;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.serde.SerializationException;
import java.io.IOException;
import java.util.Objects;

/**
 * The default {@link SnapshotCodec}: the state as a JSON document (Jackson; records serialize by their
 * components). Unknown properties fail the decode, so a snapshot of another shape is ignored rather than
 * half read. Thread-safe.
 *
 * @param <S> the state
 */
public final class JacksonSnapshotCodec<S> implements SnapshotCodec<S> {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .findAndAddModules()
      .build();

  private final Class<S> stateClass;
  private final int schemaVersion;

  private JacksonSnapshotCodec(Class<S> stateClass, int schemaVersion) {
    this.stateClass = Objects.requireNonNull(stateClass, "stateClass");
    if (schemaVersion < 1) {
      throw new InvalidInputException("snapshot.schema.version", schemaVersion, "must be at least 1");
    }
    this.schemaVersion = schemaVersion;
  }

  /** A codec for states of {@code stateClass}, writing snapshots of schema version {@code schemaVersion}. */
  public static <S> JacksonSnapshotCodec<S> of(Class<S> stateClass, int schemaVersion) {
    return new JacksonSnapshotCodec<>(stateClass, schemaVersion);
  }

  @Override
  public int schemaVersion() {
    return schemaVersion;
  }

  @Override
  public byte[] encode(S state) {
    try {
      return MAPPER.writeValueAsBytes(state);
    } catch (IOException e) {
      throw new SerializationException("snapshot of " + stateClass.getName() + " (schema version " + schemaVersion
          + ") cannot be written: " + e.getMessage(), e);
    }
  }

  @Override
  public S decode(byte[] bytes) {
    try {
      return MAPPER.readValue(bytes, stateClass);
    } catch (IOException e) {
      throw new SerializationException("snapshot of " + stateClass.getName() + " (schema version " + schemaVersion
          + ", " + bytes.length + " bytes) does not decode: " + e.getMessage(), e);
    }
  }
}
