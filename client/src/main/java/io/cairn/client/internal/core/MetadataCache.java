package io.cairn.client.internal.core;

import io.cairn.client.internal.net.ChannelSource;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Metadata;
import io.cairn.eventstore.UnknownTopicException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Partition counts of topics, as the node's Metadata answers tell them, for routing records by aggregate
 * id. An entry older than {@code metadata.max.age.ms} is fetched again; {@link #invalidate} drops an entry
 * the node contradicted (unknown topic). Concurrent lookups of one topic share one request.
 *
 * <p>Thread-safe.
 */
public final class MetadataCache {

  private record Entry(int partitions, long fetchedNanos) {
  }

  private final Calls calls;
  private final ChannelSource channel;
  private final long maxAgeNanos;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Future<Integer>> inFlight = new ConcurrentHashMap<>();

  public MetadataCache(Calls calls, ChannelSource channel, long maxAgeMs) {
    this.calls = calls;
    this.channel = channel;
    this.maxAgeNanos = maxAgeMs * 1_000_000L;
  }

  /**
   * The partition count of {@code topic}: from the cache when fresh, else asked of the node. Fails with
   * {@link UnknownTopicException} when the node does not know the topic.
   */
  public Future<Integer> partitionCount(String topic) {
    Entry entry = entries.get(topic);
    if (entry != null && System.nanoTime() - entry.fetchedNanos() <= maxAgeNanos) {
      return Future.succeededFuture(entry.partitions());
    }
    return fetch(topic);
  }

  /** Forgets {@code topic} (deleted, or the node contradicted the cache). */
  public void invalidate(String topic) {
    entries.remove(topic);
  }

  private Future<Integer> fetch(String topic) {
    Promise<Integer> promise = Promise.promise();
    Future<Integer> existing = inFlight.putIfAbsent(topic, promise.future());
    if (existing != null) {
      return existing;
    }
    calls.<Metadata.Response>call(channel, Metadata.Request.of(List.of(topic)), RetryRule.ALWAYS, 0)
        .onComplete(answer -> {
          inFlight.remove(topic);
          if (answer.failed()) {
            promise.fail(answer.cause());
            return;
          }
          Metadata.TopicMetadata metadata = answer.result().topics().stream()
              .filter(t -> t.name().equals(topic)).findFirst().orElse(null);
          if (metadata == null || metadata.errorCode() == ErrorCode.UNKNOWN_TOPIC) {
            entries.remove(topic);
            promise.fail(new UnknownTopicException(topic));
          } else if (metadata.errorCode() != ErrorCode.NONE) {
            promise.fail(metadata.errorCode().toException("metadata of topic \"" + topic + "\": "
                + metadata.errorCode()));
          } else {
            entries.put(topic, new Entry(metadata.partitions().size(), System.nanoTime()));
            promise.complete(metadata.partitions().size());
          }
        });
    return promise.future();
  }
}
