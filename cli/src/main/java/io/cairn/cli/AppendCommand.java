package io.cairn.cli;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.Header;
import io.cairn.node.json.CairnJson;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn append}: appends one event to an aggregate's stream and prints one JSON object:
 * {@code {"topic", "aggregateId", "eventId", "partition", "firstOffset", "lastOffset",
 * "firstVersion", "newVersion", "duplicate"}}. A version conflict prints the stream's actual version
 * on stderr and exits {@link ExitCodes#FAILURE}.
 */
@Command(name = "append",
    description = "Append one event to an aggregate's stream; prints the result as one JSON object.")
public final class AppendCommand implements Callable<Integer> {

  /** How much of a bad {@code --data} value an error message quotes. */
  static final int MAX_QUOTED_CHARS = 60;

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

  @Option(names = "--aggregate", required = true, paramLabel = "ID",
      description = "Aggregate id: the record key, which decides the partition.")
  private String aggregateId;

  @Option(names = "--expected-version", paramLabel = "any|no-stream|exists|N",
      converter = ExpectedVersionConverter.class, defaultValue = ExpectedVersionConverter.ANY,
      description = "Optimistic-concurrency check (default: ${DEFAULT-VALUE}). N = the stream's current"
          + " version (0 = no stream).")
  private ExpectedVersion expectedVersion;

  @Option(names = "--type", required = true, paramLabel = "TYPE", description = "Event type, e.g. AccountOpened.")
  private String type;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private Payload payload;

  @Option(names = "--event-id", paramLabel = "UUID",
      description = "Event id (default: a random one). Reuse it when retrying: a retry is then recognised.")
  private UUID eventId;

  @Option(names = "--header", paramLabel = "KEY=VALUE", converter = HeaderConverter.class,
      description = "An extra header with a UTF-8 value; repeat for several (e.g. correlation-id=c-1).")
  private List<Header> headers = new ArrayList<>();

  /** The event payload: exactly one of the two options. */
  static final class Payload {
    @Option(names = "--data", paramLabel = "JSON", required = true, description = "The payload: a JSON value.")
    private String json;

    @Option(names = "--data-file", paramLabel = "FILE", required = true,
        description = "The payload: the bytes of FILE, as they are.")
    private Path file;
  }

  @Override
  public Integer call() {
    EventData event = new EventData(eventId == null ? UUID.randomUUID() : eventId, type, payloadBytes(), headers);
    AppendRequest request = AppendRequest.of(topic, aggregateId, expectedVersion, List.of(event));
    AppendResult result;
    try (StoreSession session = StoreSession.open(target.existingTarget(timeout.timeoutMs()), timeout.timeoutMs())) {
      result = session.await(session.store().append(request),
          "appending to " + aggregateId + " in topic " + topic);
    }
    if (result instanceof AppendResult.VersionConflict conflict) {
      throw new CommandFailedException("version conflict: aggregate \"" + aggregateId + "\" in topic \"" + topic
          + "\" (partition " + conflict.partition() + "): expected version "
          + ExpectedVersionConverter.format(conflict.expected()) + ", actual version " + conflict.actualVersion());
    }
    spec.commandLine().getOut().println(Json.line(toJson(topic, aggregateId, event.eventId(),
        (AppendResult.Appended) result)));
    return ExitCodes.OK;
  }

  /**
   * The printed result of a stored (or recognised duplicate) append: where it went, then the fields
   * of {@link CairnJson#appended} (the HTTP API's answer).
   */
  static JsonObject toJson(String topic, String aggregateId, UUID eventId, AppendResult.Appended appended) {
    return new JsonObject()
        .put("topic", topic)
        .put("aggregateId", aggregateId)
        .put("eventId", eventId.toString())
        .mergeIn(CairnJson.appended(appended));
  }

  private byte[] payloadBytes() {
    if (payload.json != null) {
      if (PayloadView.parseJson(payload.json).isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--data is not one valid JSON value: "
            + abbreviate(payload.json) + " (use --data-file for other bytes)");
      }
      return payload.json.getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Files.readAllBytes(payload.file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() <= MAX_QUOTED_CHARS ? "'" + text + "'"
        : "'" + text.substring(0, MAX_QUOTED_CHARS) + "...' (" + text.length() + " chars)";
  }
}
