/**
 * Event serialization and schemas: {@link io.cairn.eventstore.serde.EventCodec} turns events into
 * stored payloads and back (JSON via Jackson by default, Avro as the second codec), the schema
 * registry in the internal compacted topic {@code __schemas} holds each event type's schema versions
 * and checks their compatibility, and upcasting reads old versions as the current class.
 */
package io.cairn.eventstore.serde;
