package io.cairn.bench.cli;

import io.cairn.bench.AggregateKeys;
import io.cairn.bench.Awaits;
import io.cairn.bench.CairnClients;
import io.cairn.bench.CairnRecordSink;
import io.cairn.bench.JsonLine;
import io.cairn.bench.NetworkComparison;
import io.cairn.bench.ProducerRun;
import io.cairn.bench.ProducerSettings;
import io.cairn.bench.RunFigures;
import io.cairn.bench.ThroughputThrottler;
import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench produce --bootstrap host:port}: Cairn's network producer against a running node, as Kafka's
 * {@code producer-perf-test}: {@code --records} records of {@code --record-bytes}, keyed by aggregate ids
 * drawn uniformly from {@code --aggregates}, at most {@code --throughput} records/s; latency per record is
 * send to acknowledgement ({@link ProducerRun}). Creates the topic if it is missing. Prints one JSON line.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
    description = {"Sends keyed records with Cairn's network producer to a running node (like Kafka's "
        + "producer-perf-test) and prints one JSON line: events_per_sec, mb_per_sec, p50_ms, p99_ms, p999_ms "
        + "(send to acknowledgement, per record) and every parameter."})
public final class ProduceCommand implements Callable<Integer> {

  static final String DEFAULT_TOPIC = "bench-produce";

  @Spec
  CommandSpec spec;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "The node's protocol address.")
  String bootstrap;

  @Option(names = "--topic", defaultValue = DEFAULT_TOPIC, description = "Topic to send to. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(names = "--partitions", defaultValue = "1",
      description = "Partitions of the topic when it has to be created (the output names the topic's actual count). "
          + "Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--flush-mode", defaultValue = "page-cache", converter = Converters.FlushModeConverter.class,
      description = "flush.mode of the topic when it has to be created: page-cache (acknowledged in the page cache, "
          + "as Kafka's acks=1) or durable (after fsync). Default: ${DEFAULT-VALUE}.")
  FlushMode flushMode;

  @Option(names = "--records", defaultValue = "1000000", description = "Measured records. Default: ${DEFAULT-VALUE}.")
  long records;

  @Option(names = "--warmup-records", defaultValue = "0",
      description = "Uncounted records sent (and acknowledged) first. Default: ${DEFAULT-VALUE}.")
  long warmupRecords;

  @Option(names = "--record-bytes", defaultValue = "100", description = "Bytes per record value. Default: ${DEFAULT-VALUE}.")
  int recordBytes;

  @Option(names = "--aggregates", defaultValue = "10000",
      description = "Record keys (aggregate ids), drawn uniformly. Default: ${DEFAULT-VALUE}.")
  int aggregates;

  @Option(names = "--linger-ms", defaultValue = "" + ClientOptions.DEFAULT_LINGER_MS,
      description = "Producer linger.ms. Default: ${DEFAULT-VALUE}.")
  int lingerMs;

  @Option(names = "--batch-bytes", defaultValue = "" + ClientOptions.DEFAULT_BATCH_SIZE,
      description = "Producer batch.size. Default: ${DEFAULT-VALUE}.")
  int batchBytes;

  @Option(names = "--compression", defaultValue = "none",
      description = "Producer compression.type: none, gzip, snappy, lz4, zstd (also the topic's, when created). "
          + "Default: ${DEFAULT-VALUE}.")
  String compression;

  @Option(names = "--acks", defaultValue = "1",
      description = "Producer acks: 0, 1, all (idempotence only with all, as Kafka's producer). Default: ${DEFAULT-VALUE}.")
  String acks;

  @Option(names = "--throughput", defaultValue = "-1",
      description = "Most records per second; -1 = unthrottled. Default: ${DEFAULT-VALUE}.")
  double throughput;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of payloads, keys and event ids. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() {
    ProducerSettings settings = settings();
    ProducerRun.Params params = params();
    boolean created;
    TopicDescription description;
    CairnClient admin = CairnClients.connect(new ClientOptions().setBootstrapServers(bootstrap)
        .setClientId("cairn-bench-admin"));
    try {
      created = CairnClients.ensureTopic(admin, topic, new TopicConfig().setPartitions(partitions)
          .setFlushMode(flushMode).setCompressionType(settings.compressionType()));
      description = Awaits.await(admin.describeTopic(topic), CairnClients.ADMIN_TIMEOUT, "describing topic " + topic);
    } finally {
      CairnClients.close(admin);
    }
    ProducerRun.Outcome outcome;
    double heapUsedMb;
    try (CairnRecordSink sink = CairnRecordSink.open(bootstrap, topic,
        new AggregateKeys(NetworkComparison.KEY_PREFIX, aggregates), settings, seed)) {
      outcome = ProducerRun.run(sink, params, NetworkComparison.COMPLETION_TIMEOUT);
      heapUsedMb = RunFigures.heapUsedMbAfterGc();
    }
    JsonLine line = BenchEnvironment.start("produce");
    putParams(line, settings, created, description);
    outcome.figures(heapUsedMb).putInto(line);
    spec.commandLine().getOut().println(line.toLine());
    spec.commandLine().getOut().flush();
    return 0;
  }

  ProducerSettings settings() {
    try {
      return new ProducerSettings(lingerMs, batchBytes, compression, acks);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  ProducerRun.Params params() {
    if (partitions < 1) {
      throw new ParameterException(spec.commandLine(), "--partitions = " + partitions + ": must be at least 1");
    }
    try {
      return new ProducerRun.Params(recordBytes, records, warmupRecords, aggregates,
          throughput < 0 ? ThroughputThrottler.UNTHROTTLED : throughput, false, seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  private void putParams(JsonLine line, ProducerSettings settings, boolean created, TopicDescription description) {
    line.put("bootstrap", bootstrap)
        .put("topic", topic)
        .put("topic_created", created)
        .put("partitions", description.partitions().size())
        .put("flush_mode", description.config().flushMode().configName())
        .put("records_param", records)
        .put("warmup_records", warmupRecords)
        .put("record_bytes", recordBytes)
        .put("aggregates", aggregates)
        .put("linger_ms", lingerMs)
        .put("batch_bytes", batchBytes)
        .put("compression", settings.compression())
        .put("acks", settings.acks())
        .put("idempotence", settings.idempotence())
        .put("throughput_param", throughput)
        .put("seed", seed);
  }
}
