package io.cairn.node.internal;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.TopicDescription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's meters in one Prometheus registry:
 * <ul>
 *   <li>{@value #HTTP_REQUESTS} timer by route, method and status;</li>
 *   <li>{@value #HTTP_REQUEST_ERRORS} counter by status class ({@code 4xx}, {@code 5xx});</li>
 *   <li>{@value #HTTP_CONNECTIONS} gauge of open HTTP connections;</li>
 *   <li>{@value #APPENDS} timer around {@link EventStore#append} by topic and outcome
 *       ({@code appended}, {@code duplicate}, {@code conflict}, {@code error}), whose count is the
 *       append rate, and {@value #APPENDED_EVENTS} counter by topic;</li>
 *   <li>{@value #PARTITION_SIZE} and {@value #PARTITION_LOG_END_OFFSET} gauges by topic and
 *       partition, fed by {@link #refreshPartitions} (periodically and on every scrape).</li>
 * </ul>
 * Thread-safe: meters are Micrometer's; the partition values are atomics in a concurrent map.
 */
public final class NodeMetrics {

  public static final String HTTP_REQUESTS = "cairn.http.requests";
  public static final String HTTP_REQUEST_ERRORS = "cairn.http.request.errors";
  public static final String HTTP_CONNECTIONS = "cairn.http.connections";
  public static final String APPENDS = "cairn.appends";
  public static final String APPENDED_EVENTS = "cairn.appended.events";
  public static final String PARTITION_SIZE = "cairn.partition.size";
  public static final String PARTITION_LOG_END_OFFSET = "cairn.partition.log.end.offset";

  /** Outcomes of an append, the {@code outcome} tag of {@value #APPENDS}. */
  public static final String OUTCOME_APPENDED = "appended";
  public static final String OUTCOME_DUPLICATE = "duplicate";
  public static final String OUTCOME_CONFLICT = "conflict";
  public static final String OUTCOME_ERROR = "error";

  private static final int STATUS_CLASS_DIVISOR = 100;
  private static final int FIRST_ERROR_STATUS_CLASS = 4;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger openConnections = new AtomicInteger();
  private final Map<PartitionKey, PartitionGauges> partitions = new ConcurrentHashMap<>();

  /** A registry with the connection gauge registered. */
  public NodeMetrics() {
    Gauge.builder(HTTP_CONNECTIONS, openConnections, AtomicInteger::get)
        .description("Open HTTP connections").register(registry);
  }

  /** Counts an HTTP connection opened; pair with {@link #connectionClosed()}. */
  public void connectionOpened() {
    openConnections.incrementAndGet();
  }

  /** Counts an HTTP connection closed. */
  public void connectionClosed() {
    openConnections.decrementAndGet();
  }

  /** Records one HTTP request's duration; 4xx and 5xx answers also count as request errors. */
  public void httpRequest(String route, String method, int status, long durationNanos) {
    Timer.builder(HTTP_REQUESTS).description("HTTP requests by route, method and status")
        .tags("route", route, "method", method, "status", Integer.toString(status))
        .register(registry).record(durationNanos, TimeUnit.NANOSECONDS);
    int statusClass = status / STATUS_CLASS_DIVISOR;
    if (statusClass >= FIRST_ERROR_STATUS_CLASS) {
      Counter.builder(HTTP_REQUEST_ERRORS).description("HTTP requests answered with an error, by status class")
          .tag("class", statusClass + "xx").register(registry).increment();
    }
  }

  /** Records one append's latency and outcome ({@link #OUTCOME_APPENDED}, ...). */
  public void append(String topic, String outcome, int events, long durationNanos) {
    Timer.builder(APPENDS).description("Appends through the HTTP API: latency, count by outcome")
        .tags("topic", topic, "outcome", outcome).register(registry).record(durationNanos, TimeUnit.NANOSECONDS);
    if (OUTCOME_APPENDED.equals(outcome)) {
      Counter.builder(APPENDED_EVENTS).description("Events appended through the HTTP API")
          .tag("topic", topic).register(registry).increment(events);
    }
  }

  /**
   * Reads every topic's description and updates the per-partition gauges; gauges of partitions that
   * no longer exist are removed. Never fails: a topic deleted meanwhile is skipped.
   */
  public Future<Void> refreshPartitions(EventStore store) {
    return store.listTopics().compose(names -> {
      List<Future<TopicDescription>> descriptions = new ArrayList<>(names.size());
      for (String name : names) {
        descriptions.add(store.describeTopic(name));
      }
      return Future.join(descriptions).transform(ignored -> {
        Set<PartitionKey> seen = new HashSet<>();
        for (Future<TopicDescription> description : descriptions) {
          if (description.succeeded()) {
            update(description.result(), seen);
          }
        }
        partitions.keySet().removeIf(key -> {
          if (seen.contains(key)) {
            return false;
          }
          partitions.get(key).remove(registry);
          return true;
        });
        return Future.<Void>succeededFuture();
      });
    });
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Releases the registry. */
  public void close() {
    registry.close();
  }

  private void update(TopicDescription description, Set<PartitionKey> seen) {
    for (PartitionDescription partition : description.partitions()) {
      PartitionKey key = new PartitionKey(description.name(), partition.partition());
      seen.add(key);
      PartitionGauges gauges = partitions.computeIfAbsent(key, this::register);
      gauges.sizeBytes.set(partition.sizeBytes());
      gauges.logEndOffset.set(partition.logEndOffset());
    }
  }

  private PartitionGauges register(PartitionKey key) {
    Tags tags = Tags.of("topic", key.topic, "partition", Integer.toString(key.partition));
    AtomicLong sizeBytes = new AtomicLong();
    AtomicLong logEndOffset = new AtomicLong();
    Meter size = Gauge.builder(PARTITION_SIZE, sizeBytes, AtomicLong::get).tags(tags).baseUnit("bytes")
        .description("Bytes of log segments on disk").strongReference(true).register(registry);
    Meter end = Gauge.builder(PARTITION_LOG_END_OFFSET, logEndOffset, AtomicLong::get).tags(tags)
        .description("Next offset to be assigned").strongReference(true).register(registry);
    return new PartitionGauges(sizeBytes, logEndOffset, size, end);
  }

  private record PartitionKey(String topic, int partition) {
  }

  private record PartitionGauges(AtomicLong sizeBytes, AtomicLong logEndOffset, Meter size, Meter end) {
    void remove(PrometheusMeterRegistry registry) {
      registry.remove(size);
      registry.remove(end);
    }
  }
}
