package io.cairn.eventstore.internal;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code appendEach} answers and stores exactly what the same requests appended one at a time do (ADR 0011):
 * random lists (matching, stale, ahead and "any" expected versions, resent requests, bad requests, batches
 * that cross {@code max.message.bytes} and segment rolls) go to one store through {@code appendEach} and to
 * another one request at a time; every result, every stored event and every stream version must be equal,
 * also after reopening. Seeded; the seed is in every failure.
 */
class AppendEachEquivalencePropertyTest {

  private static final String TOPIC = "t";
  private static final int AGGREGATES = 12;
  private static final int PARTITIONS = 2;
  private static final int ROUNDS = 60;
  /** Beyond what one round can append to a partition (30 requests of at most 3 events). */
  private static final long FAR_PAST_LOG_END = 1_000;

  @TempDir
  Path workDir;
  private Vertx vertx;
  private EventStore together;
  private EventStore oneByOne;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    together = openStore("together");
    oneByOne = openStore("one-by-one");
    TopicConfig config = new TopicConfig().setPartitions(PARTITIONS).setMaxMessageBytes(2000).setSegmentBytes(4096)
        .setIndexIntervalBytes(256);
    await(together.createTopic(TOPIC, config));
    await(oneByOne.createTopic(TOPIC, config));
  }

  @AfterEach
  void close() {
    await(together.close());
    await(oneByOne.close());
    await(vertx.close());
  }

  private EventStore openStore(String dir) {
    return await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(workDir.resolve(dir))
        .setStreamIndexMemtableEntries(64)));
  }

  @Test
  void appendEachMatchesAppendingOneAtATime() {
    long seed = Long.getLong("cairn.test.seed", System.nanoTime());
    String context = "seed " + seed + " (rerun with -Dcairn.test.seed=" + seed + ")";
    Random random = new Random(seed);
    Map<String, Long> versions = new HashMap<>();
    long[] logEnds = new long[PARTITIONS];
    List<AppendRequest> sent = new ArrayList<>();
    Map<String, Integer> kinds = new HashMap<>();

    for (int round = 0; round < ROUNDS; round++) {
      // given
      List<AppendRequest> requests = new ArrayList<>();
      for (int i = 0, n = 1 + random.nextInt(30); i < n; i++) {
        requests.add(!sent.isEmpty() && random.nextInt(10) == 0
            ? sent.get(random.nextInt(sent.size()))
            : randomRequest(random, versions, logEnds));
      }
      sent.addAll(requests);

      // when
      List<Future<AppendResult>> each = together.appendEach(requests);
      List<Object> expected = new ArrayList<>();
      for (AppendRequest request : requests) {
        expected.add(outcome(oneByOne.append(request)));
      }

      // then
      for (int i = 0; i < requests.size(); i++) {
        Object actual = outcome(each.get(i));
        assertThat(actual).as("%s, round %d, request %d: %s", context, round, i, requests.get(i))
            .isEqualTo(expected.get(i));
        if (actual instanceof AppendResult.Appended appended) {
          versions.merge(requests.get(i).aggregateId(), appended.newVersion(), Math::max);
          logEnds[appended.partition()] = Math.max(logEnds[appended.partition()], appended.lastOffset() + 1);
        }
        kinds.merge(kind(actual), 1, Integer::sum);
      }
    }
    assertThat(kinds).as("%s: outcomes the requests had", context)
        .containsKeys("appended", "duplicate", "conflict", "InvalidInputException expectedVersion",
            "InvalidInputException events[0].type");
    assertSameContents(context);
    await(together.close());
    together = openStore("together");
    assertSameContents(context + ", after reopening");
  }

  /**
   * A request to a random aggregate, with an expected version that matches about half of the time, now and
   * then one near its partition's log end as of the last round (the bound beyond which no stream can have a
   * version), and now and then one far past it. Appends earlier in the same round move the log end, so a
   * version near it may turn out a conflict; the far one is past the bound whatever the round appended, so
   * every seed meets the rule.
   */
  private static AppendRequest randomRequest(Random random, Map<String, Long> versions, long[] logEnds) {
    String aggregateId = "agg-" + random.nextInt(AGGREGATES);
    long current = versions.getOrDefault(aggregateId, 0L);
    long logEnd = logEnds[Partitioner.partitionFor(aggregateId, PARTITIONS)];
    ExpectedVersion expected = switch (random.nextInt(12)) {
      case 11 -> ExpectedVersion.exactly(logEnd + FAR_PAST_LOG_END);
      case 10 -> ExpectedVersion.exactly(Math.max(0, logEnd - 1 + random.nextInt(3)));
      case 0, 1, 2 -> ExpectedVersion.ANY;
      case 3 -> ExpectedVersion.NO_STREAM;
      case 4 -> ExpectedVersion.STREAM_EXISTS;
      case 5 -> ExpectedVersion.exactly(Math.max(0, current - 1 - random.nextInt(2)));
      case 6 -> ExpectedVersion.exactly(current + 1 + random.nextInt(3));
      default -> ExpectedVersion.exactly(current);
    };
    List<EventData> events = new ArrayList<>();
    for (int e = 0, n = 1 + random.nextInt(3); e < n; e++) {
      String type = random.nextInt(40) == 0 ? "" : "E" + random.nextInt(3);
      byte[] payload = ("p-" + "x".repeat(random.nextInt(400))).getBytes(StandardCharsets.UTF_8);
      events.add(new EventData(new UUID(random.nextLong(), random.nextLong()), type, payload, List.of()));
    }
    return AppendRequest.of(TOPIC, aggregateId, expected, events);
  }

  private static String kind(Object outcome) {
    if (outcome instanceof AppendResult.Appended appended) {
      return appended.duplicate() ? "duplicate" : "appended";
    }
    return outcome instanceof AppendResult.VersionConflict ? "conflict" : outcome.toString();
  }

  /** The result, or for a failure its type and (for bad input) the field named. */
  private static Object outcome(Future<AppendResult> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      assertThat(cause).isInstanceOf(CairnException.class);
      return cause.getClass().getSimpleName()
          + (cause instanceof InvalidInputException invalid ? " " + invalid.field() : "");
    }
  }

  private void assertSameContents(String context) {
    for (int p = 0; p < PARTITIONS; p++) {
      List<String> expected = describe(readAll(oneByOne, TOPIC, p));
      assertThat(describe(readAll(together, TOPIC, p))).as("%s: events of partition %d", context, p)
          .isEqualTo(expected);
    }
    for (int a = 0; a < AGGREGATES; a++) {
      String aggregateId = "agg-" + a;
      assertThat(await(together.streamVersion(TOPIC, aggregateId))).as("%s: version of %s", context, aggregateId)
          .isEqualTo(await(oneByOne.streamVersion(TOPIC, aggregateId)));
      assertThat(describe(await(together.readStream(TOPIC, aggregateId, 1, 1000)).events()))
          .as("%s: stream of %s", context, aggregateId)
          .isEqualTo(describe(await(oneByOne.readStream(TOPIC, aggregateId, 1, 1000)).events()));
    }
  }

  /** Everything of the events but their timestamps, which differ between the stores. */
  private static List<String> describe(List<StoredEvent> events) {
    List<String> described = new ArrayList<>(events.size());
    for (StoredEvent event : events) {
      described.add(event.offset() + " " + event.aggregateId() + " v" + event.version() + " " + event.eventId() + " "
          + event.type() + " " + new String(event.payload(), StandardCharsets.UTF_8).length());
    }
    return described;
  }
}
