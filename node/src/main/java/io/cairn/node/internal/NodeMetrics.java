package io.cairn.node.internal;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.TopicDescription;
import io.cairn.eventstore.spi.StoreObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.DoubleStream;

/**
 * The node's meters in one Prometheus registry:
 * <ul>
 *   <li>{@value #HTTP_REQUESTS} timer by route, method and status;</li>
 *   <li>{@value #HTTP_REQUEST_ERRORS} counter by status class ({@code 4xx}, {@code 5xx});</li>
 *   <li>{@value #HTTP_CONNECTIONS} gauge of open HTTP connections;</li>
 *   <li>{@value #PROTOCOL_CONNECTIONS} gauge of open binary-protocol connections,
 *       {@value #PROTOCOL_REQUESTS_IN_FLIGHT} gauge of requests read but not answered yet (long polls
 *       included), {@value #PROTOCOL_REQUESTS} timer by {@code api}, {@value #PROTOCOL_REQUEST_ERRORS} counter by
 *       {@code api} and {@code code};</li>
 *   <li>{@value #APPENDS} timer around {@link EventStore#append} by topic and outcome
 *       ({@code appended}, {@code duplicate}, {@code conflict}, {@code error}), whose count is the
 *       append rate, and {@value #APPENDED_EVENTS} counter by topic;</li>
 *   <li>{@value #PARTITION_SIZE} and {@value #PARTITION_LOG_END_OFFSET} gauges by topic and
 *       partition, fed by {@link #refreshPartitions} (periodically and on every scrape);</li>
 *   <li>{@value #LOG_FLUSH} timer by topic and partition: each fsync of a partition's log, heard as
 *       the store's {@link StoreObserver} (Prometheus {@code cairn_log_flush_seconds});</li>
 *   <li>{@value #HTTP_TAILS} and {@value #HTTP_TAILS_PAUSED} gauges of open Server-Sent Events tails
 *       and of those paused because their client reads slower than events come, and
 *       {@value #HTTP_TAIL_EVENTS} counter by topic of events written to tails.</li>
 * </ul>
 * The latency timers ({@value #PROTOCOL_REQUESTS}, {@value #APPENDS}, {@value #LOG_FLUSH}) are Prometheus histograms
 * with the bucket bounds {@link #LATENCY_BUCKETS}, so that a scraper can compute percentiles over any window
 * (Prometheus' {@code histogram_quantile}), as Kafka's request metrics give percentiles.
 *
 * <p>Thread-safe: meters are Micrometer's; the partition values are atomics in concurrent maps. The
 * observer methods return at once (one map lookup and a timer update), as {@link StoreObserver} requires.
 */
public final class NodeMetrics implements StoreObserver {

  public static final String HTTP_REQUESTS = "cairn.http.requests";
  public static final String HTTP_REQUEST_ERRORS = "cairn.http.request.errors";
  public static final String HTTP_CONNECTIONS = "cairn.http.connections";
  public static final String APPENDS = "cairn.appends";
  public static final String APPENDED_EVENTS = "cairn.appended.events";
  public static final String PARTITION_SIZE = "cairn.partition.size";
  public static final String PARTITION_LOG_END_OFFSET = "cairn.partition.log.end.offset";
  public static final String LOG_FLUSH = "cairn.log.flush";
  public static final String HTTP_TAILS = "cairn.http.tails";
  public static final String HTTP_TAILS_PAUSED = "cairn.http.tails.paused";
  public static final String HTTP_TAIL_EVENTS = "cairn.http.tail.events";
  public static final String PROTOCOL_CONNECTIONS = "cairn.protocol.connections";
  public static final String PROTOCOL_REQUESTS = "cairn.protocol.requests";
  public static final String PROTOCOL_REQUESTS_IN_FLIGHT = "cairn.protocol.requests.in.flight";
  public static final String PROTOCOL_REQUEST_ERRORS = "cairn.protocol.request.errors";

  /** Outcomes of an append, the {@code outcome} tag of {@value #APPENDS}. */
  public static final String OUTCOME_APPENDED = "appended";
  public static final String OUTCOME_DUPLICATE = "duplicate";
  public static final String OUTCOME_CONFLICT = "conflict";
  public static final String OUTCOME_ERROR = "error";

  private static final double NANOS_PER_MILLI = 1e6;

  /**
   * Upper bounds of the latency histograms' buckets: 0.1 ms to 30 s, finest between 0.1 and 10 ms where a node's
   * requests, appends and fsyncs fall; Prometheus adds {@code +Inf}.
   */
  public static final List<Duration> LATENCY_BUCKETS = DoubleStream.of(
          0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 75,
          100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000)
      .mapToObj(millis -> Duration.ofNanos(Math.round(millis * NANOS_PER_MILLI))).toList();
  /** {@link #LATENCY_BUCKETS} as the array Micrometer takes, built once: HTTP appends build their timer per call. */
  private static final Duration[] LATENCY_BUCKET_ARRAY = LATENCY_BUCKETS.toArray(Duration[]::new);

  private static final int STATUS_CLASS_DIVISOR = 100;
  private static final int FIRST_ERROR_STATUS_CLASS = 4;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger openConnections = new AtomicInteger();
  private final Map<PartitionKey, PartitionGauges> partitions = new ConcurrentHashMap<>();
  private final Map<PartitionKey, Timer> flushTimers = new ConcurrentHashMap<>();
  private final AtomicInteger openTails = new AtomicInteger();
  private final AtomicInteger pausedTails = new AtomicInteger();
  private final AtomicInteger openProtocolConnections = new AtomicInteger();
  private final AtomicInteger protocolRequestsInFlight = new AtomicInteger();
  private final Map<String, Timer> protocolRequestTimers = new ConcurrentHashMap<>();

  /** A registry with the connection and tail gauges registered. */
  public NodeMetrics() {
    Gauge.builder(HTTP_CONNECTIONS, openConnections, AtomicInteger::get)
        .description("Open HTTP connections").register(registry);
    Gauge.builder(HTTP_TAILS, openTails, AtomicInteger::get)
        .description("Open Server-Sent Events tails").register(registry);
    Gauge.builder(HTTP_TAILS_PAUSED, pausedTails, AtomicInteger::get)
        .description("Tails paused until their client takes the events already sent").register(registry);
    Gauge.builder(PROTOCOL_CONNECTIONS, openProtocolConnections, AtomicInteger::get)
        .description("Open binary-protocol connections").register(registry);
    Gauge.builder(PROTOCOL_REQUESTS_IN_FLIGHT, protocolRequestsInFlight, AtomicInteger::get)
        .description("Binary-protocol requests read and not answered yet").register(registry);
  }

  /** Counts a binary-protocol connection opened; pair with {@link #protocolConnectionClosed()}. */
  public void protocolConnectionOpened() {
    openProtocolConnections.incrementAndGet();
  }

  /** Counts a binary-protocol connection closed. */
  public void protocolConnectionClosed() {
    openProtocolConnections.decrementAndGet();
  }

  /** Counts a binary-protocol request read; pair with {@link #protocolRequestsEnded}. */
  public void protocolRequestStarted() {
    protocolRequestsInFlight.incrementAndGet();
  }

  /** Counts {@code count} binary-protocol requests answered, or dropped with their connection. */
  public void protocolRequestsEnded(int count) {
    protocolRequestsInFlight.addAndGet(-count);
  }

  /**
   * Records one binary-protocol request of {@code api} (its name in docs/protocol.md, such as {@code Fetch}),
   * from its frame's arrival to its answer being written.
   */
  public void protocolRequest(String api, long durationNanos) {
    protocolRequestTimers.computeIfAbsent(api, name -> latencyTimer(PROTOCOL_REQUESTS)
            .description("Binary-protocol requests by api, from arrival to answer").tag("api", name).register(registry))
        .record(durationNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Counts a binary-protocol request answered with an error: {@code api} as in {@link #protocolRequest}, or
   * {@code unknown} for a frame whose header could not be read; {@code code} the error code's name.
   */
  public void protocolRequestError(String api, String code) {
    Counter.builder(PROTOCOL_REQUEST_ERRORS).description("Binary-protocol requests answered with an error")
        .tags("api", api, "code", code).register(registry).increment();
  }

  /**
   * Records one fsync of a partition's log (called by the store on a disk thread). The timer of a
   * partition is made once and removed with the partition's gauges when its topic is deleted.
   */
  @Override
  public void logFlushed(String topic, int partition, long durationNanos) {
    flushTimers.computeIfAbsent(new PartitionKey(topic, partition), this::registerFlushTimer)
        .record(durationNanos, TimeUnit.NANOSECONDS);
  }

  /** Counts a Server-Sent Events tail opened; pair with {@link #tailClosed()}. */
  public void tailOpened() {
    openTails.incrementAndGet();
  }

  /** Counts a tail closed. */
  public void tailClosed() {
    openTails.decrementAndGet();
  }

  /** Counts a tail paused by backpressure; pair with {@link #tailResumed()}. */
  public void tailPaused() {
    pausedTails.incrementAndGet();
  }

  /** Counts a paused tail resumed (or closed while paused). */
  public void tailResumed() {
    pausedTails.decrementAndGet();
  }

  /** The counter of events written to tails of {@code topic}; a tail looks it up once. */
  public Counter tailEvents(String topic) {
    return Counter.builder(HTTP_TAIL_EVENTS).description("Events written to Server-Sent Events tails")
        .tag("topic", topic).register(registry);
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
    latencyTimer(APPENDS).description("Appends through the HTTP API: latency, count by outcome")
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
          Timer flush = flushTimers.remove(key);
          if (flush != null) {
            registry.remove(flush);
          }
          return true;
        });
        return Future.<Void>succeededFuture();
      });
    });
  }

  /** The Prometheus text exposition of every meter. Thread-safe; takes milliseconds (HttpApi runs it off the loop). */
  public String scrape() {
    return registry.scrape();
  }

  /** The registry itself, for tests in this package. */
  MeterRegistry registry() {
    return registry;
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

  private Timer registerFlushTimer(PartitionKey key) {
    return latencyTimer(LOG_FLUSH).description("fsync (fdatasync) of a partition's log")
        .tags("topic", key.topic, "partition", Integer.toString(key.partition)).register(registry);
  }

  /** A timer published as a histogram with the buckets {@link #LATENCY_BUCKETS}. */
  private static Timer.Builder latencyTimer(String name) {
    return Timer.builder(name).serviceLevelObjectives(LATENCY_BUCKET_ARRAY);
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
