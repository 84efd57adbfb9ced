package io.cairn.bench;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The closed-loop append workload against a Cairn {@link EventStore}: {@code streams} workers, each
 * with exactly one append in flight at a time; each append carries {@code eventsPerAppend} events for
 * one aggregate and expects that aggregate's exact current version. Worker {@code w} owns the
 * aggregates {@code w, w + streams, w + 2 * streams, ...} (ids {@code prefix + index}) so that workers
 * never race on a version; it picks among them by {@link KeyDistribution}. A version conflict (only
 * possible when the topic already holds those aggregates) is counted, the version is taken from the
 * conflict and the worker goes on.
 *
 * <p>Phases: a warm-up of {@code warmupMs} whose appends are not counted, then the measured phase,
 * which ends after {@code durationMs}, or when every worker has issued its even share of
 * {@code events} (whichever the parameters choose; a worker's last append may carry fewer events so
 * that exactly {@code events} are written). An append counts when it was issued in the measured
 * phase. The harness keeps one {@code int} per aggregate for the versions ({@link #versionStateBytes}).
 *
 * <p>Thread-safety: each worker is a {@link ClosedLoops} loop whose steps never overlap, so worker
 * state and the versions of its aggregates need no lock; the latency recorder is concurrent.
 */
public final class AppendWorkload {

  /** Event type name of benchmark events. */
  public static final String EVENT_TYPE = "BenchEvent";
  /** Rough upper bound of the stored bytes a record adds to its payload: key, headers, varints. */
  static final int RECORD_OVERHEAD_BYTES = 256;
  /** The largest {@code max.message.bytes} that {@link TopicConfig#setMaxMessageBytes} accepts. */
  static final int MAX_MESSAGE_BYTES_LIMIT = 64 * 1024 * 1024;
  /** Worker {@code w}'s random source is seeded with {@code seed * SEED_STRIDE + w}. */
  static final long SEED_STRIDE = 1_000_003;

  private final Vertx vertx;
  private final EventStore store;
  private final Params params;
  private final AckLog ackLog;
  private final int[] versions;
  private final LongAdder acknowledged;
  private final Latencies latencies = new Latencies();
  private final List<Worker> workers = new ArrayList<>();
  private long measureStartNanos;
  private long measureEndNanos;

  private AppendWorkload(Vertx vertx, EventStore store, Params params, AckLog ackLog, int[] versions,
                         LongAdder acknowledged) {
    this.vertx = vertx;
    this.store = store;
    this.params = params;
    this.ackLog = ackLog;
    this.versions = versions;
    this.acknowledged = acknowledged;
  }

  /**
   * Runs the workload with fresh version state; the future completes when every worker has stopped,
   * or fails with the first append failure (the other workers stop at their next step).
   */
  public static Future<Outcome> run(Vertx vertx, EventStore store, Params params, AckLog ackLog) {
    return run(vertx, store, params, ackLog, new int[params.aggregates()], new LongAdder());
  }

  /**
   * Runs the workload. Each worker runs on its own context of {@code vertx} (round robin over the
   * event loops) whenever an append completes at once, so that a worker whose appends complete on
   * the spot cannot starve the others.
   *
   * @param versions     the last known version of every aggregate index, length {@code aggregates};
   *                     updated in place, so that several runs can continue the same aggregates
   * @param acknowledged incremented by the events of every acknowledged append (warm-up included),
   *                     for progress reports while the run goes on
   */
  public static Future<Outcome> run(Vertx vertx, EventStore store, Params params, AckLog ackLog, int[] versions,
                                    LongAdder acknowledged) {
    if (versions.length != params.aggregates()) {
      throw new InvalidInputException("versions", versions.length, "must have one entry per aggregate ("
          + params.aggregates() + ")");
    }
    AppendWorkload workload = new AppendWorkload(vertx, store, params, ackLog, versions, acknowledged);
    return workload.start();
  }

  /** Bytes the harness holds for per-aggregate versions with {@code aggregates} aggregates. */
  public static long versionStateBytes(int aggregates) {
    return (long) aggregates * Integer.BYTES;
  }

  /**
   * A topic configuration for this workload: {@code flushMode}, {@code partitions}, and a
   * {@code max.message.bytes} that fits one append of {@code eventsPerAppend} events.
   */
  public static TopicConfig topicConfig(FlushMode flushMode, int partitions, int eventBytes, int eventsPerAppend) {
    long batchBytes = (long) eventsPerAppend * (eventBytes + RECORD_OVERHEAD_BYTES);
    int maxMessageBytes = (int) Math.min(MAX_MESSAGE_BYTES_LIMIT,
        Math.max(TopicConfig.DEFAULT_MAX_MESSAGE_BYTES, batchBytes));
    return new TopicConfig().setFlushMode(flushMode).setPartitions(partitions).setMaxMessageBytes(maxMessageBytes);
  }

  private Future<Outcome> start() {
    long now = System.nanoTime();
    measureStartNanos = now + TimeUnit.MILLISECONDS.toNanos(params.warmupMs());
    measureEndNanos = params.durationMs() > 0
        ? measureStartNanos + TimeUnit.MILLISECONDS.toNanos(params.durationMs())
        : Long.MAX_VALUE;
    for (int w = 0; w < params.streams(); w++) {
      int owned = (params.aggregates() - w + params.streams() - 1) / params.streams();
      SplittableRandom random = new SplittableRandom(params.seed() * SEED_STRIDE + w);
      workers.add(new Worker(w, params.keys().sampler(owned, params.zipfExponent(), random), random));
    }
    return ClosedLoops.run(params.streams(), w -> workers.get(w).issue(), ClosedLoops.onVertxContexts(vertx))
        .map(done -> outcome());
  }

  private Outcome outcome() {
    long events = 0;
    long appends = 0;
    long conflicts = 0;
    long lastCompletion = measureStartNanos;
    for (Worker worker : workers) {
      events += worker.measuredEvents;
      appends += worker.measuredAppends;
      conflicts += worker.conflicts;
      lastCompletion = Math.max(lastCompletion, worker.lastCompletionNanos);
    }
    long touched = 0;
    for (int version : versions) {
      if (version > 0) {
        touched++;
      }
    }
    return new Outcome(events, appends, conflicts, events * params.eventBytes(), lastCompletion - measureStartNanos,
        latencies, touched);
  }

  /** One closed loop's state: touched only by its own sequential chain of appends. */
  private final class Worker {
    private final int id;
    private final KeyDistribution.KeySampler sampler;
    private final SplittableRandom random;
    private long remainingEvents;
    private long measuredEvents;
    private long measuredAppends;
    private long conflicts;
    private long lastCompletionNanos;

    Worker(int id, KeyDistribution.KeySampler sampler, SplittableRandom random) {
      this.id = id;
      this.sampler = sampler;
      this.random = random;
      // an even share of the events; the first (events % streams) workers take one more
      this.remainingEvents = params.events() / params.streams() + (id < params.events() % params.streams() ? 1 : 0);
    }

    Future<?> issue() {
      long issuedNanos = System.nanoTime();
      boolean measured = issuedNanos >= measureStartNanos;
      int count = params.eventsPerAppend();
      if (measured) {
        count = issuedNanos >= measureEndNanos ? 0 : reserve();
        if (count == 0) {
          return ClosedLoops.STOP;
        }
      }
      int index = id + sampler.next() * params.streams();
      String aggregateId = params.aggregatePrefix() + index;
      List<EventData> events = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        events.add(new EventData(new UUID(random.nextLong(), random.nextLong()), EVENT_TYPE,
            Payloads.next(params.eventBytes(), random), List.of()));
      }
      AppendRequest request = AppendRequest.of(params.topic(), aggregateId,
          ExpectedVersion.exactly(versions[index]), events);
      return store.append(request)
          .recover(cause -> Future.failedFuture(new BenchException("append of " + events.size() + " events to "
              + params.topic() + "/" + aggregateId + " expecting version " + request.expectedVersion()
              + " failed: " + cause, cause)))
          .map(result -> {
            completed(result, request, index, issuedNanos, measured);
            return result;
          });
    }

    /**
     * Events for the next measured append: {@code eventsPerAppend}, or what is left of this worker's
     * share of {@code events} (so the total is exact), or 0 when nothing is left.
     */
    private int reserve() {
      if (params.events() == 0) {
        return params.eventsPerAppend();
      }
      int take = (int) Math.min(remainingEvents, params.eventsPerAppend());
      remainingEvents -= take;
      return take;
    }

    private void completed(AppendResult result, AppendRequest request, int index, long issuedNanos, boolean measured) {
      long now = System.nanoTime();
      if (result instanceof AppendResult.Appended appended) {
        versions[index] = Math.toIntExact(appended.newVersion());
        ackLog.appended(request.topic(), request.aggregateId(), appended, request.events());
        acknowledged.add(request.events().size());
        if (measured) {
          latencies.recordNanos(now - issuedNanos);
          measuredEvents += request.events().size();
          measuredAppends++;
          lastCompletionNanos = now;
        }
      } else if (result instanceof AppendResult.VersionConflict conflict) {
        versions[index] = Math.toIntExact(conflict.actualVersion());
        conflicts++;
      }
    }
  }

  /**
   * Parameters of the workload.
   *
   * @param topic           topic to append to (must exist)
   * @param aggregatePrefix aggregate ids are this prefix followed by the aggregate index
   * @param streams         concurrent closed loops, 1 or more
   * @param aggregates      distinct aggregates, at least {@code streams}
   * @param keys            how a worker picks among its aggregates
   * @param zipfExponent    exponent of {@link KeyDistribution#ZIPF}
   * @param eventBytes      payload bytes per event
   * @param eventsPerAppend events per append (one batch), 1 or more
   * @param events          events to issue in the measured phase, or 0 to run for {@code durationMs}
   * @param durationMs      length of the measured phase when {@code events} is 0
   * @param warmupMs        length of the uncounted warm-up
   * @param seed            seed of every random choice
   */
  public record Params(String topic, String aggregatePrefix, int streams, int aggregates, KeyDistribution keys,
                       double zipfExponent, int eventBytes, int eventsPerAppend, long events, long durationMs,
                       long warmupMs, long seed) {

    /** Checks the rules above; throws {@link InvalidInputException} naming the parameter. */
    public Params {
      ensure(streams >= 1, "streams", streams, "must be at least 1");
      ensure(aggregates >= streams, "aggregates", aggregates, "must be at least --streams (" + streams
          + "): each stream owns its own aggregates");
      ensure(eventBytes >= Payloads.MIN_BYTES, "event-bytes", eventBytes, "must be at least " + Payloads.MIN_BYTES);
      ensure(eventsPerAppend >= 1, "events-per-append", eventsPerAppend, "must be at least 1");
      ensure(events >= 0, "events", events, "must be 0 or more");
      ensure(durationMs >= 0, "duration", durationMs, "must be 0 or more");
      ensure(events > 0 ^ durationMs > 0, "events", events, "give either a number of events or a duration (duration ms = "
          + durationMs + ")");
      ensure(warmupMs >= 0, "warmup", warmupMs, "must be 0 or more");
      ensure(zipfExponent > 0, "zipf-exponent", zipfExponent, "must be greater than 0");
    }

    private static void ensure(boolean ok, String field, Object value, String rule) {
      if (!ok) {
        throw new InvalidInputException(field, value, rule);
      }
    }
  }

  /**
   * What the measured phase did.
   *
   * @param events             events acknowledged
   * @param appends            appends acknowledged
   * @param conflicts          version conflicts (warm-up included)
   * @param payloadBytes       payload bytes acknowledged
   * @param elapsedNanos       from the start of the measured phase to its last acknowledgement
   * @param latencies          latency of each measured append
   * @param aggregatesTouched  aggregates with at least one event written by this run
   */
  public record Outcome(long events, long appends, long conflicts, long payloadBytes, long elapsedNanos,
                        Latencies latencies, long aggregatesTouched) {

    /** The standard figures, with {@code heapUsedMb} measured by the caller. */
    public RunFigures figures(double heapUsedMb) {
      return new RunFigures(events, payloadBytes, elapsedNanos, latencies, heapUsedMb);
    }
  }
}
