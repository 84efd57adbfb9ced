package io.cairn.eventstore.serde;

import java.util.Set;

/**
 * Turns the events of one family (typically an aggregate's sealed event interface) into stored
 * payloads and back. Each event class has a stable type name, written as the record's
 * type (in its {@code cairn.e} header); the Java class name is never stored.
 *
 * <p>{@link #decode} reads events written with any registered schema version of their type and
 * returns them as the current class: older versions are upcast (Avro schema resolution, or JSON
 * upcaster functions).
 *
 * <p>Implementations are thread-safe and do not block: schemas they need are registered and cached
 * before the codec is handed out.
 *
 * @param <E> the event family
 */
public interface EventCodec<E> {

  /**
   * The serialized form of {@code event}: its type name, payload, content type and schema id.
   *
   * @throws io.cairn.eventstore.InvalidInputException if the event's class is not one of this codec's
   *     types, naming the class
   * @throws SerializationException if the event cannot be written
   */
  SerializedEvent encode(E event);

  /**
   * The event stored as {@code serialized}, upcast to the current version of its type.
   *
   * @throws SerializationException if the type is unknown to this codec, the schema id is not
   *     registered for it, or the payload does not decode; the message names the type and schema id
   */
  E decode(SerializedEvent serialized);

  /** The stable type names this codec reads and writes. */
  Set<String> typeNames();
}
