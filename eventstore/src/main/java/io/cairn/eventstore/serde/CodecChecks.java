package io.cairn.eventstore.serde;

import java.util.Set;

/** The checks the JSON and Avro codecs make alike before decoding an event. Stateless. */
final class CodecChecks {

  private CodecChecks() {
  }

  /** Throws unless {@code serialized} has the content type {@code expected}, the one the calling codec reads. */
  static void ensureContentType(SerializedEvent serialized, String expected) {
    if (!expected.equals(serialized.contentType())) {
      throw new SerializationException("event of type " + serialized.type() + " (schema id " + serialized.schemaId()
          + ") has content type " + serialized.contentType() + "; this codec reads " + expected);
    }
  }

  /** The failure for an event whose type is not among the codec's {@code typeNames}. */
  static SerializationException unknownType(SerializedEvent serialized, Set<String> typeNames) {
    return new SerializationException("event type " + serialized.type() + " (schema id " + serialized.schemaId()
        + ") is not one of this codec's types " + typeNames);
  }
}
