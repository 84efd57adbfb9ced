package io.cairn.bench;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A local Cairn store opened for a benchmark, with the Vert.x instance it runs on. Records how long
 * {@link EventStores#openLocal} took (recovery included). Closing closes the store, then Vert.x.
 * Thread-safe as far as {@link EventStore} is.
 */
public final class CairnStore implements AutoCloseable {

  /** How long opening, creating a topic or closing may take before the benchmark gives up. */
  public static final Duration ADMIN_TIMEOUT = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final EventStore store;
  private final long openNanos;
  private boolean closed;

  private CairnStore(Vertx vertx, EventStore store, long openNanos) {
    this.vertx = vertx;
    this.store = store;
    this.openNanos = openNanos;
  }

  /** Opens (creating if needed) the store in {@code dataDir} on a new Vert.x instance. */
  public static CairnStore open(Path dataDir) {
    return open(new StoreOptions().setDataDir(dataDir));
  }

  /** Opens the store described by {@code options} on a new Vert.x instance. */
  public static CairnStore open(StoreOptions options) {
    Vertx vertx = Vertx.vertx();
    try {
      long start = System.nanoTime();
      EventStore store = Awaits.await(EventStores.openLocal(vertx, options), ADMIN_TIMEOUT,
          "opening the store in " + options.dataDir());
      return new CairnStore(vertx, store, System.nanoTime() - start);
    } catch (RuntimeException | Error e) {
      Awaits.await(vertx.close(), ADMIN_TIMEOUT, "closing Vert.x");
      throw e;
    }
  }

  /** The store. */
  public EventStore store() {
    return store;
  }

  /** The Vert.x instance the store runs on. */
  public Vertx vertx() {
    return vertx;
  }

  /** Nanoseconds {@link EventStores#openLocal} took until its future completed. */
  public long openNanos() {
    return openNanos;
  }

  /** Creates {@code topic} with {@code config} unless it exists; returns its description either way. */
  public TopicDescription ensureTopic(String topic, TopicConfig config) {
    List<String> topics = Awaits.await(store.listTopics(), ADMIN_TIMEOUT, "listing topics");
    if (topics.contains(topic)) {
      return describe(topic);
    }
    return Awaits.await(store.createTopic(topic, config), ADMIN_TIMEOUT, "creating topic " + topic);
  }

  /** The description of {@code topic}. */
  public TopicDescription describe(String topic) {
    return Awaits.await(store.describeTopic(topic), ADMIN_TIMEOUT, "describing topic " + topic);
  }

  /** Sum of the high watermarks of {@code topic}'s partitions: the events readers can see. */
  public long highWatermarkSum(String topic) {
    return describe(topic).partitions().stream().mapToLong(p -> p.highWatermark()).sum();
  }

  /** Closes the store (flushing it) and then Vert.x; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Awaits.await(store.close(), ADMIN_TIMEOUT, "closing the store");
    } finally {
      Awaits.await(vertx.close(), ADMIN_TIMEOUT, "closing Vert.x");
    }
  }
}
