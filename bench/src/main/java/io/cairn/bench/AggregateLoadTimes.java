package io.cairn.bench;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandGateways;
import io.cairn.aggregates.CommandResult;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.aggregates.internal.SnapshotRecord;
import io.cairn.bench.Counters.Count;
import io.cairn.bench.Counters.Increment;
import io.cairn.bench.Counters.Incremented;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Load time of one long aggregate: the time from a fresh {@link CommandGateway} (empty cache) sending one
 * command until the command completes, which is load + decide + append. Measured with two registrations of
 * the same counter over the same topic: one without snapshots (the load replays every event) and one with
 * a snapshot every {@code snapshotEvery} events (the load reads the newest snapshot, then the events after
 * it).
 *
 * <p>Set-up: the counter's first {@code m - 1} events ({@code m} = the largest multiple of
 * {@code snapshotEvery} up to {@code loadEvents}) are appended directly, in batches, as the gateway would
 * have written them (same type name, payload and headers, one command id per event); the {@code m}-th is a
 * command through the snapshot registration, which writes the snapshot at version {@code m}; the rest up to
 * {@code loadEvents} are appended directly again. The snapshot is checked to exist before anything is
 * measured. Each repeat then measures both registrations, each with a gateway of its own created for it
 * (creation not timed), alternating which goes first; every measured command adds one event.
 *
 * <p>Runs on the caller's (non Vert.x) thread. Not thread-safe; one run at a time.
 */
public final class AggregateLoadTimes {

  /** The id of the long counter. */
  public static final String COUNTER_ID = "long-counter";
  /** Events per direct append while setting up. */
  static final int PRELOAD_BATCH_EVENTS = 500;
  private static final Duration STEP_TIMEOUT = CommandThroughput.PHASE_TIMEOUT;

  private final Vertx vertx;
  private final EventStore store;
  private final Params params;
  private final String note;
  private final SplittableRandom random;

  private AggregateLoadTimes(Vertx vertx, EventStore store, Params params) {
    this.vertx = vertx;
    this.store = store;
    this.params = params;
    this.random = new SplittableRandom(params.seed());
    this.note = Counters.note(params.payloadBytes(), random);
  }

  /**
   * Sets up the long counter in {@code topic} (MUST be new; created with {@code topicConfig}, its snapshot
   * topic with the gateway's defaults) and measures. Fails with a {@link BenchException} if a step fails,
   * a command is not accepted at the expected version, or no snapshot was written.
   */
  public static Outcome run(Vertx vertx, EventStore store, String topic, TopicConfig topicConfig, Params params,
                            Consumer<String> progress) {
    return new AggregateLoadTimes(vertx, store, params).run(topic, topicConfig, progress);
  }

  private Outcome run(String topic, TopicConfig topicConfig, Consumer<String> progress) {
    AggregateType<Increment, Incremented, Count> replayed = Counters.type(topic, topicConfig, 0);
    AggregateType<Increment, Incremented, Count> snapshotted = Counters.type(topic, topicConfig, params.snapshotEvery());
    long start = System.nanoTime();
    long snapshotAt = (long) params.loadEvents() / params.snapshotEvery() * params.snapshotEvery();
    CommandGateway<Increment, Incremented> primer = gateway(snapshotted);
    try {
      appendDirectly(topic, 1, snapshotAt - 1);
      send(primer, snapshotAt, "snapshot primer");
    } finally {
      close(primer);
    }
    appendDirectly(topic, snapshotAt + 1, params.loadEvents());
    long snapshotVersion = storedSnapshotVersion(snapshotted.snapshotTopic());
    long setupNanos = System.nanoTime() - start;
    progress.accept(String.format("[commands] long counter: %d events in %.2f s, snapshot at version %d",
        params.loadEvents(), setupNanos / 1e9, snapshotVersion));

    Latencies withoutSnapshots = new Latencies();
    Latencies withSnapshots = new Latencies();
    long version = params.loadEvents();
    int total = params.warmupRepeats() + params.repeats();
    for (int i = 0; i < total; i++) {
      boolean measured = i >= params.warmupRepeats();
      boolean replayFirst = i % 2 == 0;
      for (int turn = 0; turn < 2; turn++) {
        boolean replay = replayFirst == (turn == 0);
        long nanos = timedLoad(replay ? replayed : snapshotted, ++version);
        if (measured) {
          (replay ? withoutSnapshots : withSnapshots).recordNanos(nanos);
        }
      }
    }
    progress.accept(String.format("[commands] load of %d events: median %.3f ms without snapshots, %.3f ms with",
        params.loadEvents(), withoutSnapshots.p50Ms(), withSnapshots.p50Ms()));
    return new Outcome(withoutSnapshots, withSnapshots, snapshotVersion, version, setupNanos);
  }

  /** Sends one command through a fresh gateway of {@code type}; the nanoseconds from send to its result. */
  private long timedLoad(AggregateType<Increment, Incremented, Count> type, long expectedVersion) {
    CommandGateway<Increment, Incremented> gateway = gateway(type);
    try {
      long start = System.nanoTime();
      send(gateway, expectedVersion, "timed load");
      return System.nanoTime() - start;
    } finally {
      close(gateway);
    }
  }

  private void send(CommandGateway<Increment, Incremented> gateway, long expectedVersion, String what) {
    CommandResult<Incremented> result = Awaits.await(gateway.send(new Increment(COUNTER_ID, commandId(expectedVersion),
        note)), STEP_TIMEOUT, what + " command to " + COUNTER_ID);
    if (!(result instanceof CommandResult.Accepted<Incremented> accepted) || accepted.newVersion() != expectedVersion) {
      throw new BenchException(what + " command to " + COUNTER_ID + " came back " + result + ", expected accepted at "
          + "version " + expectedVersion);
    }
  }

  /** Appends the events at versions {@code fromVersion} to {@code toVersion} (inclusive) as the gateway writes them. */
  private void appendDirectly(String topic, long fromVersion, long toVersion) {
    for (long first = fromVersion; first <= toVersion; first += PRELOAD_BATCH_EVENTS) {
      long last = Math.min(toVersion, first + PRELOAD_BATCH_EVENTS - 1);
      List<EventData> events = new ArrayList<>((int) (last - first + 1));
      for (long version = first; version <= last; version++) {
        events.add(Counters.eventData(new UUID(random.nextLong(), random.nextLong()),
            Counters.codec().encode(new Incremented(version, note)), commandId(version)));
      }
      AppendResult result = Awaits.await(store.append(AppendRequest.of(topic, COUNTER_ID,
          ExpectedVersion.exactly(first - 1), events)), STEP_TIMEOUT, "appending the long counter's events");
      if (!(result instanceof AppendResult.Appended)) {
        throw new BenchException("append of versions " + first + " to " + last + " of " + topic + "/" + COUNTER_ID
            + " came back " + result);
      }
    }
  }

  /** The aggregate version of the newest snapshot of the long counter in {@code snapshotTopic}. */
  private long storedSnapshotVersion(String snapshotTopic) {
    long records = Awaits.await(store.streamVersion(snapshotTopic, COUNTER_ID), STEP_TIMEOUT,
        "reading the snapshot version");
    if (records == 0) {
      throw new BenchException("no snapshot of " + COUNTER_ID + " in " + snapshotTopic + " after the primer command");
    }
    StreamSlice slice = Awaits.await(store.readStream(snapshotTopic, COUNTER_ID, records, 1), STEP_TIMEOUT,
        "reading the newest snapshot");
    if (slice.events().isEmpty()) {
      throw new BenchException("the newest snapshot of " + COUNTER_ID + " in " + snapshotTopic + " cannot be read");
    }
    return SnapshotRecord.decode(slice.events().get(0).payload()).aggregateVersion();
  }

  private static String commandId(long version) {
    return "load-" + version;
  }

  private CommandGateway<Increment, Incremented> gateway(AggregateType<Increment, Incremented, Count> type) {
    return Awaits.await(CommandGateways.create(vertx, store, type, new GatewayOptions()), STEP_TIMEOUT,
        "creating a gateway of " + type.topic());
  }

  private static void close(CommandGateway<Increment, Incremented> gateway) {
    Awaits.await(gateway.close(), STEP_TIMEOUT, "closing a gateway");
  }

  /**
   * Parameters.
   *
   * @param loadEvents    events of the long counter before the first measurement, at least {@code snapshotEvery}
   * @param snapshotEvery snapshot interval of the snapshot registration, at least 1
   * @param repeats       measured loads per registration, at least 1
   * @param warmupRepeats uncounted loads per registration first, 0 or more
   * @param payloadBytes  JSON payload bytes of an event with a one-digit count
   * @param seed          seed of the note and the event ids
   */
  public record Params(int loadEvents, int snapshotEvery, int repeats, int warmupRepeats, int payloadBytes, long seed) {

    /** Checks the rules above; throws {@link InvalidInputException} naming the parameter. */
    public Params {
      ensure(snapshotEvery >= 1, "snapshot-every", snapshotEvery, "must be at least 1");
      ensure(loadEvents >= snapshotEvery, "load-events", loadEvents, "must be at least --snapshot-every ("
          + snapshotEvery + "), so that a snapshot exists");
      ensure(repeats >= 1, "load-repeats", repeats, "must be at least 1");
      ensure(warmupRepeats >= 0, "load-warmup-repeats", warmupRepeats, "must be 0 or more");
    }

    private static void ensure(boolean ok, String field, Object value, String rule) {
      if (!ok) {
        throw new InvalidInputException(field, value, rule);
      }
    }
  }

  /**
   * What was measured.
   *
   * @param withoutSnapshots send-to-result times with the registration without snapshots
   * @param withSnapshots    the same with snapshots
   * @param snapshotVersion  the aggregate version of the snapshot the loads started from
   * @param finalVersion     the counter's version after the last measured command
   * @param setupNanos       time taken to write the counter's events and its snapshot
   */
  public record Outcome(Latencies withoutSnapshots, Latencies withSnapshots, long snapshotVersion, long finalVersion,
                        long setupNanos) {
  }
}
