package io.cairn.bench.cli;

import io.cairn.bench.JsonLine;
import io.cairn.bench.NetworkComparison;
import io.cairn.bench.NodeProcess;
import io.cairn.bench.ProducerSettings;
import io.cairn.eventstore.InvalidInputException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options of the {@code network} section of {@code bench peers} (a picocli mixin). Not thread-safe. */
final class NetworkOptions {

  @Option(names = "--net-records", defaultValue = "2000000",
      description = "Measured records of each side's throughput phase. Default: ${DEFAULT-VALUE}.")
  long records;

  @Option(names = "--net-warmup-records", defaultValue = "1000000",
      description = "Uncounted records before them, same producer and topic. Default: ${DEFAULT-VALUE}.")
  long warmupRecords;

  @Option(names = "--net-rounds", defaultValue = "3",
      description = "Rounds of the throughput phase, every side once per round, the order reversed each round; a "
          + "side's peak is its median round. Default: ${DEFAULT-VALUE}.")
  int throughputRounds;

  @Option(names = "--net-record-bytes", defaultValue = "100", description = "Bytes per record value. Default: ${DEFAULT-VALUE}.")
  int recordBytes;

  @Option(names = "--net-aggregates", defaultValue = "10000",
      description = "Record keys (aggregate ids), drawn uniformly. Default: ${DEFAULT-VALUE}.")
  int aggregates;

  @Option(names = "--net-partitions", defaultValue = "1", description = "Partitions of every topic. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--net-linger-ms", defaultValue = "5", description = "Producer linger.ms (both sides). Default: ${DEFAULT-VALUE}.")
  int lingerMs;

  @Option(names = "--net-batch-bytes", defaultValue = "65536", description = "Producer batch.size (both sides). Default: ${DEFAULT-VALUE}.")
  int batchBytes;

  @Option(names = "--net-compression", defaultValue = "none",
      description = "Producer compression.type (both sides): none, gzip, snappy, lz4, zstd. Default: ${DEFAULT-VALUE}.")
  String compression;

  @Option(names = "--net-acks", defaultValue = "1", description = "Producer acks (both sides): 0, 1, all. Default: ${DEFAULT-VALUE}.")
  String acks;

  @Option(names = "--e2e-duration-s", defaultValue = "10", description = "Measured seconds of each end-to-end run. Default: ${DEFAULT-VALUE}.")
  long e2eDurationS;

  @Option(names = "--e2e-warmup-s", defaultValue = "30",
      description = "Uncounted seconds before them at the same rate (consumers, producers and servers warm up: 2 s "
          + "left the Cairn consumer cold, 10 s the node's first stream-index merge and its compiling in the measured "
          + "window). Default: ${DEFAULT-VALUE}.")
  long e2eWarmupS;

  @Option(names = "--e2e-rate", defaultValue = "-1",
      description = "Fixed end-to-end rate, records/s; -1 = --e2e-rate-fraction of the measured peak. Default: ${DEFAULT-VALUE}.")
  double e2eRate;

  @Option(names = "--e2e-rate-fraction", defaultValue = "0.5",
      description = "Fraction of the peak throughput to run the end-to-end test at. Default: ${DEFAULT-VALUE}.")
  double e2eRateFraction;

  @Option(names = "--e2e-rate-basis", defaultValue = "min",
      description = "min: every side at the fraction of the lowest peak (same rate); each: of its own peak. Default: ${DEFAULT-VALUE}.")
  String e2eRateBasis;

  @Option(names = "--node-heap", defaultValue = NodeProcess.DEFAULT_HEAP_OPTS,
      description = "Heap flags of the Cairn node JVM (the Kafka broker's are --kafka-heap). Default: ${DEFAULT-VALUE}.")
  String nodeHeap;

  /** The parameters, or a usage error naming the bad option. */
  NetworkComparison.Params params(CommandSpec spec, long seed) {
    try {
      return new NetworkComparison.Params(records, warmupRecords, throughputRounds, recordBytes, aggregates,
          partitions,
          new ProducerSettings(lingerMs, batchBytes, compression, acks), e2eDurationS, e2eWarmupS, e2eRate,
          e2eRateFraction, NetworkComparison.RateBasis.forName(e2eRateBasis), seed);
    } catch (InvalidInputException e) {
      throw new ParameterException(spec.commandLine(), "network section: --" + e.getMessage());
    }
  }

  /** Puts every option into {@code line}, names prefixed {@code net_} / {@code e2e_}. */
  void putInto(JsonLine line) {
    line.put("net_records", records)
        .put("net_warmup_records", warmupRecords)
        .put("net_rounds", throughputRounds)
        .put("net_record_bytes", recordBytes)
        .put("net_aggregates", aggregates)
        .put("net_partitions", partitions)
        .put("net_linger_ms", lingerMs)
        .put("net_batch_bytes", batchBytes)
        .put("net_compression", compression)
        .put("net_acks", acks)
        .put("e2e_duration_s", e2eDurationS)
        .put("e2e_warmup_s", e2eWarmupS)
        .put("e2e_rate_param", e2eRate)
        .put("e2e_rate_fraction", e2eRateFraction)
        .put("e2e_rate_basis", e2eRateBasis)
        .put("node_heap", nodeHeap)
        .put("node_jvm_opts", NodeProcess.Launch.nodeJvmOptions());
  }
}
