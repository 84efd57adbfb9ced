package io.cairn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.eventstore.BatchSummary;
import io.cairn.eventstore.LogInspector;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn dump FILE}: the record batches of one segment {@code .log} file, one line per batch,
 * like {@code kafka-dump-log} (batch level: headers, CRC, producer fields; not the records). Reads
 * the file only, never the store; exits {@link ExitCodes#FAILURE} if any batch is invalid.
 */
@Command(name = "dump",
    description = {"Print the record batches of one segment .log file, like kafka-dump-log.",
        "Exit code 1 if a batch is torn or fails its CRC."})
public final class DumpCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private CommonOptions common;

  @Parameters(index = "0", paramLabel = "FILE",
      description = "A segment file, e.g. DATA/bank.account-0/00000000000000000000.log.")
  private Path file;

  @Option(names = "--json", description = "Print one JSON object per batch (JSON Lines).")
  private boolean json;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw new CommandFailedException("segment file " + file + " does not exist or is not a regular file");
    }
    List<BatchSummary> batches = LogInspector.dump(file);
    PrintWriter out = spec.commandLine().getOut();
    if (!json) {
      out.println("Dumping " + file);
    }
    long records = 0;
    int invalid = 0;
    for (BatchSummary batch : batches) {
      out.println(json ? Json.line(toJson(batch)) : toText(batch));
      records += Math.max(0, batch.recordsCount());
      invalid += batch.valid() ? 0 : 1;
    }
    String summary = batches.size() + " batch(es), " + records + " record(s), " + invalid + " invalid.";
    if (json) {
      spec.commandLine().getErr().println(summary);
    } else {
      out.println(summary);
    }
    return invalid == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /** One batch in kafka-dump-log's {@code name: value} style, plus {@code problem:} if invalid. */
  static String toText(BatchSummary batch) {
    StringBuilder line = new StringBuilder(320)
        .append("baseOffset: ").append(batch.baseOffset())
        .append(" lastOffset: ").append(batch.lastOffset())
        .append(" count: ").append(batch.recordsCount())
        .append(" baseSequence: ").append(batch.baseSequence())
        .append(" producerId: ").append(batch.producerId())
        .append(" producerEpoch: ").append(batch.producerEpoch())
        .append(" partitionLeaderEpoch: ").append(batch.partitionLeaderEpoch())
        .append(" isTransactional: ").append(batch.transactional())
        .append(" isControl: ").append(batch.control())
        .append(" position: ").append(batch.position())
        .append(" baseTimestamp: ").append(batch.baseTimestamp())
        .append(batch.logAppendTime() ? " LogAppendTime: " : " CreateTime: ").append(batch.maxTimestamp())
        .append(" size: ").append(batch.sizeInBytes())
        .append(" magic: ").append(batch.magic())
        .append(" compresscodec: ").append(batch.compression())
        .append(" crc: ").append(batch.storedCrc())
        .append(" isvalid: ").append(batch.crcValid());
    batch.problem().ifPresent(problem -> line.append(" problem: ").append(EventPrinter.escape(problem)));
    return line.toString();
  }

  /** One batch as a JSON object: every {@link BatchSummary} field, {@code crcValid}, {@code problem} or null. */
  static ObjectNode toJson(BatchSummary batch) {
    ObjectNode node = Json.object()
        .put("position", batch.position())
        .put("baseOffset", batch.baseOffset())
        .put("lastOffset", batch.lastOffset())
        .put("recordsCount", batch.recordsCount())
        .put("sizeInBytes", batch.sizeInBytes())
        .put("partitionLeaderEpoch", batch.partitionLeaderEpoch())
        .put("magic", batch.magic())
        .put("storedCrc", batch.storedCrc())
        .put("computedCrc", batch.computedCrc())
        .put("crcValid", batch.crcValid())
        .put("compression", batch.compression())
        .put("logAppendTime", batch.logAppendTime())
        .put("transactional", batch.transactional())
        .put("control", batch.control())
        .put("baseTimestamp", batch.baseTimestamp())
        .put("maxTimestamp", batch.maxTimestamp())
        .put("producerId", batch.producerId())
        .put("producerEpoch", batch.producerEpoch())
        .put("baseSequence", batch.baseSequence());
    node.put("problem", batch.problem().orElse(null));
    return node;
  }
}
