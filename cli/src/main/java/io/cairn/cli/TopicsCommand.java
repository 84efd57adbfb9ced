package io.cairn.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import io.cairn.node.json.CairnJson;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn topics create|list|describe|delete}: manage the topics of a local store or a running node. */
@Command(name = "topics",
    description = "Create, list, describe and delete topics.",
    subcommands = {
        TopicsCommand.Create.class,
        TopicsCommand.ListTopics.class,
        TopicsCommand.Describe.class,
        TopicsCommand.Delete.class,
    })
public final class TopicsCommand {

  @Mixin
  private CommonOptions common;

  /** {@code cairn topics create NAME [--partitions N] [--config key=value ...]}. */
  @Command(name = "create",
      description = {"Create a topic.", "Settings use Kafka's names, e.g.",
          "  --config compression.type=lz4 --config flush.mode=page-cache"})
  static final class Create implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreTargetOptions target;

    @Mixin
    private TimeoutOption timeout;

    @Mixin
    private CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "Topic name, e.g. bank.account.")
    private String name;

    @Option(names = "--partitions", paramLabel = "N",
        description = "Number of partitions (default: " + TopicConfig.DEFAULT_PARTITIONS + "). Fixed for good.")
    private Integer partitions;

    @Option(names = "--config", paramLabel = "KEY=VALUE",
        description = "A topic setting; repeat for several. The settings and their defaults are listed below.")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() {
      TopicConfig config = topicConfig();
      try (StoreSession session = StoreSession.open(target.target(timeout.timeoutMs()), timeout.timeoutMs())) {
        TopicDescription created = session.await(session.store().createTopic(name, config),
            "creating topic " + name);
        spec.commandLine().getOut().println("Created topic \"" + created.name() + "\" with "
            + created.partitions().size() + " partition(s).");
      }
      return ExitCodes.OK;
    }

    /** The footer of {@code topics create --help}: every setting with its default. */
    static String[] settingsFooter() {
      Map<String, String> defaults = new TopicConfig().toMap();
      String[] lines = new String[defaults.size() + 2];
      int i = 0;
      lines[i++] = "";
      lines[i++] = "Settings (default):";
      for (Map.Entry<String, String> setting : defaults.entrySet()) {
        lines[i++] = String.format("  %-22s %s", setting.getKey(), setting.getValue());
      }
      return lines;
    }

    /** Validates the settings before anything is opened, so bad input touches nothing. */
    TopicConfig topicConfig() {
      String fromSettings = settings.get(TopicConfig.PARTITIONS);
      if (partitions != null && fromSettings != null && !fromSettings.trim().equals(partitions.toString())) {
        throw new ParameterException(spec.commandLine(), "--partitions " + partitions + " and --config "
            + TopicConfig.PARTITIONS + "=" + fromSettings + " disagree: give the partition count once");
      }
      TopicConfig config = TopicConfig.fromMap(settings);
      if (partitions != null) {
        config.setPartitions(partitions);
      }
      return config;
    }
  }

  /** {@code cairn topics list}: topic names, sorted, one per line. */
  @Command(name = "list", description = "List topic names, one per line.")
  static final class ListTopics implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreTargetOptions target;

    @Mixin
    private TimeoutOption timeout;

    @Mixin
    private CommonOptions common;

    @Option(names = "--json", description = "Print one JSON array of names.")
    private boolean json;

    @Override
    public Integer call() {
      List<String> names;
      try (StoreSession session = StoreSession.open(target.existingTarget(timeout.timeoutMs()), timeout.timeoutMs())) {
        names = session.await(session.store().listTopics(), "listing topics");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        names.forEach(array::add);
        out.println(Json.line(array));
      } else {
        names.forEach(out::println);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code cairn topics describe NAME}: configuration and per-partition state. */
  @Command(name = "describe",
      description = "Show a topic's settings and, per partition, its offsets, size and segments.")
  static final class Describe implements Callable<Integer> {

    static final String TABLE_FORMAT = "%-9s  %14s  %14s  %14s  %14s  %8s  %s%n";

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreTargetOptions target;

    @Mixin
    private TimeoutOption timeout;

    @Mixin
    private CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "Topic name.")
    private String name;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    @Override
    public Integer call() {
      TopicDescription description;
      try (StoreSession session = StoreSession.open(target.existingTarget(timeout.timeoutMs()), timeout.timeoutMs())) {
        description = session.await(session.store().describeTopic(name), "describing topic " + name);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.line(toJson(description)));
      } else {
        printText(description, out);
      }
      return ExitCodes.OK;
    }

    /** The description as {@link CairnJson#topic} maps it (the HTTP API's document). */
    static JsonObject toJson(TopicDescription description) {
      return CairnJson.topic(description);
    }

    static void printText(TopicDescription description, PrintWriter out) {
      out.println("Topic: " + description.name());
      out.println("Config:");
      description.config().toMap().forEach((key, value) -> out.println("  " + key + "=" + value));
      out.printf(TABLE_FORMAT, "PARTITION", "LOG-START", "HIGH-WATERMARK", "LOG-END", "SIZE-BYTES",
          "SEGMENTS", "STATE");
      for (PartitionDescription p : description.partitions()) {
        out.printf(TABLE_FORMAT, p.partition(), p.logStartOffset(), p.highWatermark(), p.logEndOffset(),
            p.sizeBytes(), p.segments(), p.readOnly() ? "read-only" : "ok");
      }
    }
  }

  /** {@code cairn topics delete NAME}: removes a topic and all its data. */
  @Command(name = "delete", description = "Delete a topic and all its data.")
  static final class Delete implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreTargetOptions target;

    @Mixin
    private TimeoutOption timeout;

    @Mixin
    private CommonOptions common;

    @Parameters(index = "0", paramLabel = "NAME", description = "Topic name.")
    private String name;

    @Override
    public Integer call() {
      try (StoreSession session = StoreSession.open(target.existingTarget(timeout.timeoutMs()), timeout.timeoutMs())) {
        session.await(session.store().deleteTopic(name), "deleting topic " + name);
      }
      spec.commandLine().getOut().println("Deleted topic \"" + name + "\".");
      return ExitCodes.OK;
    }
  }
}
