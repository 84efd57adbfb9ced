package io.cairn.cli;

import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn read-stream}: prints one aggregate's events in version order, fetched in pages of
 * {@value #PAGE_EVENTS} events, until {@code --max-count} events are printed or the stream ends.
 */
@Command(name = "read-stream",
    description = "Print one aggregate's events in version order, one per line.")
public final class ReadStreamCommand implements Callable<Integer> {

  /** Events fetched per call to the store: a long stream is never loaded at once. */
  public static final int PAGE_EVENTS = 1000;

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

  @Option(names = "--aggregate", required = true, paramLabel = "ID", description = "Aggregate id.")
  private String aggregateId;

  @Option(names = "--from-version", paramLabel = "V", defaultValue = "1",
      description = "First version to print (default: ${DEFAULT-VALUE}, the first event).")
  private long fromVersionInclusive;

  @Option(names = "--max-count", paramLabel = "N", description = "Print at most N events (default: all).")
  private Long maxCount;

  @Option(names = "--json", description = "Print one JSON object per event (JSON Lines).")
  private boolean json;

  @Override
  public Integer call() {
    long remaining = maxCount == null ? Long.MAX_VALUE : maxCount;
    if (remaining < 1) {
      throw new ParameterException(spec.commandLine(), "--max-count = " + maxCount + ": must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    EventPrinter printer = new EventPrinter(out, json);
    long printed = 0;
    long version = fromVersionInclusive;
    long currentVersion = 0;
    try (StoreSession session = StoreSession.open(target.existingTarget(timeout.timeoutMs()), timeout.timeoutMs())) {
      while (remaining > 0) {
        int page = (int) Math.min(remaining, PAGE_EVENTS);
        StreamSlice slice = session.await(session.store().readStream(topic, aggregateId, version, page),
            "reading stream " + aggregateId + " of topic " + topic + " from version " + version);
        currentVersion = slice.currentVersion();
        for (StoredEvent event : slice.events()) {
          printer.print(event);
        }
        printed += slice.events().size();
        remaining -= slice.events().size();
        if (slice.endOfStream() || slice.events().isEmpty() || slice.nextVersion() <= version || out.checkError()) {
          break;
        }
        version = slice.nextVersion();
      }
    }
    if (!json) {
      spec.commandLine().getErr().println(printed + " event(s) printed; the stream is at version "
          + currentVersion + ".");
    }
    return ExitCodes.OK;
  }
}
