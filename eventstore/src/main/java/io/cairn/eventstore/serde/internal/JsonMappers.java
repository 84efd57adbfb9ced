package io.cairn.eventstore.serde.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The Jackson configuration of the JSON codec (documented in {@code docs/guide/schemas.md}):
 * records through their canonical constructors, {@code java.time} values as ISO-8601 text,
 * {@link java.util.Optional} as the value or null, unknown properties ignored (old code reading an event
 * that gained an optional property: the forward-compatibility rule depends on it), trailing tokens and
 * null for primitives refused.
 */
public final class JsonMappers {

  private JsonMappers() {
  }

  /** A new mapper with the codec's configuration; thread-safe once built. */
  public static ObjectMapper eventMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }
}
