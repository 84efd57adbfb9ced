package io.cairn.bench.cli;

import io.cairn.bench.AckLog;
import io.cairn.bench.AppendWorkload;
import io.cairn.bench.Awaits;
import io.cairn.bench.CairnNetworkPeer;
import io.cairn.bench.CairnStore;
import io.cairn.bench.JsonLine;
import io.cairn.bench.KafkaBroker;
import io.cairn.bench.KafkaNetworkPeer;
import io.cairn.bench.KafkaProducerPeer;
import io.cairn.bench.KeyDistribution;
import io.cairn.bench.NetworkComparison;
import io.cairn.bench.NetworkPeer;
import io.cairn.bench.NodeProcess;
import io.cairn.bench.PostgresPeer;
import io.cairn.bench.ProcessSupervisor;
import io.cairn.bench.RunFigures;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench peers}: Cairn next to its peers in one run, one after another on the same machine, in up to
 * three sections ({@code --sections}). (1) {@code occ}, durable optimistic-concurrency appends: Cairn
 * durable appends with exact expected versions vs single-event transactions on a PostgreSQL events table
 * ({@link PostgresPeer}). (2) {@code page-cache}, page-cache appends of small events, batched: the local
 * Cairn store vs Kafka's own producer against a real Kafka broker ({@link KafkaBroker},
 * {@link KafkaProducerPeer}). (3) {@code network}: a Cairn node process driven by Cairn's network producer
 * and consumer vs the Kafka broker driven by Kafka's producer and consumer, peak producer throughput and
 * end-to-end latency at half the peak ({@link NetworkComparison}). Prints one JSON line with the sides of
 * every section run and the Cairn/peer ratios. Progress goes to stderr. Every child process is stopped
 * at the end of its section, also when the run fails ({@link ProcessSupervisor}).
 */
@Command(name = "peers", mixinStandardHelpOptions = true,
    description = {"Runs Cairn and its peers side by side: durable OCC appends vs PostgreSQL, page-cache batched "
        + "appends vs a real Kafka broker, and over the network a Cairn node vs the Kafka broker (producer "
        + "throughput, end-to-end latency at half the peak). Prints one JSON line with every side and the "
        + "Cairn/peer ratios."})
public final class PeersCommand implements Callable<Integer> {

  /** The sides that can be run. */
  enum Side { CAIRN, POSTGRES, KAFKA }

  /** The sections that can be run. */
  enum Section {
    OCC("occ"), PAGE_CACHE("page-cache"), NETWORK("network");

    private final String optionName;

    Section(String optionName) {
      this.optionName = optionName;
    }

    static Optional<Section> forName(String name) {
      return Arrays.stream(values()).filter(s -> s.optionName.equalsIgnoreCase(name.trim())).findFirst();
    }
  }

  /** What the network section's acknowledgements promise, printed with its figures. */
  static final String NETWORK_DURABILITY = "cairn: page-cache topic (flush.mode=page-cache, acknowledged once in "
      + "the page cache, fsynced in the background every 4 MiB or second); kafka: acks=1, broker defaults (no "
      + "fsync per message); neither survives a power loss, both survive a process crash";

  static final String OCC_TOPIC = "bench-occ";
  static final String PAGE_CACHE_TOPIC = "bench-page-cache";
  /** Target and floor of Cairn durable OCC / PostgreSQL. */
  static final double OCC_TARGET_RATIO = 10;
  static final double OCC_FLOOR_RATIO = 5;
  /** Target and moonshot of Cairn page-cache / Kafka producer. */
  static final double PAGE_CACHE_TARGET_RATIO = 1.0;
  static final double PAGE_CACHE_MOONSHOT_RATIO = 1.5;

  @Spec
  CommandSpec spec;

  @Option(names = "--sides", split = ",", defaultValue = "cairn,postgres,kafka",
      description = "Which sides to run, comma-separated: cairn, postgres, kafka; the network section runs them in "
          + "this order. Default: ${DEFAULT-VALUE}.")
  List<String> sides;

  @Option(names = "--sections", split = ",", defaultValue = "occ,page-cache,network",
      description = "Which sections to run, comma-separated: occ, page-cache, network. Default: ${DEFAULT-VALUE}.")
  List<String> sections;

  @Mixin
  NetworkOptions network;

  @Option(names = "--duration-s", defaultValue = "10", description = "Measured seconds of each OCC side. Default: ${DEFAULT-VALUE}.")
  long durationS;

  @Option(names = "--warmup-s", defaultValue = "3", description = "Uncounted warm-up seconds of each side. Default: ${DEFAULT-VALUE}.")
  long warmupS;

  @Option(names = "--occ-streams", defaultValue = "64", description = "Concurrent OCC appenders (Cairn streams, PostgreSQL clients). Default: ${DEFAULT-VALUE}.")
  int occStreams;

  @Option(names = "--occ-event-bytes", defaultValue = "200", description = "Bytes per OCC event. Default: ${DEFAULT-VALUE}.")
  int occEventBytes;

  @Option(names = "--occ-aggregates-per-appender", defaultValue = "1000",
      description = "Aggregates (PostgreSQL streams) each OCC appender owns. Default: ${DEFAULT-VALUE}.")
  int occAggregatesPerStream;

  @Option(names = "--occ-partitions", defaultValue = "1", description = "Partitions of Cairn's OCC topic. Default: ${DEFAULT-VALUE}.")
  int occPartitions;

  @Option(names = "--pg-mode", defaultValue = "insert-expected", converter = Converters.PgModeConverter.class,
      description = "insert-expected (INSERT with version+1, unique constraint rejects a stale one) or advisory-lock "
          + "(lock, max(version)+1, insert). Default: ${DEFAULT-VALUE}.")
  PostgresPeer.Mode pgMode;

  @Option(names = "--pg-host", defaultValue = "127.0.0.1", description = "Default: ${DEFAULT-VALUE}.")
  String pgHost;

  @Option(names = "--pg-port", defaultValue = "5432", description = "Default: ${DEFAULT-VALUE}.")
  int pgPort;

  @Option(names = "--pg-user", defaultValue = "postgres", description = "Role, trust authentication. Default: ${DEFAULT-VALUE}.")
  String pgUser;

  @Option(names = "--pg-database", defaultValue = "cairn_bench", description = "Database created and dropped. Default: ${DEFAULT-VALUE}.")
  String pgDatabase;

  @Option(names = "--pc-event-bytes", defaultValue = "100", description = "Bytes per page-cache event / Kafka record. Default: ${DEFAULT-VALUE}.")
  int pcEventBytes;

  @Option(names = "--pc-events", defaultValue = "2000000", description = "Measured events/records of each page-cache side. Default: ${DEFAULT-VALUE}.")
  long pcEvents;

  @Option(names = "--pc-warmup-records", defaultValue = "1000000", description = "Kafka warm-up records (Cairn warms up for --warmup-s). Default: ${DEFAULT-VALUE}.")
  long pcWarmupRecords;

  @Option(names = "--pc-events-per-append", defaultValue = "100", description = "Events per Cairn page-cache append. Default: ${DEFAULT-VALUE}.")
  int pcEventsPerAppend;

  @Option(names = "--pc-streams", defaultValue = "8", description = "Concurrent Cairn page-cache appends. Default: ${DEFAULT-VALUE}.")
  int pcStreams;

  @Option(names = "--pc-aggregates", defaultValue = "1000", description = "Aggregates of the Cairn page-cache side. Default: ${DEFAULT-VALUE}.")
  int pcAggregates;

  @Option(names = "--pc-partitions", defaultValue = "1", description = "Partitions of Cairn's page-cache topic (Kafka's has 1). Default: ${DEFAULT-VALUE}.")
  int pcPartitions;

  @Option(names = "--kafka-acks", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
  String kafkaAcks;

  @Option(names = "--kafka-batch-bytes", defaultValue = "65536", description = "Producer batch.size. Default: ${DEFAULT-VALUE}.")
  int kafkaBatchBytes;

  @Option(names = "--kafka-linger-ms", defaultValue = "5", description = "Producer linger.ms. Default: ${DEFAULT-VALUE}.")
  int kafkaLingerMs;

  @Option(names = "--kafka-heap", defaultValue = KafkaBroker.DEFAULT_HEAP_OPTS, description = "Broker heap flags. Default: ${DEFAULT-VALUE}.")
  String kafkaHeap;

  @Option(names = "--kafka-cache-dir", description = "Where the broker's POM and resolved classpath are cached (default ~/.cache/cairn-bench/kafka-4.3.1).")
  Path kafkaCacheDir;

  @Option(names = "--data-dir", description = "Cairn store folder, kept afterwards (default: a temporary folder, deleted).")
  Path dataDir;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    Set<Side> run = sides();
    Set<Section> sectionsToRun = sections();
    AppendWorkload.Params occParams = occParams();
    AppendWorkload.Params pageCacheParams = pageCacheParams();
    NetworkComparison.Params networkParams = network.params(spec, seed);
    PrintWriter progress = spec.commandLine().getErr();
    JsonLine line = BenchEnvironment.start("peers");
    putParams(line);
    if (sectionsToRun.contains(Section.OCC) || sectionsToRun.contains(Section.PAGE_CACHE)) {
      runLocalSections(run, sectionsToRun, occParams, pageCacheParams, progress, line);
    }
    if (sectionsToRun.contains(Section.NETWORK)) {
      line.put("network", runNetwork(run, networkParams, progress));
    }
    spec.commandLine().getOut().println(line.toLine());
    spec.commandLine().getOut().flush();
    return 0;
  }

  private void runLocalSections(Set<Side> run, Set<Section> sectionsToRun, AppendWorkload.Params occParams,
                                AppendWorkload.Params pageCacheParams, PrintWriter progress, JsonLine line)
      throws Exception {
    boolean runOcc = sectionsToRun.contains(Section.OCC);
    boolean runPageCache = sectionsToRun.contains(Section.PAGE_CACHE);
    JsonLine occ = new JsonLine();
    JsonLine pageCache = new JsonLine();
    double cairnOcc = Double.NaN;
    double cairnPageCache = Double.NaN;
    if (run.contains(Side.CAIRN)) {
      try (DataDir dir = DataDir.of(dataDir, "cairn-bench-peers-")) {
        Path store = Files.createDirectories(dir.path().resolve("store"));
        try (CairnStore cairn = CairnStore.open(store)) {
          if (runOcc) {
            progress.println("[peers] Cairn durable OCC: " + occStreams + " streams, " + occEventBytes + " B, "
                + warmupS + " s warm-up + " + durationS + " s");
            progress.flush();
            cairn.ensureTopic(OCC_TOPIC, AppendWorkload.topicConfig(FlushMode.DURABLE, occPartitions, occEventBytes, 1));
            AppendWorkload.Outcome outcome = Awaits.await(AppendWorkload.run(cairn.vertx(), cairn.store(), occParams,
                AckLog.disabled()), AppendCommand.plannedTime(occParams), "Cairn durable OCC");
            RunFigures figures = outcome.figures(RunFigures.heapUsedMbAfterGc());
            occ.put("cairn", figures.putInto(new JsonLine()).put("conflicts", outcome.conflicts()));
            cairnOcc = figures.eventsPerSec();
          }
          if (runPageCache) {
            progress.println("[peers] Cairn page-cache: " + pcEventsPerAppend + " events/append x " + pcStreams
                + " streams, " + pcEventBytes + " B, " + warmupS + " s warm-up + " + pcEvents + " events");
            progress.flush();
            cairn.ensureTopic(PAGE_CACHE_TOPIC, AppendWorkload.topicConfig(FlushMode.PAGE_CACHE, pcPartitions,
                pcEventBytes, pcEventsPerAppend));
            AppendWorkload.Outcome outcome = Awaits.await(AppendWorkload.run(cairn.vertx(), cairn.store(),
                pageCacheParams, AckLog.disabled()), AppendCommand.plannedTime(pageCacheParams), "Cairn page-cache appends");
            RunFigures figures = outcome.figures(RunFigures.heapUsedMbAfterGc());
            pageCache.put("cairn", figures.putInto(new JsonLine()).put("conflicts", outcome.conflicts()));
            cairnPageCache = figures.eventsPerSec();
          }
        }
      }
    }
    if (runOcc && run.contains(Side.POSTGRES)) {
      progress.println("[peers] PostgreSQL OCC (" + pgMode.optionName() + "): " + occStreams + " clients on "
          + pgHost + ":" + pgPort + ", " + warmupS + " s warm-up + " + durationS + " s");
      progress.flush();
      PostgresPeer.Outcome outcome = PostgresPeer.run(new PostgresPeer.Params(pgHost, pgPort, pgUser, pgDatabase,
          occStreams, occAggregatesPerStream, occEventBytes, TimeUnit.SECONDS.toMillis(durationS),
          TimeUnit.SECONDS.toMillis(warmupS), pgMode, seed));
      RunFigures figures = outcome.figures(RunFigures.heapUsedMbAfterGc());
      occ.put("postgres", figures.putInto(new JsonLine())
          .put("conflicts", outcome.conflicts())
          .put("server_version", outcome.serverVersion())
          .put("synchronous_commit", outcome.synchronousCommit())
          .put("fsync", outcome.fsync())
          .put("wal_sync_method", outcome.walSyncMethod())
          .put("rows", outcome.rows()));
      occ.put("ratio_events_per_sec", cairnOcc / figures.eventsPerSec());
    }
    occ.put("target_ratio", OCC_TARGET_RATIO).put("floor_ratio", OCC_FLOOR_RATIO);
    if (runPageCache && run.contains(Side.KAFKA)) {
      KafkaBroker.Options options = kafkaOptions();
      progress.println("[peers] starting Kafka " + KafkaBroker.KAFKA_VERSION + " broker (classpath cache "
          + options.cacheDir() + ")");
      progress.flush();
      try (ProcessSupervisor supervisor = new ProcessSupervisor();
           KafkaBroker broker = KafkaBroker.start(options, supervisor)) {
        progress.println("[peers] Kafka producer: " + pcWarmupRecords + " warm-up + " + pcEvents + " records of "
            + pcEventBytes + " B, acks=" + kafkaAcks + ", batch.size=" + kafkaBatchBytes + ", linger.ms="
            + kafkaLingerMs + " to " + broker.bootstrapServers());
        progress.flush();
        KafkaProducerPeer.Outcome outcome = KafkaProducerPeer.run(new KafkaProducerPeer.Params(
            broker.bootstrapServers(), "cairn-bench", pcEventBytes, pcEvents, pcWarmupRecords, kafkaAcks,
            kafkaBatchBytes, kafkaLingerMs, seed));
        RunFigures figures = outcome.figures(RunFigures.heapUsedMbAfterGc());
        pageCache.put("kafka", figures.putInto(new JsonLine()).put("kafka_version", KafkaBroker.KAFKA_VERSION));
        pageCache.put("ratio_events_per_sec", cairnPageCache / figures.eventsPerSec());
      }
    }
    pageCache.put("target_ratio", PAGE_CACHE_TARGET_RATIO).put("moonshot_ratio", PAGE_CACHE_MOONSHOT_RATIO);
    if (runOcc) {
      line.put("occ", occ);
    }
    if (runPageCache) {
      line.put("page_cache", pageCache);
    }
  }

  /**
   * The network section: a Cairn node process and a Kafka broker, both running for the whole section,
   * driven over loopback by their own clients from this JVM ({@link NetworkComparison}).
   */
  private JsonLine runNetwork(Set<Side> run, NetworkComparison.Params params, PrintWriter progress) throws Exception {
    List<NetworkPeer> peers = new ArrayList<>();
    try (ProcessSupervisor supervisor = new ProcessSupervisor();
         NodeProcess node = run.contains(Side.CAIRN) ? startNode(supervisor, progress) : null;
         KafkaBroker broker = run.contains(Side.KAFKA) ? startBroker(supervisor, progress) : null) {
      try {
        // each phase runs the sides in the order --sides names them
        for (Side side : sideOrder()) {
          if (side == Side.CAIRN && node != null) {
            peers.add(CairnNetworkPeer.connect(node.bootstrap(), node.httpAddress(), node.pid(), seed));
          } else if (side == Side.KAFKA && broker != null) {
            peers.add(new KafkaNetworkPeer(broker.bootstrapServers(), OptionalLong.of(broker.pid())));
          }
        }
        return NetworkComparison.run(peers, params, progress).put("durability", NETWORK_DURABILITY);
      } finally {
        peers.forEach(NetworkPeer::close);
      }
    }
  }

  private NodeProcess startNode(ProcessSupervisor supervisor, PrintWriter progress) throws IOException {
    progress.println("[peers] network: starting a Cairn node process (bin/cairn node, "
        + (NodeProcess.Launch.nodeJvmOptions() + " " + network.nodeHeap).trim() + ")");
    progress.flush();
    return NodeProcess.start(NodeProcess.Launch.cairnCli(network.nodeHeap), supervisor, false);
  }

  private KafkaBroker startBroker(ProcessSupervisor supervisor, PrintWriter progress) throws IOException {
    KafkaBroker.Options options = kafkaOptions();
    progress.println("[peers] network: starting Kafka " + KafkaBroker.KAFKA_VERSION + " broker (classpath cache "
        + options.cacheDir() + ")");
    progress.flush();
    return KafkaBroker.start(options, supervisor);
  }

  private KafkaBroker.Options kafkaOptions() {
    KafkaBroker.Options defaults = KafkaBroker.Options.defaults();
    return new KafkaBroker.Options(kafkaCacheDir == null ? defaults.cacheDir() : kafkaCacheDir, kafkaHeap, false);
  }

  Set<Section> sections() {
    Set<Section> set = EnumSet.noneOf(Section.class);
    for (String section : sections) {
      set.add(Section.forName(section).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "--sections: '" + section + "' is not a section; use occ, page-cache, network")));
    }
    return set;
  }

  /** The sides in the order {@code --sides} names them, each once. */
  List<Side> sideOrder() {
    return sides().stream().sorted(Comparator.comparingInt(this::indexInSidesOption)).toList();
  }

  private int indexInSidesOption(Side side) {
    for (int i = 0; i < sides.size(); i++) {
      if (sides.get(i).trim().equalsIgnoreCase(side.name())) {
        return i;
      }
    }
    return sides.size();
  }

  Set<Side> sides() {
    Set<Side> set = EnumSet.noneOf(Side.class);
    for (String side : sides) {
      try {
        set.add(Side.valueOf(side.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--sides: '" + side + "' is not a side; use cairn, postgres, kafka");
      }
    }
    return set;
  }

  AppendWorkload.Params occParams() {
    try {
      return new AppendWorkload.Params(OCC_TOPIC, "occ-", occStreams, Math.multiplyExact(occStreams,
          occAggregatesPerStream), KeyDistribution.UNIFORM, 1, occEventBytes, 1, 0, TimeUnit.SECONDS.toMillis(durationS),
          TimeUnit.SECONDS.toMillis(warmupS), seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "OCC workload: " + e.getMessage());
    }
  }

  AppendWorkload.Params pageCacheParams() {
    try {
      return new AppendWorkload.Params(PAGE_CACHE_TOPIC, "pc-", pcStreams, pcAggregates, KeyDistribution.UNIFORM, 1,
          pcEventBytes, pcEventsPerAppend, pcEvents, 0, TimeUnit.SECONDS.toMillis(warmupS), seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "page-cache workload: " + e.getMessage());
    }
  }

  private void putParams(JsonLine line) {
    line.put("sides", String.join(",", sides))
        .put("sections", String.join(",", sections))
        .put("duration_s", durationS)
        .put("warmup_s", warmupS)
        .put("occ_streams", occStreams)
        .put("occ_event_bytes", occEventBytes)
        .put("occ_events_per_append", 1)
        .put("occ_aggregates_per_appender", occAggregatesPerStream)
        .put("occ_partitions", occPartitions)
        .put("pg_mode", pgMode.optionName())
        .put("pg", pgUser + "@" + pgHost + ":" + pgPort + "/" + pgDatabase)
        .put("pc_event_bytes", pcEventBytes)
        .put("pc_events", pcEvents)
        .put("pc_warmup_records", pcWarmupRecords)
        .put("pc_events_per_append", pcEventsPerAppend)
        .put("pc_streams", pcStreams)
        .put("pc_aggregates", pcAggregates)
        .put("pc_partitions", pcPartitions)
        .put("kafka_acks", kafkaAcks)
        .put("kafka_batch_bytes", kafkaBatchBytes)
        .put("kafka_linger_ms", kafkaLingerMs)
        .put("kafka_heap", kafkaHeap)
        .put("seed", seed);
    network.putInto(line);
  }
}
