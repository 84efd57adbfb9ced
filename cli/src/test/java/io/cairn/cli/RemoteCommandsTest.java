package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.cli.CliRunner.Result;
import io.cairn.cli.CliRunner.Running;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.TopicConfig;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every data command with {@code --bootstrap} against a node started in-process on free loopback ports:
 * the same commands, the same output as on a local data directory (see {@link StoreCommandsTest}), and
 * {@code tail} following appends live.
 */
class RemoteCommandsTest {

  private static final String TOPIC = "bank.account";
  private static final long WAIT_MS = 60_000;

  private final CliRunner cli = CliRunner.withoutEnvironment();

  @TempDir
  Path dataDir;

  private CairnNode node;
  private String bootstrap;

  @BeforeEach
  void startNode() throws Exception {
    node = CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(NodeOptions.ANY_FREE_PORT)
        .setPort(NodeOptions.ANY_FREE_PORT)).await(WAIT_MS, TimeUnit.MILLISECONDS);
    bootstrap = NodeOptions.DEFAULT_HTTP_HOST + ":" + node.protocolPort();
  }

  @AfterEach
  void stopNode() throws Exception {
    if (node != null) {
      node.stop().await(WAIT_MS, TimeUnit.MILLISECONDS);
    }
  }

  private String[] remote(String... args) {
    String[] all = Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--bootstrap";
    all[args.length + 1] = bootstrap;
    return all;
  }

  private Result run(String... args) {
    return cli.run(remote(args));
  }

  private Result ok(String... args) {
    Result result = run(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  private static JsonNode json(String line) throws Exception {
    return Json.MAPPER.readTree(line);
  }

  @Test
  void topicsAreCreatedListedDescribedAndDeletedOnTheNode() throws Exception {
    // when
    Result created = ok("topics", "create", TOPIC, "--partitions", "3", "--config", "compression.type=lz4");
    Result listed = ok("topics", "list", "--json");
    Result described = ok("topics", "describe", TOPIC, "--json");
    Result text = ok("topics", "describe", TOPIC);

    // then
    assertThat(created.out()).contains("Created topic \"bank.account\" with 3 partition(s).");
    assertThat(listed.out().trim()).isEqualTo("[\"bank.account\"]");
    JsonNode description = json(described.out());
    assertThat(description.get("name").asText()).isEqualTo(TOPIC);
    assertThat(description.get("config").get("compression.type").asText()).isEqualTo("lz4");
    assertThat(description.get("partitions")).hasSize(3);
    assertThat(text.out()).contains("Topic: bank.account", "HIGH-WATERMARK");
    assertThat(node.store().listTopics().await(WAIT_MS, TimeUnit.MILLISECONDS)).containsExactly(TOPIC);

    // when
    Result deleted = ok("topics", "delete", TOPIC);

    // then
    assertThat(deleted.out()).contains("Deleted topic \"bank.account\".");
    assertThat(ok("topics", "list").out()).isEmpty();
  }

  @Test
  void appendReadAndReadStreamGoThroughTheNode() throws Exception {
    // given
    createTopicOnTheNode(2);
    int partition = Partitioner.partitionFor("acc-1", 2);

    // when
    JsonNode first = json(ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", "no-stream",
        "--type", "AccountOpened", "--data", "{\"owner\":\"Zoë\"}", "--header", "correlation-id=c-1").out());
    JsonNode second = json(ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", "1",
        "--type", "Deposited", "--data", "{\"amount\":5}").out());
    Result stream = ok("read-stream", "--topic", TOPIC, "--aggregate", "acc-1", "--json");
    Result read = ok("read", "--topic", TOPIC, "--partition", Integer.toString(partition), "--json");

    // then
    assertThat(first.get("partition").asInt()).isEqualTo(partition);
    assertThat(first.get("newVersion").asLong()).isEqualTo(1);
    assertThat(second.get("firstOffset").asLong()).isEqualTo(1);
    assertThat(second.get("newVersion").asLong()).isEqualTo(2);
    assertThat(stream.outLines()).hasSize(2);
    JsonNode opened = json(stream.outLines().get(0));
    assertThat(opened.get("payload").get("owner").asText()).isEqualTo("Zoë");
    assertThat(opened.get("headers").get(0).get("value").asText()).isEqualTo("c-1");
    assertThat(opened.get("eventId").asText()).isEqualTo(first.get("eventId").asText());
    assertThat(read.outLines()).isEqualTo(stream.outLines());
  }

  @Test
  void aVersionConflictOnTheNodeExitsOneWithTheActualVersion() throws Exception {
    createTopicOnTheNode(1);
    ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--type", "AccountOpened", "--data", "{}");

    Result conflict = run("append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", "no-stream",
        "--type", "AccountOpened", "--data", "{}");

    assertThat(conflict.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(conflict.err()).contains("version conflict", "expected version no-stream", "actual version 1");
  }

  @Test
  void errorsOfTheNodeMapToTheSameExitCodes() throws Exception {
    createTopicOnTheNode(1);

    Result unknown = run("topics", "describe", "nope");
    Result exists = run("topics", "create", TOPIC);
    Result invalid = run("append", "--topic", TOPIC, "--aggregate", "", "--type", "T", "--data", "{}");

    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(unknown.err()).contains("nope");
    assertThat(exists.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(exists.err()).contains("already exists");
    assertThat(invalid.exitCode()).as(invalid.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(invalid.err()).startsWith("error: aggregateId");
  }

  @Test
  void tailFollowsEventsAppendedWhileItRuns() throws Exception {
    // given: one event stored before the tail starts
    createTopicOnTheNode(2);
    appendOnTheNode("acc-1", "AccountOpened");

    // when: the tail shows it, then two more are appended
    Running tail = cli.start(remote("tail", TOPIC, "--from", "earliest", "--count", "3", "--json"));
    awaitCondition(() -> tail.outSoFar().contains("AccountOpened") || tail.done(), "the stored event is printed");
    appendOnTheNode("acc-2", "Deposited");
    appendOnTheNode("acc-1", "Withdrawn");
    Result result = tail.await(WAIT_MS);

    // then
    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> types = new ArrayList<>();
    for (String line : result.outLines()) {
      types.add(json(line).get("type").asText());
    }
    assertThat(types).containsExactlyInAnyOrder("AccountOpened", "Deposited", "Withdrawn");
    assertThat(types.get(0)).isEqualTo("AccountOpened");
    assertThat(types.indexOf("Withdrawn")).isGreaterThan(types.indexOf("AccountOpened"));
  }

  @Test
  void aTopicCreatedThroughTheNodeIsThereAfterTheNodeRestarts() throws Exception {
    // given
    ok("topics", "create", TOPIC, "--partitions", "3");
    ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--type", "AccountOpened", "--data", "{}");

    // when
    node.stop().await(WAIT_MS, TimeUnit.MILLISECONDS);
    startNode();

    // then
    JsonNode description = json(ok("topics", "describe", TOPIC, "--json").out());
    assertThat(description.get("partitions")).hasSize(3);
    assertThat(ok("read-stream", "--topic", TOPIC, "--aggregate", "acc-1").outLines()).hasSize(1);
  }

  @Test
  void anUnreachableNodeFailsWithinTheTimeout() {
    Result result = cli.run("topics", "list", "--bootstrap", "127.0.0.1:1", "--timeout-ms", "2000");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).startsWith("error: ").contains("127.0.0.1:1");
  }

  /** Creates the topic through the node's store directly: setup that is not under test. */
  private void createTopicOnTheNode(int partitions) throws Exception {
    node.store().createTopic(TOPIC, new TopicConfig().setPartitions(partitions)).await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  private void appendOnTheNode(String aggregateId, String type) throws Exception {
    node.store().append(AppendRequest.of(TOPIC, aggregateId, ExpectedVersion.ANY,
            List.of(EventData.of(type, "{}".getBytes(StandardCharsets.UTF_8)))))
        .await(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  private static void awaitCondition(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + WAIT_MS + " ms waiting until " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
