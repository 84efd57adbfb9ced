package io.cairn.node.json;

import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.TopicDescription;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The one JSON mapping of append results, version conflicts and topic descriptions, used by the
 * HTTP API ({@code docs/http-api.md}) and by {@code bin/cairn} ({@code docs/cli.md}). Field names are
 * camelCase as in the Java records; fields come in the order documented on each method, which the
 * tools' tests pin. Every call returns a new mutable object the caller may extend. Stateless and
 * thread-safe.
 */
public final class CairnJson {

  /** The expected-version forms accepted and printed by the tools. */
  public static final String ANY = "any";
  public static final String NO_STREAM = "no-stream";
  public static final String EXISTS = "exists";
  /** The {@code error} of a version conflict document. */
  public static final String VERSION_CONFLICT = "version conflict";

  private CairnJson() {
  }

  /**
   * A stored (or recognised duplicate) append: {@code {partition, firstOffset, lastOffset,
   * firstVersion, newVersion, duplicate}}.
   */
  public static JsonObject appended(AppendResult.Appended appended) {
    return new JsonObject()
        .put("partition", appended.partition())
        .put("firstOffset", appended.firstOffset())
        .put("lastOffset", appended.lastOffset())
        .put("firstVersion", appended.firstVersion())
        .put("newVersion", appended.newVersion())
        .put("duplicate", appended.duplicate());
  }

  /**
   * A rejected append: {@code {error: "version conflict", partition, expectedVersion, actualVersion}},
   * the expected version as {@link #expectedVersion} writes it.
   */
  public static JsonObject conflict(AppendResult.VersionConflict conflict) {
    return new JsonObject()
        .put("error", VERSION_CONFLICT)
        .put("partition", conflict.partition())
        .put("expectedVersion", expectedVersion(conflict.expected()))
        .put("actualVersion", conflict.actualVersion());
  }

  /**
   * An expected version as the tools accept it: {@value #ANY}, {@value #NO_STREAM},
   * {@value #EXISTS} or the version number.
   */
  public static String expectedVersion(ExpectedVersion expected) {
    if (expected instanceof ExpectedVersion.Any) {
      return ANY;
    }
    if (expected instanceof ExpectedVersion.StreamExists) {
      return EXISTS;
    }
    long version = ((ExpectedVersion.Exact) expected).version();
    return version == 0 ? NO_STREAM : Long.toString(version);
  }

  /**
   * A topic: {@code {name, config: {setting: value as a string}, partitions: [{partition,
   * logStartOffset, highWatermark, logEndOffset, sizeBytes, segments, readOnly}]}}, settings in
   * {@link io.cairn.eventstore.TopicConfig#toMap()} order, partitions by number.
   */
  public static JsonObject topic(TopicDescription description) {
    JsonObject config = new JsonObject();
    description.config().toMap().forEach(config::put);
    JsonArray partitions = new JsonArray();
    for (PartitionDescription partition : description.partitions()) {
      partitions.add(partition(partition));
    }
    return new JsonObject().put("name", description.name()).put("config", config).put("partitions", partitions);
  }

  /**
   * One partition's state: {@code {partition, logStartOffset, highWatermark, logEndOffset, sizeBytes,
   * segments, readOnly}}.
   */
  public static JsonObject partition(PartitionDescription partition) {
    return new JsonObject()
        .put("partition", partition.partition())
        .put("logStartOffset", partition.logStartOffset())
        .put("highWatermark", partition.highWatermark())
        .put("logEndOffset", partition.logEndOffset())
        .put("sizeBytes", partition.sizeBytes())
        .put("segments", partition.segments())
        .put("readOnly", partition.readOnly());
  }
}
