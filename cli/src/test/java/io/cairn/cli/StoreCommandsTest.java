package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.cli.CliRunner.Result;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every data command in-process against a real local store in a temporary data directory. */
class StoreCommandsTest {

  private static final String TOPIC = "bank.account";
  private static final long WAIT_SECONDS = 60;

  private final CliRunner cli = CliRunner.withoutEnvironment();

  @TempDir
  Path dataDir;

  private Result run(String... args) {
    return cli.runIn(dataDir, args);
  }

  private Result ok(String... args) {
    Result result = run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  private static JsonNode json(String line) throws Exception {
    return Json.MAPPER.readTree(line);
  }

  /** Seeds a topic through the API directly, for data that would take many CLI runs. */
  private void appendDirectly(String aggregateId, int events, int eventsPerAppend) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      EventStore store = EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir))
          .await(WAIT_SECONDS, TimeUnit.SECONDS);
      try {
        int written = 0;
        while (written < events) {
          List<EventData> batch = new ArrayList<>();
          for (int i = 0; i < eventsPerAppend && written + i < events; i++) {
            batch.add(EventData.of("Deposited", ("{\"n\":" + (written + i + 1) + "}").getBytes(StandardCharsets.UTF_8)));
          }
          store.append(AppendRequest.of(TOPIC, aggregateId, ExpectedVersion.exactly(written), batch))
              .await(WAIT_SECONDS, TimeUnit.SECONDS);
          written += batch.size();
        }
      } finally {
        store.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  @Nested
  class Topics {

    @Test
    void createListDescribeAndDeleteATopic() throws Exception {
      // when
      Result created = ok("topics", "create", TOPIC, "--partitions", "3", "--config", "compression.type=lz4",
          "--config", "retention.ms=86400000");
      Result listed = ok("topics", "list");
      Result described = ok("topics", "describe", TOPIC);
      Result describedJson = ok("topics", "describe", TOPIC, "--json");
      Result deleted = ok("topics", "delete", TOPIC);
      Result listedAfter = ok("topics", "list", "--json");

      // then
      assertThat(created.out()).contains("Created topic \"bank.account\" with 3 partition(s).");
      assertThat(listed.outLines()).containsExactly(TOPIC);
      assertThat(described.out()).contains("Topic: bank.account", "compression.type=lz4", "retention.ms=86400000",
          "PARTITION", "HIGH-WATERMARK");
      assertThat(described.outLines()).filteredOn(line -> line.matches("\\d+ +\\d+ .*")).hasSize(3);
      JsonNode description = json(describedJson.out());
      assertThat(description.get("name").asText()).isEqualTo(TOPIC);
      assertThat(description.get("config").get("partitions").asText()).isEqualTo("3");
      assertThat(description.get("partitions")).hasSize(3);
      assertThat(description.get("partitions").get(2).get("logEndOffset").asLong()).isZero();
      assertThat(deleted.out()).contains("Deleted topic \"bank.account\".");
      assertThat(listedAfter.out().trim()).isEqualTo("[]");
    }

    @Test
    void creatingAnExistingTopicFails() {
      ok("topics", "create", TOPIC);

      Result again = run("topics", "create", TOPIC);

      assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(again.err()).contains("error: ", "already exists");
    }

    @Test
    void describingOrDeletingAnUnknownTopicFails() {
      ok("topics", "create", TOPIC);

      Result describe = run("topics", "describe", "nope");
      Result delete = run("topics", "delete", "nope");

      assertThat(describe.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(describe.err()).contains("unknown topic \"nope\"").doesNotContain("Exception", "\tat ");
      assertThat(delete.exitCode()).isEqualTo(ExitCodes.FAILURE);
    }

    @Test
    void anInvalidTopicNameIsAUsageErrorNamingTheRule() {
      Result result = run("topics", "create", "bank/account");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).startsWith("error: topic = \"bank/account\": may contain only");
    }

    @Test
    void verboseBeforeTheCommandNameAlsoShowsTheStackTrace() {
      ok("topics", "create", TOPIC);

      Result result = cli.run("--verbose", "topics", "describe", "nope", "--data-dir", dataDir.toString());

      assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(result.err()).contains("UnknownTopicException", "\tat ");
    }

    @Test
    void verboseShowsTheStackTraceOfAnExpectedError() {
      ok("topics", "create", TOPIC);

      Result result = run("topics", "describe", "nope", "--verbose");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(result.err()).contains("unknown topic \"nope\"", "UnknownTopicException", "\tat ");
    }
  }

  @Nested
  class Append {

    @BeforeEach
    void createTopic() {
      ok("topics", "create", TOPIC, "--partitions", "4");
    }

    @Test
    void appendPrintsPartitionOffsetsAndTheNewVersion() throws Exception {
      // when
      Result first = ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", "no-stream",
          "--type", "AccountOpened", "--data", "{\"owner\":\"ann\"}");
      Result second = ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", "1",
          "--type", "Deposited", "--data", "{\"amount\":5}");

      // then
      JsonNode r1 = json(first.out());
      JsonNode r2 = json(second.out());
      int partition = Partitioner.partitionFor("acc-1", 4);
      assertThat(r1.get("partition").asInt()).isEqualTo(partition);
      assertThat(r1.get("firstOffset").asLong()).isZero();
      assertThat(r1.get("lastOffset").asLong()).isZero();
      assertThat(r1.get("newVersion").asLong()).isEqualTo(1);
      assertThat(r1.get("duplicate").asBoolean()).isFalse();
      assertThat(r2.get("partition").asInt()).isEqualTo(partition);
      assertThat(r2.get("firstOffset").asLong()).isEqualTo(1);
      assertThat(r2.get("newVersion").asLong()).isEqualTo(2);
      assertThat(UUID.fromString(r2.get("eventId").asText())).isNotNull();
      assertThat(first.outLines()).hasSize(1);
    }

    @Test
    void aVersionConflictPrintsTheActualVersionAndExitsOne() {
      ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--type", "AccountOpened", "--data", "{}");
      ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--type", "Deposited", "--data", "{}");

      Result conflict = run("append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", "1",
          "--type", "Deposited", "--data", "{}");
      Result noStream = run("append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", "no-stream",
          "--type", "Deposited", "--data", "{}");

      assertThat(conflict.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(conflict.out()).isEmpty();
      assertThat(conflict.err()).contains("version conflict", "\"acc-1\"", "expected version 1", "actual version 2");
      assertThat(noStream.err()).contains("expected version no-stream", "actual version 2");
    }

    @Test
    void aRetryWithTheSameEventIdIsAnsweredAsDuplicate() throws Exception {
      String eventId = "0b8c3c1e-6d7a-4a0e-8a53-3f7c2d9e1b11";
      String[] append = {"append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", "no-stream",
          "--type", "AccountOpened", "--data", "{}", "--event-id", eventId};

      JsonNode original = json(ok(append).out());
      JsonNode retry = json(ok(append).out());

      assertThat(original.get("duplicate").asBoolean()).isFalse();
      assertThat(retry.get("duplicate").asBoolean()).isTrue();
      assertThat(retry.get("firstOffset")).isEqualTo(original.get("firstOffset"));
      assertThat(retry.get("eventId").asText()).isEqualTo(eventId);
    }

    @Test
    void appendingToAnUnknownTopicFails() {
      Result result = run("append", "--topic", "nope", "--aggregate", "a", "--type", "T", "--data", "{}");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(result.err()).contains("unknown topic \"nope\"");
    }

    @Test
    void invalidInputFromTheStoreIsAUsageErrorNamingTheField() {
      Result result = run("append", "--topic", TOPIC, "--aggregate", "", "--type", "T", "--data", "{}");

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).startsWith("error: aggregateId");
    }

    @Test
    void dataFileBytesAndHeadersAreStoredAsGiven() throws Exception {
      // given
      Path file = dataDir.resolveSibling(dataDir.getFileName() + "-payload.bin");
      byte[] binary = {0, 1, 2, (byte) 0xff};
      Files.write(file, binary);

      // when
      ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--type", "Blob", "--data-file", file.toString(),
          "--header", "correlation-id=c-1", "--header", "causation-id=e-0");
      Result read = ok("read-stream", "--topic", TOPIC, "--aggregate", "acc-1", "--json");

      // then
      JsonNode event = json(read.out());
      assertThat(event.get("payloadEncoding").asText()).isEqualTo("base64");
      assertThat(event.get("payload").asText()).isEqualTo("AAEC/w==");
      assertThat(event.get("headers").get(0).get("key").asText()).isEqualTo("correlation-id");
      assertThat(event.get("headers").get(1).get("value").asText()).isEqualTo("e-0");
      Files.delete(file);
    }
  }

  @Nested
  class Read {

    @BeforeEach
    void createTopic() {
      ok("topics", "create", TOPIC);
    }

    @Test
    void readPrintsEveryEventOfThePartitionInOffsetOrderAcrossFetches() throws Exception {
      // given: 5 appends of 3 events; one byte per fetch still returns one batch per fetch
      appendDirectly("acc-1", 15, 3);

      // when
      Result result = ok("read", "--topic", TOPIC, "--partition", "0", "--max-bytes", "1", "--json");

      // then
      List<String> lines = result.outLines();
      assertThat(lines).hasSize(15);
      for (int i = 0; i < lines.size(); i++) {
        JsonNode event = json(lines.get(i));
        assertThat(event.get("offset").asLong()).isEqualTo(i);
        assertThat(event.get("version").asLong()).isEqualTo(i + 1);
        assertThat(event.get("payload").get("n").asInt()).isEqualTo(i + 1);
        assertThat(event.get("aggregateId").asText()).isEqualTo("acc-1");
      }
    }

    @Test
    void fromOffsetInsideABatchAndLimitAreHonoured() throws Exception {
      appendDirectly("acc-1", 15, 3);

      Result result = ok("read", "--topic", TOPIC, "--partition", "0", "--from-offset", "4", "--limit", "5", "--json");

      assertThat(result.outLines()).extracting(line -> json(line).get("offset").asLong())
          .containsExactly(4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void textOutputIsOneLinePerEventAndCountsOnStderr() throws Exception {
      appendDirectly("acc-1", 3, 1);

      Result result = ok("read", "--topic", TOPIC, "--partition", "0");

      assertThat(result.outLines()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("partition=0 offset="));
      assertThat(result.err()).contains("3 event(s) printed.");
    }

    @Test
    void anEmptyPartitionPrintsNothing() {
      Result result = ok("read", "--topic", TOPIC, "--partition", "0", "--json");

      assertThat(result.out()).isEmpty();
    }

    @Test
    void aPartitionThatDoesNotExistFails() {
      Result result = run("read", "--topic", TOPIC, "--partition", "7");

      assertThat(result.exitCode()).as(result.toString()).isNotZero();
      assertThat(result.err()).contains("partition", "7");
    }

    @Test
    void readStreamPagesThroughALongStream() throws Exception {
      // given: more events than one page of read-stream
      int events = ReadStreamCommand.PAGE_EVENTS + 5;
      appendDirectly("acc-1", events, 100);
      appendDirectly("acc-2", 2, 1);

      // when
      Result result = ok("read-stream", "--topic", TOPIC, "--aggregate", "acc-1", "--json");

      // then
      List<String> lines = result.outLines();
      assertThat(lines).hasSize(events);
      assertThat(json(lines.get(0)).get("version").asLong()).isEqualTo(1);
      assertThat(json(lines.get(events - 1)).get("version").asLong()).isEqualTo(events);
      assertThat(lines).allSatisfy(line -> assertThat(json(line).get("aggregateId").asText()).isEqualTo("acc-1"));
    }

    @Test
    void readStreamFromVersionWithMaxCount() throws Exception {
      appendDirectly("acc-1", 10, 4);

      Result result = ok("read-stream", "--topic", TOPIC, "--aggregate", "acc-1", "--from-version", "3",
          "--max-count", "4");

      assertThat(result.outLines()).hasSize(4);
      assertThat(result.outLines().get(0)).contains(" version=3 ");
      assertThat(result.outLines().get(3)).contains(" version=6 ");
      assertThat(result.err()).contains("4 event(s) printed; the stream is at version 10.");
    }

    @Test
    void readStreamOfAnUnknownAggregatePrintsNothing() {
      Result result = ok("read-stream", "--topic", TOPIC, "--aggregate", "ghost");

      assertThat(result.out()).isEmpty();
      assertThat(result.err()).contains("0 event(s) printed; the stream is at version 0.");
    }
  }

  @Test
  void topicConfigRoundTripsThroughCreateAndDescribe() throws Exception {
    ok("topics", "create", TOPIC, "--config", "segment.bytes=4096", "--config", "flush.mode=page-cache");

    JsonNode config = json(ok("topics", "describe", TOPIC, "--json").out()).get("config");

    assertThat(config.get(TopicConfig.SEGMENT_BYTES).asText()).isEqualTo("4096");
    assertThat(config.get(TopicConfig.FLUSH_MODE).asText()).isEqualTo("page-cache");
  }
}
