package io.cairn.aggregates;

/**
 * Writes an aggregate's state to bytes for its snapshot and back. A snapshot records the codec's
 * {@link #schemaVersion()}; one written with another version is not used (the aggregate is replayed from
 * its events instead), so bump the version whenever the state's shape changes incompatibly.
 *
 * <p>Implementations MUST be thread-safe.
 *
 * @param <S> the state
 */
public interface SnapshotCodec<S> {

  /** The version of the state's serialized shape, at least 1. */
  int schemaVersion();

  /** The bytes of {@code state}. */
  byte[] encode(S state);

  /**
   * The state stored as {@code bytes}.
   *
   * @throws io.cairn.eventstore.serde.SerializationException if the bytes do not decode
   */
  S decode(byte[] bytes);
}
