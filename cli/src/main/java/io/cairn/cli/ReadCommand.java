package io.cairn.cli;

import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StoredEvent;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn read}: prints a partition's events by offset, fetching {@code --max-bytes} at a time,
 * until {@code --limit} events are printed or the high watermark (as of the last fetch) is reached.
 * Events are printed as they arrive, so memory stays bounded; the read stops early if stdout is
 * closed (e.g. piped into {@code head}).
 */
@Command(name = "read",
    description = "Print a partition's events from an offset, one per line.")
public final class ReadCommand implements Callable<Integer> {

  /** Default size of one fetch. */
  public static final int DEFAULT_MAX_BYTES = 1024 * 1024;

  @Spec
  private CommandSpec spec;

  @Mixin
  private StoreTargetOptions target;

  @Mixin
  private TimeoutOption timeout;

  @Mixin
  private CommonOptions common;

  @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Topic name.")
  private String topic;

  @Option(names = "--partition", required = true, paramLabel = "P", description = "Partition number, from 0.")
  private int partition;

  @Option(names = "--from-offset", paramLabel = "O", defaultValue = "0",
      description = "First offset to print (default: ${DEFAULT-VALUE}).")
  private long fromOffsetInclusive;

  @Option(names = "--max-bytes", paramLabel = "B", defaultValue = "" + DEFAULT_MAX_BYTES,
      description = "Bytes per fetch from the store (default: ${DEFAULT-VALUE}); at least one batch is fetched.")
  private int maxBytes;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N events (default: all).")
  private Long limit;

  @Option(names = "--json", description = "Print one JSON object per event (JSON Lines).")
  private boolean json;

  @Override
  public Integer call() {
    long maxEvents = limit == null ? Long.MAX_VALUE : limit;
    if (maxEvents < 1) {
      throw new ParameterException(spec.commandLine(), "--limit = " + limit + ": must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    EventPrinter printer = new EventPrinter(out, json);
    long printed = 0;
    long offset = fromOffsetInclusive;
    try (StoreSession session = StoreSession.open(target.existingTarget(timeout.timeoutMs()), timeout.timeoutMs())) {
      while (printed < maxEvents) {
        ReadResult result = session.await(session.store().read(topic, partition, offset, maxBytes),
            "reading partition " + partition + " of topic " + topic + " at offset " + offset);
        for (StoredEvent event : result.events()) {
          // A fetch returns whole batches: the first may start before the offset asked for.
          if (event.offset() >= fromOffsetInclusive && printed < maxEvents) {
            printer.print(event);
            printed++;
          }
        }
        if (result.nextOffset() <= offset || result.nextOffset() >= result.highWatermark() || out.checkError()) {
          break;
        }
        offset = result.nextOffset();
      }
    }
    if (!json) {
      spec.commandLine().getErr().println(printed + " event(s) printed.");
    }
    return ExitCodes.OK;
  }
}
