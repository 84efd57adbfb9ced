package io.cairn.cli;

import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.TopicDescription;
import io.cairn.eventstore.UnknownTopicException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn tail TOPIC}: follows a topic live, printing its events as {@code read} does (one line
 * each, text or JSON Lines) as they are appended, from every partition merged or from one
 * ({@code --partition}). It runs until {@code --count} events are printed, or until SIGINT (Ctrl-C)
 * or SIGTERM, which end it cleanly (subscriptions ended, store closed, output flushed) with exit code
 * 0; it fails with {@link ExitCodes#FAILURE} if a subscription fails or the store ends it.
 */
@Command(name = "tail",
    description = {"Follow a topic live: print its events as they are appended, one per line.",
        "Runs until --count events are printed or Ctrl-C / SIGTERM (exit code 0)."})
public final class TailCommand implements Callable<Integer> {

  /** Events waiting to be printed before the subscriptions pause. */
  static final int MAX_QUEUED_EVENTS = 1000;

  @Spec
  private CommandSpec spec;

  @Mixin
  private StoreTargetOptions target;

  @Mixin
  private TimeoutOption timeout;

  @Mixin
  private CommonOptions common;

  @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
  private String topic;

  @Option(names = "--partition", paramLabel = "P", description = "Follow only this partition (default: all).")
  private Integer partition;

  @Option(names = "--from", paramLabel = "earliest|latest|offset:N|time:ISO", converter = StartPositionConverter.class,
      defaultValue = StartPositionConverter.LATEST,
      description = "Where each partition starts (default: ${DEFAULT-VALUE}, only new events). offset:N applies to"
          + " every partition followed; time:ISO is an instant such as 2026-11-21T07:57:54Z.")
  private StartPosition from;

  @Option(names = "--count", paramLabel = "N", description = "Stop after N events (default: run until stopped).")
  private Long count;

  @Option(names = "--json", description = "Print one JSON object per event (JSON Lines).")
  private boolean json;

  @Override
  public Integer call() throws InterruptedException {
    long maxEvents = count == null ? Long.MAX_VALUE : count;
    if (maxEvents < 1) {
      throw new ParameterException(spec.commandLine(), "--count = " + count + ": must be at least 1");
    }
    if (partition != null && partition < 0) {
      throw new ParameterException(spec.commandLine(), "--partition = " + partition + ": must be at least 0");
    }
    long timeoutMs = timeout.timeoutMs();
    StoreTarget where = target.existingTarget(timeoutMs);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Stopping takes two bounded waits: ending the subscriptions and closing the store.
    try (SignalStop signal = SignalStop.install(spec.name(), 2 * timeoutMs)) {
      int exitCode = ExitCodes.FAILURE;
      try {
        long printed;
        try (StoreSession session = StoreSession.open(where, timeoutMs)) {
          printed = follow(session, signal, new EventPrinter(out, json), maxEvents);
        }
        if (!json) {
          err.println(printed + " event(s) printed.");
        }
        exitCode = ExitCodes.OK;
      } catch (RuntimeException e) {
        // After a signal the hook ends the process as soon as the command has finished, so the error
        // is reported here, before that, rather than by picocli's handler afterwards.
        exitCode = new ErrorHandler().handleExecutionException(e, spec.commandLine(),
            spec.root().commandLine().getParseResult());
      } finally {
        out.flush();
        err.flush();
        signal.finished(exitCode);
      }
      return exitCode;
    }
  }

  private long follow(StoreSession session, SignalStop signal, EventPrinter printer, long maxEvents)
      throws InterruptedException {
    TopicDescription description = session.await(session.store().describeTopic(topic), "describing topic " + topic);
    TailFollower follower = session.await(TailFollower.start(session.store(), session.vertx().getOrCreateContext(),
        topic, partitions(description), from, MAX_QUEUED_EVENTS), "subscribing to topic " + topic);
    signal.onStop(follower::requestStop);
    PrintWriter out = spec.commandLine().getOut();
    long printed = 0;
    try {
      while (printed < maxEvents && !out.checkError()) {
        TailFollower.Signal next = follower.poll();
        if (next == null) {
          // Nothing waiting: show what was printed before blocking for the next event.
          out.flush();
          next = follower.take();
        }
        if (next instanceof TailFollower.Event event) {
          printer.print(event.event());
          printed++;
        } else if (next instanceof TailFollower.Failed failed) {
          throw failure(failed.cause());
        } else if (next instanceof TailFollower.Ended ended) {
          throw new CommandFailedException("following partition " + ended.partition() + " of topic " + topic
              + " ended: " + session.description() + " closed the subscription");
        } else {
          break;
        }
      }
    } finally {
      session.await(follower.close(), "ending the subscriptions to topic " + topic);
    }
    return printed;
  }

  private List<Integer> partitions(TopicDescription description) {
    int partitions = description.partitions().size();
    if (partition == null) {
      return IntStream.range(0, partitions).boxed().toList();
    }
    if (partition >= partitions) {
      throw new UnknownTopicException(topic, partition, partitions);
    }
    return List.of(partition);
  }

  private static RuntimeException failure(Throwable cause) {
    return cause instanceof RuntimeException runtime ? runtime
        : new CommandFailedException("following the topic failed: " + cause, ExitCodes.FAILURE, cause);
  }
}
