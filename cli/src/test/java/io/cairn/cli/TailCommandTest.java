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
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn tail} in-process on a local data directory: merged partitions, one partition, start
 * positions, {@code --count}, errors, and the follower's backpressure. (Following a running node live
 * is in {@link RemoteCommandsTest}; the end by SIGTERM in {@link TailProcessIT}.)
 */
class TailCommandTest {

  private static final String TOPIC = "bank.account";
  private static final int PARTITIONS = 3;
  private static final long WAIT_MS = 60_000;

  private final CliRunner cli = CliRunner.withoutEnvironment();

  @TempDir
  Path dataDir;

  private Result ok(String... args) {
    Result result = cli.runIn(dataDir, args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  /** Creates the topic and appends {@code eventsPerAggregate} events to each aggregate, directly. */
  private List<String> seed(int aggregates, int eventsPerAggregate) throws Exception {
    List<String> eventIds = new ArrayList<>();
    withStore(store -> {
      store.createTopic(TOPIC, new TopicConfig().setPartitions(PARTITIONS)).await(WAIT_MS, TimeUnit.MILLISECONDS);
      for (int a = 0; a < aggregates; a++) {
        for (int v = 0; v < eventsPerAggregate; v++) {
          EventData event = EventData.of("Deposited", ("{\"n\":" + v + "}").getBytes(StandardCharsets.UTF_8));
          eventIds.add(event.eventId().toString());
          store.append(AppendRequest.of(TOPIC, "acc-" + a, ExpectedVersion.exactly(v), List.of(event)))
              .await(WAIT_MS, TimeUnit.MILLISECONDS);
        }
      }
    });
    return eventIds;
  }

  private interface StoreWork {
    void run(EventStore store) throws Exception;
  }

  private void withStore(StoreWork work) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      EventStore store = EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir))
          .await(WAIT_MS, TimeUnit.MILLISECONDS);
      try {
        work.run(store);
      } finally {
        store.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
      }
    } finally {
      vertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
    }
  }

  private static List<JsonNode> events(Result result) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : result.outLines()) {
      events.add(Json.MAPPER.readTree(line));
    }
    return events;
  }

  @Test
  void tailMergesEveryPartitionKeepingEachPartitionsOrderAndClosesTheStoreCleanly() throws Exception {
    // given
    List<String> eventIds = seed(6, 3);

    // when
    Result result = ok("tail", TOPIC, "--from", "earliest", "--count", "18", "--json");

    // then
    List<JsonNode> events = events(result);
    assertThat(events).hasSize(18);
    assertThat(events).extracting(e -> e.get("eventId").asText()).containsExactlyInAnyOrderElementsOf(eventIds);
    Map<Integer, List<Long>> offsetsByPartition = new TreeMap<>();
    for (JsonNode event : events) {
      offsetsByPartition.computeIfAbsent(event.get("partition").asInt(), p -> new ArrayList<>())
          .add(event.get("offset").asLong());
    }
    offsetsByPartition.values().forEach(offsets -> assertThat(offsets).isSorted().doesNotHaveDuplicates());
    assertThat(result.err()).isEmpty();
    for (int partition = 0; partition < PARTITIONS; partition++) {
      assertThat(dataDir.resolve(TOPIC + "-" + partition).resolve("clean-shutdown"))
          .as("the store was closed cleanly").exists();
    }
  }

  @Test
  void onePartitionFromAnOffsetInTextPrintsLikeRead() throws Exception {
    // given
    seed(6, 3);
    int partition = Partitioner.partitionFor("acc-0", PARTITIONS);

    // when
    Result tail = ok("tail", TOPIC, "--partition", Integer.toString(partition), "--from", "offset:1", "--count", "2");
    Result read = ok("read", "--topic", TOPIC, "--partition", Integer.toString(partition), "--from-offset", "1",
        "--limit", "2");

    // then
    assertThat(tail.outLines()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("partition=" + partition));
    assertThat(tail.outLines()).isEqualTo(read.outLines());
    assertThat(tail.err()).contains("2 event(s) printed.");
  }

  @Test
  void fromATimeStartsAtTheFirstEventAtOrAfterIt() throws Exception {
    seed(1, 4);

    Result result = ok("tail", TOPIC, "--from", "time:1970-01-01T00:00:00Z", "--count", "4", "--json");

    assertThat(events(result)).extracting(e -> e.get("version").asLong()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void anUnknownTopicOrPartitionFails() throws Exception {
    seed(1, 1);

    Result topic = cli.runIn(dataDir, "tail", "nope", "--count", "1");
    Result partition = cli.runIn(dataDir, "tail", TOPIC, "--partition", "3", "--count", "1");

    assertThat(topic.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(topic.err()).contains("unknown topic \"nope\"");
    assertThat(partition.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(partition.err()).contains("partition", "3");
  }

  @Test
  void aFollowerThatIsNotTakenFromPausesItsSubscriptionsInsteadOfBufferingThePartition() throws Exception {
    // given: more events than several read-aheads of a subscription (1 MiB each)
    int events = 12_000;
    byte[] payload = ("{\"pad\":\"" + "x".repeat(500) + "\"}").getBytes(StandardCharsets.UTF_8);
    withStore(store -> {
      store.createTopic(TOPIC, new TopicConfig().setPartitions(1).set(TopicConfig.FLUSH_MODE, "page-cache"))
          .await(WAIT_MS, TimeUnit.MILLISECONDS);
      for (int i = 0; i < events; i += 100) {
        List<EventData> batch = new ArrayList<>();
        for (int j = 0; j < 100; j++) {
          batch.add(EventData.of("Padded", payload));
        }
        store.append(AppendRequest.of(TOPIC, "acc-" + i, ExpectedVersion.ANY, batch)).await(WAIT_MS, TimeUnit.MILLISECONDS);
      }

      // when: a follower with room for 100 events that nobody takes from
      Vertx vertx = Vertx.vertx();
      try {
        TailFollower follower = TailFollower.start(store, vertx.getOrCreateContext(), TOPIC, List.of(0),
            StartPosition.EARLIEST, 100).await(WAIT_MS, TimeUnit.MILLISECONDS);
        awaitCondition(follower::paused, "the follower pauses");

        // then: it holds the queue plus what one read-ahead had already fetched, not the partition
        int readAheadEvents = 1024 * 1024 / payload.length + 1;
        assertThat(follower.queuedEvents()).isBetween(100, 100 + readAheadEvents);

        // when: the command thread takes everything
        Set<Long> offsets = new HashSet<>();
        while (offsets.size() < events) {
          TailFollower.Signal signal = follower.take();
          assertThat(signal).isInstanceOf(TailFollower.Event.class);
          offsets.add(((TailFollower.Event) signal).event().offset());
        }

        // then: it resumed and delivered every event once
        assertThat(offsets).hasSize(events);
        follower.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
      } finally {
        vertx.close().await(WAIT_MS, TimeUnit.MILLISECONDS);
      }
    });
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
