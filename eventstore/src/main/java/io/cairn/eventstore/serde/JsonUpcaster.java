package io.cairn.eventstore.serde;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rewrites the JSON of an event from one version of its type to the next (n to n + 1), on read. A
 * {@link JsonEventCodec} composes the upcasters of a type, so an event of version 1 read by code of
 * version 4 passes through the upcasters from 1, 2 and 3 (a version without an upcaster is read as is:
 * its schema is compatible with the next).
 *
 * <p>Implementations MUST be pure and thread-safe; they may change and return the node they are given.
 */
@FunctionalInterface
public interface JsonUpcaster {

  /** The event as version n + 1 writes it, given the event as version n wrote it. Never null. */
  ObjectNode upcast(ObjectNode event);
}
