package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The network comparison of {@code bench peers}: the same producer workload and the same end-to-end
 * workload against every {@link NetworkPeer}, one peer after another, in one run.
 *
 * <ol>
 *   <li>Priming: per peer, {@code warmupRecords} unmeasured records to the topic of the throughput phase, all
 *       peers before any measured phase. Without it the peer measured first also paid for the harness JVM's
 *       own warm-up (compiling the shared producer loop, growing its heap) while the later ones found it done.</li>
 *   <li>Peak producer throughput: per peer, a topic {@value #THROUGHPUT_TOPIC}, {@code warmupRecords}
 *       uncounted then {@code records} measured records, unthrottled ({@link ProducerRun}); {@code throughputRounds}
 *       rounds of that, every peer once per round, the order reversed from one round to the next. A peer's peak is
 *       its median round ({@link #medianRound}): on a shared machine whose speed drifts over minutes, the sides'
 *       medians over interleaved rounds compare better than one phase each.</li>
 *   <li>End-to-end latency at a fixed rate: per peer, a topic {@value #E2E_TOPIC} read from its beginning
 *       by the peer's consumer while its producer sends at {@code rate} records/s for
 *       {@code e2eWarmupS + e2eDurationS} seconds ({@link EndToEndRun}). The rate is {@code e2eRate} if
 *       given, else {@code e2eRateFraction} of a peak: of the lowest peak of all peers
 *       ({@link RateBasis#MIN}, the same rate for everyone) or of each peer's own ({@link RateBasis#EACH}).</li>
 * </ol>
 *
 * Same keys (uniform over {@code aggregates}), record size, partitions and producer settings everywhere.
 * Progress goes to the given writer. Not thread-safe.
 */
public final class NetworkComparison {

  /** Topic of the throughput phase. */
  public static final String THROUGHPUT_TOPIC = "bench-net";
  /** Topic of the end-to-end phase. */
  public static final String E2E_TOPIC = "bench-net-e2e";
  /** Prefix of the aggregate ids (record keys). */
  public static final String KEY_PREFIX = "agg-";
  /** Throughput target: Cairn's network producer at least this many times Kafka's. */
  public static final double THROUGHPUT_TARGET_RATIO = 1.0;
  /** End-to-end target: Cairn's p99 at most this many times Kafka's. */
  public static final double E2E_P99_TARGET_RATIO = 1.0;
  /** How long records may stay unacknowledged or unreceived after the last send. */
  public static final Duration COMPLETION_TIMEOUT = Duration.ofMinutes(5);
  private static final double NO_RATE = -1;

  private final Params params;
  private final PrintWriter progress;

  private NetworkComparison(Params params, PrintWriter progress) {
    this.params = params;
    this.progress = progress;
  }

  /** How the end-to-end rate is derived from the measured peaks. */
  public enum RateBasis {
    /** The lowest peak of all peers: every peer runs at the same rate. */
    MIN,
    /** Each peer's own peak. */
    EACH;

    /** The name on the command line. */
    public String optionName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The basis named {@code name} (case-insensitive). */
    public static RateBasis forName(String name) {
      for (RateBasis basis : values()) {
        if (basis.optionName().equalsIgnoreCase(name)) {
          return basis;
        }
      }
      throw new InvalidInputException("e2e-rate-basis", name, "must be min or each");
    }
  }

  /**
   * Parameters.
   *
   * @param records         measured records of the throughput phase
   * @param warmupRecords   uncounted records before them
   * @param throughputRounds rounds of the throughput phase, at least 1
   * @param recordBytes     bytes per record value (at least {@link SendStamps#MIN_PAYLOAD_BYTES})
   * @param aggregates      distinct keys
   * @param partitions      partitions of every topic
   * @param settings        producer settings of both sides
   * @param e2eDurationS    measured seconds of the end-to-end phase
   * @param e2eWarmupS      uncounted seconds before them, at the same rate
   * @param e2eRate         fixed end-to-end rate in records/s, or -1 to derive it from the peaks
   * @param e2eRateFraction fraction of the peak to run at when deriving, in (0, 1]
   * @param rateBasis       which peak to derive from
   * @param seed            seed of payloads and keys
   */
  public record Params(long records, long warmupRecords, int throughputRounds, int recordBytes, int aggregates,
                       int partitions,
                       ProducerSettings settings, long e2eDurationS, long e2eWarmupS, double e2eRate,
                       double e2eRateFraction, RateBasis rateBasis, long seed) {

    /** Checks the parameters; {@link InvalidInputException} names the option. */
    public Params {
      ensure(recordBytes >= SendStamps.MIN_PAYLOAD_BYTES, "net-record-bytes", recordBytes,
          "must be at least " + SendStamps.MIN_PAYLOAD_BYTES + " (the end-to-end phase stamps the send time)");
      ensure(records >= 1, "net-records", records, "must be at least 1");
      ensure(warmupRecords >= 0, "net-warmup-records", warmupRecords, "must be 0 or more");
      ensure(throughputRounds >= 1, "net-rounds", throughputRounds, "must be at least 1");
      ensure(aggregates >= 1, "net-aggregates", aggregates, "must be at least 1");
      ensure(partitions >= 1, "net-partitions", partitions, "must be at least 1");
      ensure(e2eDurationS >= 1, "e2e-duration-s", e2eDurationS, "must be at least 1");
      ensure(e2eWarmupS >= 0, "e2e-warmup-s", e2eWarmupS, "must be 0 or more");
      ensure(e2eRate == NO_RATE || e2eRate > 0, "e2e-rate", e2eRate, "must be greater than 0, or -1 for a fraction of the peak");
      ensure(e2eRateFraction > 0 && e2eRateFraction <= 1, "e2e-rate-fraction", e2eRateFraction, "must be in (0, 1]");
    }

    private static void ensure(boolean ok, String field, Object value, String rule) {
      if (!ok) {
        throw new InvalidInputException(field, value, rule);
      }
    }
  }

  /**
   * Runs both phases against {@code peers} (in that order in each phase) and returns the section:
   * one object per peer with {@code throughput} ({@link RunFigures}) and {@code e2e}
   * ({@link EndToEndRun.Outcome}, plus the server's own produce latency where the server publishes it:
   * {@code server_produce_*}, and the CPU the server and the harness used in the measured phase: {@code server_cpu_*}
   * and {@code harness_cpu_*}, see {@link CpuUse}), and, when both {@code cairn} and {@code kafka} ran, the ratios.
   */
  public static JsonLine run(List<NetworkPeer> peers, Params params, PrintWriter progress) {
    return new NetworkComparison(params, progress).run(peers);
  }

  private JsonLine run(List<NetworkPeer> peers) {
    AggregateKeys keys = new AggregateKeys(KEY_PREFIX, params.aggregates());
    Map<String, JsonLine> sides = new LinkedHashMap<>();
    Map<String, RunFigures> peaks = new LinkedHashMap<>();
    if (params.warmupRecords() > 0) {
      peers.forEach(peer -> prime(peer, keys));
    }
    Map<String, List<RunFigures>> rounds = new LinkedHashMap<>();
    for (NetworkPeer peer : peers) {
      JsonLine side = new JsonLine();
      peer.describe(side);
      sides.put(peer.name(), side);
      rounds.put(peer.name(), new ArrayList<>());
    }
    for (int round = 0; round < params.throughputRounds(); round++) {
      List<NetworkPeer> order = new ArrayList<>(peers);
      if (round % 2 == 1) {
        Collections.reverse(order);
      }
      for (NetworkPeer peer : order) {
        rounds.get(peer.name()).add(throughput(peer, keys, round));
      }
    }
    for (NetworkPeer peer : peers) {
      List<RunFigures> peerRounds = rounds.get(peer.name());
      RunFigures peak = medianRound(peerRounds);
      peaks.put(peer.name(), peak);
      sides.get(peer.name()).put("throughput", peak.putInto(new JsonLine()))
          .put("throughput_rounds_events_per_sec", peerRounds.stream().map(RunFigures::eventsPerSec).toList());
    }
    double lowestPeak = peaks.values().stream().mapToDouble(RunFigures::eventsPerSec).min().orElse(0);
    Map<String, EndToEndRun.Outcome> endToEnd = new LinkedHashMap<>();
    for (NetworkPeer peer : peers) {
      PeerEndToEnd measured = endToEnd(peer, keys, e2eRate(params, peaks.get(peer.name()).eventsPerSec(),
          lowestPeak));
      endToEnd.put(peer.name(), measured.outcome());
      JsonLine e2e = measured.outcome().putInto(new JsonLine());
      measured.serverProduce().ifPresent(produce -> putServerProduce(e2e, produce));
      measured.cpuAfter().putSince(measured.cpuBefore(), measured.records(), e2e);
      sides.get(peer.name()).put("e2e", e2e);
    }
    JsonLine section = new JsonLine();
    sides.forEach(section::put);
    section.put("e2e_rate_basis", params.e2eRate() == NO_RATE ? params.rateBasis().optionName() : "fixed")
        .put("e2e_rate_fraction", params.e2eRateFraction());
    if (peaks.containsKey("cairn") && peaks.containsKey("kafka")) {
      putRatios(section, peaks.get("cairn"), peaks.get("kafka"), endToEnd.get("cairn").endToEnd(),
          endToEnd.get("kafka").endToEnd());
    }
    return section.put("target_ratio_events_per_sec", THROUGHPUT_TARGET_RATIO)
        .put("target_ratio_e2e_p99_at_most", E2E_P99_TARGET_RATIO);
  }

  /**
   * The round whose throughput is the median of {@code rounds} (of an even number, the lower of the two middle
   * ones), with its own latencies.
   */
  static RunFigures medianRound(List<RunFigures> rounds) {
    if (rounds.isEmpty()) {
      throw new IllegalArgumentException("no throughput round to take the median of");
    }
    List<RunFigures> sorted = new ArrayList<>(rounds);
    sorted.sort(Comparator.comparingDouble(RunFigures::eventsPerSec));
    return sorted.get((sorted.size() - 1) / 2);
  }

  private void prime(NetworkPeer peer, AggregateKeys keys) {
    say(peer.name() + " priming: " + params.warmupRecords() + " unmeasured records");
    produceUnthrottled(peer, keys, params.warmupRecords(), 0, outcome -> null);
  }

  private RunFigures throughput(NetworkPeer peer, AggregateKeys keys, int round) {
    say(peer.name() + " throughput, round " + (round + 1) + " of " + params.throughputRounds() + ": "
        + params.warmupRecords() + " warm-up + " + params.records() + " records of " + params.recordBytes()
        + " B over " + params.aggregates() + " keys, " + params.partitions() + " partition(s)");
    RunFigures figures = produceUnthrottled(peer, keys, params.records(), params.warmupRecords(),
        outcome -> outcome.figures(RunFigures.heapUsedMbAfterGc()));
    say(peer.name() + " throughput: " + Math.round(figures.eventsPerSec()) + " records/s");
    return figures;
  }

  /**
   * Sends {@code warmupRecords} then {@code records} unthrottled to {@value #THROUGHPUT_TOPIC} of {@code peer}
   * and returns what {@code then} makes of the outcome, while the producer is still open.
   */
  private <T> T produceUnthrottled(NetworkPeer peer, AggregateKeys keys, long records, long warmupRecords,
                                   Function<ProducerRun.Outcome, T> then) {
    peer.ensureTopic(THROUGHPUT_TOPIC, params.partitions(), params.settings().compressionType());
    try (RecordSink sink = peer.openSink(THROUGHPUT_TOPIC, keys, params.settings())) {
      return then.apply(ProducerRun.run(sink, new ProducerRun.Params(params.recordBytes(), records, warmupRecords,
          params.aggregates(), ThroughputThrottler.UNTHROTTLED, false, params.seed()), COMPLETION_TIMEOUT));
    }
  }

  /**
   * One peer's end-to-end phase: the outcome, the server's own produce latency over the measured phase when the
   * server publishes it, and the CPU readings taken when the measured phase of {@code records} records started and
   * when its last record had arrived.
   */
  private record PeerEndToEnd(EndToEndRun.Outcome outcome, Optional<NodeRequestLatency.Histogram> serverProduce,
                              long records, CpuUse cpuBefore, CpuUse cpuAfter) {
  }

  private PeerEndToEnd endToEnd(NetworkPeer peer, AggregateKeys keys, double rate) {
    long warmupRecords = Math.round(rate * params.e2eWarmupS());
    long records = Math.max(1, Math.round(rate * params.e2eDurationS()));
    peer.ensureTopic(E2E_TOPIC, params.partitions(), params.settings().compressionType());
    say(peer.name() + " end-to-end: " + Math.round(rate) + " records/s for " + params.e2eWarmupS() + " s warm-up + "
        + params.e2eDurationS() + " s");
    Optional<NodeRequestLatency> server = peer.serverProduceLatency();
    // a first scrape sets up the HTTP client and runs the node's metrics code cold (~150 ms, measured
    // 2026-11-22): done here, before the warm-up, it no longer holds the producer between the phases
    server.ifPresent(NodeRequestLatency::scrape);
    AtomicReference<NodeRequestLatency.Histogram> beforeMeasured = new AtomicReference<>();
    AtomicReference<CpuUse> cpuBefore = new AtomicReference<>();
    try (RecordSink sink = peer.openSink(E2E_TOPIC, keys, params.settings())) {
      EndToEndRun.Outcome outcome = EndToEndRun.run(sink, peer.openSource(E2E_TOPIC),
          new ProducerRun.Params(params.recordBytes(), records, warmupRecords, params.aggregates(), rate, true,
              params.seed()), COMPLETION_TIMEOUT,
          () -> {
            server.ifPresent(latency -> beforeMeasured.set(latency.scrape()));
            cpuBefore.set(CpuUse.now(peer.serverPid()));
          });
      CpuUse cpuAfter = CpuUse.now(peer.serverPid());
      Optional<NodeRequestLatency.Histogram> serverProduce = server.map(latency -> latency.scrape()
          .minus(beforeMeasured.get()));
      say(String.format(Locale.ROOT, "%s end-to-end: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms", peer.name(),
          outcome.endToEnd().p50Ms(), outcome.endToEnd().p99Ms(), outcome.endToEnd().p999Ms()));
      return new PeerEndToEnd(outcome, serverProduce, records, cpuBefore.get(), cpuAfter);
    }
  }

  /**
   * Puts the server's own produce latency over the measured phase into {@code e2e}: {@code server_produce_requests},
   * {@code server_produce_p50_ms}, {@code server_produce_p99_ms} and {@code server_produce_p999_ms} (interpolated in
   * the node's histogram buckets, docs/node.md).
   */
  private static void putServerProduce(JsonLine e2e, NodeRequestLatency.Histogram produce) {
    e2e.put("server_produce_requests", produce.count())
        .put("server_produce_p50_ms", produce.percentileMs(50))
        .put("server_produce_p99_ms", produce.percentileMs(99))
        .put("server_produce_p999_ms", produce.percentileMs(99.9));
  }

  /** Cairn over Kafka: throughput (target at least 1.0) and end-to-end percentiles (target p99 at most 1.0). */
  private static void putRatios(JsonLine section, RunFigures cairnPeak, RunFigures kafkaPeak, Latencies cairnE2e,
                                Latencies kafkaE2e) {
    double throughputRatio = cairnPeak.eventsPerSec() / kafkaPeak.eventsPerSec();
    double p99Ratio = cairnE2e.p99Ms() / kafkaE2e.p99Ms();
    section.put("ratio_events_per_sec", throughputRatio)
        .put("throughput_target_met", throughputRatio >= THROUGHPUT_TARGET_RATIO)
        .put("ratio_e2e_p99", p99Ratio)
        .put("e2e_p99_target_met", p99Ratio <= E2E_P99_TARGET_RATIO)
        .put("ratio_e2e_p50", cairnE2e.p50Ms() / kafkaE2e.p50Ms())
        .put("ratio_e2e_p999", cairnE2e.p999Ms() / kafkaE2e.p999Ms());
  }

  /**
   * The end-to-end rate, records/s, of a peer whose peak was {@code ownPeak} when the lowest peak of all was
   * {@code lowestPeak}: the fixed rate if {@code params} give one, else the fraction of the peak the basis
   * names, at least 1.
   */
  static double e2eRate(Params params, double ownPeak, double lowestPeak) {
    if (params.e2eRate() != NO_RATE) {
      return params.e2eRate();
    }
    double peak = params.rateBasis() == RateBasis.MIN ? lowestPeak : ownPeak;
    return Math.max(1, peak * params.e2eRateFraction());
  }

  private void say(String message) {
    progress.println("[peers] network: " + message);
    progress.flush();
  }
}
