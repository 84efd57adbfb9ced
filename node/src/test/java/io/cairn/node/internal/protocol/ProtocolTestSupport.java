package io.cairn.node.internal.protocol;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.ProducerInfo;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Helpers shared by the protocol server tests: awaiting futures and building events and batches. */
final class ProtocolTestSupport {

  static final long TIMEOUT_MS = 20_000;

  private ProtocolTestSupport() {
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  static EventData event(String type, String json) {
    return new EventData(UUID.randomUUID(), type, json.getBytes(StandardCharsets.UTF_8), List.of());
  }

  /** One record batch of {@code events}, as a producer builds it. */
  static ByteBuffer batch(List<KeyedEvent> events, ProducerInfo producer) {
    return EventBatches.encode(events, CompressionType.NONE, producer, System.currentTimeMillis());
  }
}
