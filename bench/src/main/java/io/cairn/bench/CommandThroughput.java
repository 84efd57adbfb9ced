package io.cairn.bench;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandGateways;
import io.cairn.aggregates.CommandResult;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.bench.Counters.Count;
import io.cairn.bench.Counters.Increment;
import io.cairn.bench.Counters.Incremented;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.serde.SerializedEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Commands through a {@link CommandGateway} against raw appends of the same events, in the same run. Both
 * sides run {@code concurrency} closed loops; loop {@code w} owns the counters {@code w, w + concurrency,
 * ...} and goes round them in turn, so both sides touch the same aggregates in the same order and no two
 * loops ever queue on one aggregate.
 *
 * <ul>
 *   <li>Raw side: one {@link Counters#EVENT_TYPE} event per {@code store.append} with
 *   {@link ExpectedVersion#ANY} to a topic of its own (same configuration), with the payload, type name and
 *   headers the gateway writes. The payload is encoded once up front: the raw side pays only for the append.</li>
 *   <li>Encoding raw side: the same, but each append first encodes its event with the same codec, as an
 *   application appending its events itself would; the difference to the command side is then the aggregate
 *   layer alone (cache, decide, evolve, optimistic append, command ids).</li>
 *   <li>Command side: one {@link Increment} per {@link CommandGateway#send} (decide, JSON encode, append with
 *   the cached version), through one gateway whose cache holds every counter.</li>
 * </ul>
 *
 * <p>Phases: a warm-up of each side (at least one command per counter, so the measured commands all hit the
 * cache), then {@code rounds} measured rounds of {@code commands / rounds} operations per side; even rounds
 * run the raw side first, odd rounds the command side first, so neither side always runs on a warmer or
 * fuller store. Throughput of a phase counts from its first request to its last acknowledgement.
 *
 * <p>Runs on the caller's (non Vert.x) thread, blocking on each phase. Not thread-safe; one run at a time.
 */
public final class CommandThroughput {

  /** Aggregate ids are this prefix and the counter's index. */
  public static final String COUNTER_PREFIX = "counter-";
  /** How long one phase may take before the run is declared stuck. */
  public static final Duration PHASE_TIMEOUT = Duration.ofMinutes(30);

  private final Vertx vertx;
  private final EventStore store;
  private final Params params;
  private final Consumer<String> progress;
  private final AggregateKeys counters;
  private final String note;

  private CommandThroughput(Vertx vertx, EventStore store, Params params, Consumer<String> progress) {
    this.vertx = vertx;
    this.store = store;
    this.params = params;
    this.progress = progress;
    this.counters = new AggregateKeys(COUNTER_PREFIX, params.aggregates());
    this.note = Counters.note(params.payloadBytes(), new SplittableRandom(params.seed()));
  }

  /**
   * Runs both sides: the raw side appends to {@code rawTopic} (created here with {@code topicConfig}), the
   * command side sends to {@code commandTopic} (created by the gateway with the same configuration). Both
   * topics MUST be new. Fails with a {@link BenchException} if an append or a command fails or is not
   * accepted with exactly one event.
   */
  public static Outcome run(Vertx vertx, EventStore store, String rawTopic, String commandTopic, TopicConfig topicConfig,
                            Params params, Consumer<String> progress) {
    return new CommandThroughput(vertx, store, params, progress).run(rawTopic, commandTopic, topicConfig);
  }

  private Outcome run(String rawTopic, String commandTopic, TopicConfig topicConfig) {
    Awaits.await(store.createTopic(rawTopic, topicConfig), PHASE_TIMEOUT, "creating topic " + rawTopic);
    AggregateType<Increment, Incremented, Count> type = Counters.type(commandTopic, topicConfig, 0);
    GatewayOptions options = new GatewayOptions()
        // the gateway shares the entries out evenly over the partitions, whose counters are not spread exactly
        // evenly: twice the counters keeps every partition's counters cached
        .setCacheEntries(Math.max(GatewayOptions.DEFAULT_CACHE_ENTRIES, 2 * params.aggregates()));
    CommandGateway<Increment, Incremented> gateway = Awaits.await(CommandGateways.create(vertx, store, type, options),
        PHASE_TIMEOUT, "creating the command gateway of " + commandTopic);
    try {
      long warmup = params.effectiveWarmupCommands();
      // a count in the middle of the run's, so raw payloads are as long as the commands' on average
      long typicalCount = Math.max(1, (warmup + params.commands()) / params.aggregates() / 2);
      SerializedEvent rawEvent = Counters.codec().encode(new Incremented(typicalCount, note));
      Incremented typicalEvent = new Incremented(typicalCount, note);
      Side raw = new Side("raw appends", (lane, id) -> appendRaw(rawTopic, rawEvent, lane, id));
      Side encodingRaw = new Side("raw appends, encoded per append",
          (lane, id) -> appendRaw(rawTopic, Counters.codec().encode(typicalEvent), lane, id));
      Side commands = new Side("commands", (lane, id) -> sendCommand(gateway, lane, id));
      List<Side> sides = List.of(raw, encodingRaw, commands);
      List<List<Phase>> rounds = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      for (Side side : sides) {
        side.phase(warmup);
      }
      for (int round = 0; round < params.rounds(); round++) {
        long count = params.commands() / params.rounds() + (round < params.commands() % params.rounds() ? 1 : 0);
        // each side goes first, second and third in turn
        for (int turn = 0; turn < sides.size(); turn++) {
          int side = (round + turn) % sides.size();
          rounds.get(side).add(sides.get(side).phase(count));
        }
      }
      return new Outcome(rounds.get(0), rounds.get(1), rounds.get(2), rawEvent.payload().length,
          Counters.codec().encode(new Incremented(1, note)).payload().length, options.cacheEntries());
    } finally {
      Awaits.await(gateway.close(), PHASE_TIMEOUT, "closing the command gateway");
    }
  }

  private Future<?> appendRaw(String topic, SerializedEvent event, Lane lane, String aggregateId) {
    AppendRequest request = AppendRequest.of(topic, aggregateId, ExpectedVersion.ANY,
        List.of(Counters.eventData(new UUID(lane.random.nextLong(), lane.random.nextLong()), event,
            lane.nextCommandId())));
    return store.append(request).map(result -> {
      if (!(result instanceof AppendResult.Appended)) {
        throw new BenchException("append to " + topic + "/" + aggregateId + " with expected version ANY came back "
            + result);
      }
      return result;
    });
  }

  private Future<?> sendCommand(CommandGateway<Increment, Incremented> gateway, Lane lane, String aggregateId) {
    return gateway.send(new Increment(aggregateId, lane.nextCommandId(), note)).map(result -> {
      if (!(result instanceof CommandResult.Accepted<Incremented> accepted) || accepted.events().size() != 1) {
        throw new BenchException("command to counter " + aggregateId + " came back " + result
            + ", expected accepted with one event");
      }
      return result;
    });
  }

  /** Issues one request of a side for {@code aggregateId} from {@code lane}. */
  @FunctionalInterface
  private interface Request {
    Future<?> issue(Lane lane, String aggregateId);
  }

  /** One side's loops and their positions, kept from phase to phase. */
  private final class Side {
    private final String name;
    private final Request request;
    private final Lane[] lanes;

    Side(String name, Request request) {
      this.name = name;
      this.request = request;
      this.lanes = new Lane[params.concurrency()];
      for (int w = 0; w < lanes.length; w++) {
        lanes[w] = new Lane(w);
      }
    }

    /** Runs {@code count} requests split evenly over the loops and waits for them. */
    Phase phase(long count) {
      int loops = lanes.length;
      long[] remaining = new long[loops];
      for (int w = 0; w < loops; w++) {
        remaining[w] = count / loops + (w < count % loops ? 1 : 0);
      }
      Latencies latencies = new Latencies();
      long start = System.nanoTime();
      // each loop's steps never overlap, so its slot of remaining and its lane need no lock
      Future<Void> done = ClosedLoops.run(loops, w -> {
        if (remaining[w] == 0) {
          return ClosedLoops.STOP;
        }
        remaining[w]--;
        Lane lane = lanes[w];
        long issuedNanos = System.nanoTime();
        return request.issue(lane, lane.nextAggregate())
            .onSuccess(result -> latencies.recordNanos(System.nanoTime() - issuedNanos));
      }, ClosedLoops.onVertxContexts(vertx));
      Awaits.await(done, PHASE_TIMEOUT, name + " (" + count + ")");
      Phase phase = new Phase(count, System.nanoTime() - start, latencies);
      progress.accept(String.format("[commands] %s: %d in %.2f s, %.0f/s, p99 %.3f ms", name, count,
          phase.elapsedNanos() / 1e9, phase.perSec(), latencies.p99Ms()));
      return phase;
    }
  }

  /** A loop's own counters, its turn among them, its command ids and its random source. */
  private final class Lane {
    private final int id;
    private final int owned;
    private final SplittableRandom random;
    private long turn;
    private long sequence;

    Lane(int id) {
      this.id = id;
      this.owned = (params.aggregates() - id + params.concurrency() - 1) / params.concurrency();
      this.random = new SplittableRandom(params.seed() * AppendWorkload.SEED_STRIDE + id);
    }

    String nextAggregate() {
      int index = id + (int) (turn++ % owned) * params.concurrency();
      return counters.id(index);
    }

    String nextCommandId() {
      return "c" + id + "-" + sequence++;
    }
  }

  /**
   * Parameters.
   *
   * @param aggregates     counters, at least {@code concurrency}
   * @param commands       measured operations per side, split over the rounds, at least {@code rounds}
   * @param warmupCommands uncounted operations per side before the rounds (at least one per counter is run)
   * @param concurrency    closed loops per side, at least 1
   * @param payloadBytes   JSON payload bytes of an event with a one-digit count
   * @param rounds         measured rounds, at least 1
   * @param seed           seed of notes and event ids
   */
  public record Params(int aggregates, long commands, long warmupCommands, int concurrency, int payloadBytes,
                       int rounds, long seed) {

    /** Checks the rules above; throws {@link InvalidInputException} naming the parameter. */
    public Params {
      ensure(concurrency >= 1, "concurrency", concurrency, "must be at least 1");
      ensure(aggregates >= concurrency, "aggregates", aggregates, "must be at least --concurrency (" + concurrency
          + "): each loop owns its own counters");
      ensure(rounds >= 1, "rounds", rounds, "must be at least 1");
      ensure(commands >= rounds, "commands", commands, "must be at least --rounds (" + rounds + ")");
      ensure(warmupCommands >= 0, "warmup-commands", warmupCommands, "must be 0 or more");
      Counters.note(payloadBytes, new SplittableRandom(seed));
    }

    /** The warm-up actually run: {@code warmupCommands}, but at least one command per counter. */
    public long effectiveWarmupCommands() {
      return Math.max(warmupCommands, aggregates);
    }

    private static void ensure(boolean ok, String field, Object value, String rule) {
      if (!ok) {
        throw new InvalidInputException(field, value, rule);
      }
    }
  }

  /**
   * One measured phase of one side.
   *
   * @param operations   appends or commands acknowledged
   * @param elapsedNanos from the first request to the last acknowledgement
   * @param latencies    one per operation
   */
  public record Phase(long operations, long elapsedNanos, Latencies latencies) {

    /** Operations per second. */
    public double perSec() {
      return elapsedNanos <= 0 ? 0 : operations * 1e9 / elapsedNanos;
    }
  }

  /**
   * What the rounds measured.
   *
   * @param rawRounds           the raw side's measured phases, in order
   * @param encodingRawRounds   the encoding raw side's, in order
   * @param commandRounds       the command side's, in order
   * @param rawPayloadBytes     JSON payload bytes of every raw event
   * @param commandPayloadBytes JSON payload bytes of a command's event with a one-digit count
   * @param cacheEntries        the gateway's cache size
   */
  public record Outcome(List<Phase> rawRounds, List<Phase> encodingRawRounds, List<Phase> commandRounds,
                        int rawPayloadBytes, int commandPayloadBytes, int cacheEntries) {

    /** Median over the rounds of raw appends per second. */
    public double appendsPerSecMedian() {
      return median(rawRounds.stream().mapToDouble(Phase::perSec).toArray());
    }

    /** Median over the rounds of raw appends per second that encoded their event each. */
    public double encodingAppendsPerSecMedian() {
      return median(encodingRawRounds.stream().mapToDouble(Phase::perSec).toArray());
    }

    /** Median over the rounds of commands per second. */
    public double commandsPerSecMedian() {
      return median(commandRounds.stream().mapToDouble(Phase::perSec).toArray());
    }

    /** Each round's commands per second over its appends per second. */
    public double[] roundRatios() {
      return ratios(rawRounds);
    }

    /** Each round's commands per second over its encoding appends per second. */
    public double[] encodingRoundRatios() {
      return ratios(encodingRawRounds);
    }

    private double[] ratios(List<Phase> baseline) {
      double[] ratios = new double[baseline.size()];
      for (int i = 0; i < ratios.length; i++) {
        ratios[i] = commandRounds.get(i).perSec() / baseline.get(i).perSec();
      }
      return ratios;
    }

    /** Median of {@link #roundRatios()}: the two sides of one round ran back to back, under the same load. */
    public double ratioMedian() {
      return median(roundRatios());
    }

    /** Median of {@link #encodingRoundRatios()}. */
    public double encodingRatioMedian() {
      return median(encodingRoundRatios());
    }

    /** Every raw latency of the rounds. */
    public Latencies rawLatencies() {
      return merged(rawRounds);
    }

    /** Every encoding raw latency of the rounds. */
    public Latencies encodingRawLatencies() {
      return merged(encodingRawRounds);
    }

    /** Every command latency of the rounds. */
    public Latencies commandLatencies() {
      return merged(commandRounds);
    }

    private static Latencies merged(List<Phase> phases) {
      Latencies all = new Latencies();
      phases.forEach(phase -> all.add(phase.latencies()));
      return all;
    }

    /** The median of {@code values} (mean of the middle two for an even count); 0 if there are none. */
    public static double median(double[] values) {
      if (values.length == 0) {
        return 0;
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int middle = sorted.length / 2;
      return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
  }
}
