package io.cairn.eventstore.contract;

import static io.cairn.eventstore.contract.StoreTestSupport.CALL_TIMEOUT;
import static io.cairn.eventstore.contract.StoreTestSupport.appended;
import static io.cairn.eventstore.contract.StoreTestSupport.assertHoldsFor;
import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.awaitClockAfter;
import static io.cairn.eventstore.contract.StoreTestSupport.conflict;
import static io.cairn.eventstore.contract.StoreTestSupport.event;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static io.cairn.eventstore.contract.StoreTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.OutOfOrderSequenceException;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.ProducerFencedException;
import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import io.cairn.eventstore.TopicExistsException;
import io.cairn.eventstore.UnknownTopicException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link EventStore} implementation MUST pass: the local store now, the network
 * client and the cluster later. A subclass supplies {@link #openStore}; each test gets a fresh
 * Vert.x instance, a fresh working directory and a fresh store, and the store is closed afterwards.
 *
 * <p>The suite checks only what the public API promises (its Javadoc and ARCHITECTURE.md section 3);
 * where the API leaves a choice open (such as the exact field name of a bad request) the assertions
 * accept any reasonable answer and say so.
 */
public abstract class EventStoreContractTest {

  /** Largest aggregate id, in UTF-8 bytes (Kafka's key limit for Cairn). */
  protected static final int MAX_AGGREGATE_ID_BYTES = 32_767;
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);
  /** How long a paused subscription is watched to check that it delivers nothing more. */
  private static final Duration QUIET_PERIOD = Duration.ofMillis(300);
  private static final long SEED = 0xCA1B_5EEDL;

  @TempDir
  protected Path workDir;
  protected Vertx vertx;
  protected EventStore store;
  /** Set by tests that close the store themselves, so that it is not closed twice. */
  protected boolean storeClosedByTest;

  /**
   * Opens the store under test. {@code workDir} is a fresh empty directory per test that the
   * implementation may keep its data in. Opening again with the same {@code workDir} after
   * {@link EventStore#close()} MUST reach the same data (the reopen tests rely on it).
   */
  protected abstract Future<EventStore> openStore(Vertx vertx, Path workDir);

  @BeforeEach
  void openFreshStore() {
    vertx = Vertx.vertx();
    store = await(openStore(vertx, workDir));
  }

  @AfterEach
  void closeStore() {
    try {
      if (store != null && !storeClosedByTest) {
        store.close().toCompletionStage().toCompletableFuture().join();
      }
    } finally {
      await(vertx.close());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  /** Creates a topic with default settings and {@code partitions} partitions. */
  protected TopicDescription createTopic(String name, int partitions) {
    return await(store.createTopic(name, new TopicConfig().setPartitions(partitions)));
  }

  /** Appends without an idempotent producer and returns the result, failing the test on a failure. */
  protected AppendResult append(String topic, String aggregateId, ExpectedVersion expected, EventData... events) {
    return await(store.append(AppendRequest.of(topic, aggregateId, expected, List.of(events))));
  }

  /** Appends and asserts that the events were stored. */
  protected AppendResult.Appended appendOk(String topic, String aggregateId, ExpectedVersion expected,
                                           EventData... events) {
    return appended(append(topic, aggregateId, expected, events));
  }

  /** Closes the store and opens it again over the same data. */
  protected void reopen() {
    await(store.close());
    store = await(openStore(vertx, workDir));
  }

  /** Asserts that every partition of {@code topic} is empty (nothing was stored). */
  protected void assertNothingStored(String topic) {
    for (PartitionDescription partition : await(store.describeTopic(topic)).partitions()) {
      assertThat(partition.logEndOffset()).as("log end offset of %s-%d", topic, partition.partition()).isZero();
      assertThat(partition.highWatermark()).as("high watermark of %s-%d", topic, partition.partition()).isZero();
    }
  }

  /** Asserts the call fails with {@link InvalidInputException} whose field contains {@code fieldPart}. */
  protected static InvalidInputException assertInvalid(Supplier<? extends Future<?>> call, String fieldPart) {
    Throwable failure = failureOf(call);
    assertThat(failure).isInstanceOf(InvalidInputException.class);
    InvalidInputException invalid = (InvalidInputException) failure;
    assertThat(invalid.field()).as("field named by: %s", invalid.getMessage()).containsIgnoringCase(fieldPart);
    assertThat(invalid.retryable()).isFalse();
    return invalid;
  }

  /** Asserts the call fails with {@link UnknownTopicException} naming {@code topic}. */
  protected static void assertUnknownTopic(Supplier<? extends Future<?>> call, String topic) {
    Throwable failure = failureOf(call);
    assertThat(failure).isInstanceOf(UnknownTopicException.class);
    assertThat(failure.getMessage()).contains(topic);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Long> offsets(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::offset).collect(Collectors.toList());
  }

  private static List<Long> versions(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::version).collect(Collectors.toList());
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    List<Long> values = new ArrayList<>();
    for (long v = fromInclusive; v <= toInclusive; v++) {
      values.add(v);
    }
    return values;
  }

  /** Collects what a subscription delivers; handlers may run on any thread. */
  protected static final class Collector {
    final List<StoredEvent> events = new CopyOnWriteArrayList<>();
    final AtomicBoolean ended = new AtomicBoolean();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final ReadStream<StoredEvent> stream;

    Collector(ReadStream<StoredEvent> stream, boolean startPaused) {
      this.stream = stream;
      stream.exceptionHandler(failure::set);
      stream.endHandler(v -> ended.set(true));
      if (startPaused) {
        stream.pause();
      }
      stream.handler(events::add);
    }

    void awaitCount(int count) {
      pollUntil(() -> events.size() >= count || failure.get() != null, DELIVERY_TIMEOUT,
          count + " events from the subscription (have " + events.size() + ")");
      assertThat(failure.get()).as("subscription failure").isNull();
      assertThat(events).as("delivered events").hasSize(count);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Topics {

    @Test
    void createdTopicIsListedAndDescribedWithEmptyPartitions() {
      // given
      TopicConfig config = new TopicConfig().setPartitions(3).setSegmentBytes(64 * 1024)
          .setMaxMessageBytes(10_000);

      // when
      TopicDescription created = await(store.createTopic("bank.account", config));

      // then
      TopicDescription described = await(store.describeTopic("bank.account"));
      for (TopicDescription description : List.of(created, described)) {
        assertThat(description.name()).isEqualTo("bank.account");
        assertThat(description.config()).isEqualTo(config);
        assertThat(description.partitions()).extracting(PartitionDescription::partition).containsExactly(0, 1, 2);
        assertThat(description.partitions()).allSatisfy(p -> {
          assertThat(p.logStartOffset()).isZero();
          assertThat(p.highWatermark()).isZero();
          assertThat(p.logEndOffset()).isZero();
          assertThat(p.readOnly()).isFalse();
        });
      }
      assertThat(await(store.listTopics())).containsExactly("bank.account");
    }

    @Test
    void listTopicsIsSortedByName() {
      // given
      for (String name : List.of("zeta", "alpha", "mid.topic", "Beta_2")) {
        createTopic(name, 1);
      }

      // when
      List<String> names = await(store.listTopics());

      // then
      assertThat(names).containsExactly("Beta_2", "alpha", "mid.topic", "zeta");
    }

    @Test
    void creatingATopicTwiceFailsWithTopicExistsAndKeepsTheFirst() {
      // given
      createTopic("orders", 2);
      appendOk("orders", "o-1", ExpectedVersion.NO_STREAM, event("Placed", "{}"));

      // when
      Throwable failure = failureOf(() -> store.createTopic("orders", new TopicConfig().setPartitions(5)));

      // then
      assertThat(failure).isInstanceOf(TopicExistsException.class).hasMessageContaining("orders");
      TopicDescription description = await(store.describeTopic("orders"));
      assertThat(description.config().partitions()).isEqualTo(2);
      assertThat(await(store.streamVersion("orders", "o-1"))).isEqualTo(1L);
    }

    @Test
    void deletedTopicDisappearsAndItsNameCanBeReusedEmpty() {
      // given
      createTopic("carts", 2);
      createTopic("other", 1);
      appendOk("carts", "c-1", ExpectedVersion.NO_STREAM, event("Created", "{}"));

      // when
      await(store.deleteTopic("carts"));

      // then
      assertThat(await(store.listTopics())).containsExactly("other");
      assertUnknownTopic(() -> store.describeTopic("carts"), "carts");
      assertUnknownTopic(() -> store.append(AppendRequest.of("carts", "c-1", ExpectedVersion.ANY,
          List.of(event("X", "{}")))), "carts");
      createTopic("carts", 1);
      assertNothingStored("carts");
      assertThat(await(store.streamVersion("carts", "c-1"))).isZero();
    }

    @Test
    void deletingAnUnknownTopicFails() {
      assertUnknownTopic(() -> store.deleteTopic("never-created"), "never-created");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "has space", "slash/name", "back\\slash", "colon:name", "ümlaut",
        "../escape"})
    void invalidTopicNamesAreRejectedNamingTheTopic(String name) {
      // when
      Throwable failure = failureOf(() -> store.createTopic(name, new TopicConfig()));

      // then
      assertThat(failure).isInstanceOf(InvalidInputException.class);
      assertThat(((InvalidInputException) failure).field()).matches("(?i).*(topic|name).*");
      assertThat(await(store.listTopics())).isEmpty();
    }

    @Test
    void overlongTopicNameIsRejected() {
      String name = "t".repeat(250);
      Throwable failure = failureOf(() -> store.createTopic(name, new TopicConfig()));
      assertThat(failure).isInstanceOf(InvalidInputException.class);
      assertThat(await(store.listTopics())).isEmpty();
    }

    @Test
    void topicNamesWithDotsDashesAndUnderscoresAreAccepted() {
      createTopic("bank.account_v2-x", 1);
      assertThat(await(store.listTopics())).containsExactly("bank.account_v2-x");
    }

    @Test
    void configValidationErrorsNameTheSettingAndTheValue() {
      assertThatThrownBy(() -> new TopicConfig().setSegmentBytes(100))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo(TopicConfig.SEGMENT_BYTES))
          .hasMessageContaining("100");
      assertThatThrownBy(() -> new TopicConfig().setPartitions(0))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo(TopicConfig.PARTITIONS));
      assertThatThrownBy(() -> TopicConfig.fromMap(Map.of(TopicConfig.MAX_MESSAGE_BYTES, "lots")))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo(TopicConfig.MAX_MESSAGE_BYTES))
          .hasMessageContaining("lots");
      assertThatThrownBy(() -> TopicConfig.fromMap(Map.of("retention.mss", "1")))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("retention.mss"));
      assertThatThrownBy(() -> TopicConfig.fromMap(Map.of(TopicConfig.CLEANUP_POLICY, "shred")))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo(TopicConfig.CLEANUP_POLICY));
      assertThatThrownBy(() -> TopicConfig.fromMap(Map.of(TopicConfig.COMPRESSION_TYPE, "brotli")))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo(TopicConfig.COMPRESSION_TYPE));
      assertThatThrownBy(() -> new TopicConfig().setRetentionMs(-2))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo(TopicConfig.RETENTION_MS));
    }

    @Test
    void configGivenAsKafkaStyleMapIsKeptByTheStore() {
      // given
      TopicConfig config = TopicConfig.fromMap(Map.of(TopicConfig.PARTITIONS, "4",
          TopicConfig.CLEANUP_POLICY, "compact", TopicConfig.COMPRESSION_TYPE, "lz4",
          TopicConfig.RETENTION_MS, "86400000"));

      // when
      await(store.createTopic("snapshots", config));

      // then
      assertThat(await(store.describeTopic("snapshots")).config().toMap()).isEqualTo(config.toMap());
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Appends {

    @BeforeEach
    void topic() {
      createTopic("acc", 1);
    }

    @Test
    void firstAppendWithNoStreamStartsAtVersionOneAndOffsetZero() {
      // when
      AppendResult.Appended result = appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));

      // then
      assertThat(result).isEqualTo(new AppendResult.Appended(0, 0, 0, 1, 1, false));
      assertThat(await(store.streamVersion("acc", "a-1"))).isEqualTo(1L);
    }

    @Test
    void appendWithAnySucceedsWhateverTheVersion() {
      // when
      AppendResult.Appended first = appendOk("acc", "a-1", ExpectedVersion.ANY, event("Opened", "{}"));
      AppendResult.Appended second = appendOk("acc", "a-1", ExpectedVersion.ANY, event("Deposited", "{}"));

      // then
      assertThat(first.newVersion()).isEqualTo(1);
      assertThat(second.firstVersion()).isEqualTo(2);
      assertThat(second.newVersion()).isEqualTo(2);
      assertThat(second.firstOffset()).isEqualTo(1);
    }

    @Test
    void noStreamOnAnExistingStreamIsAConflictCarryingTheActualVersion() {
      // given
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"), event("Deposited", "{}"));

      // when
      AppendResult.VersionConflict result = conflict(append("acc", "a-1", ExpectedVersion.NO_STREAM,
          event("Opened", "{}")));

      // then
      assertThat(result.partition()).isZero();
      assertThat(result.expected()).isEqualTo(ExpectedVersion.NO_STREAM);
      assertThat(result.actualVersion()).isEqualTo(2);
      assertThat(await(store.describeTopic("acc")).partitions().get(0).logEndOffset()).isEqualTo(2);
    }

    @Test
    void streamExistsOnANewStreamIsAConflictAtVersionZero() {
      // when
      AppendResult.VersionConflict result = conflict(append("acc", "a-1", ExpectedVersion.STREAM_EXISTS,
          event("Deposited", "{}")));

      // then
      assertThat(result.actualVersion()).isZero();
      assertThat(result.expected()).isEqualTo(ExpectedVersion.STREAM_EXISTS);
      assertNothingStored("acc");
    }

    @Test
    void streamExistsOnAnExistingStreamAppends() {
      // given
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));

      // when
      AppendResult.Appended result = appendOk("acc", "a-1", ExpectedVersion.STREAM_EXISTS, event("Deposited", "{}"));

      // then
      assertThat(result.firstVersion()).isEqualTo(2);
      assertThat(result.newVersion()).isEqualTo(2);
    }

    @Test
    void exactVersionAppendsWhenItMatchesAndConflictsWhenStaleOrAhead() {
      // given: a stream at version 2 in a partition that holds 10 records
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));
      appendOk("acc", "a-1", ExpectedVersion.exactly(1), event("Deposited", "{}"));
      for (int i = 0; i < 8; i++) {
        appendOk("acc", "filler", ExpectedVersion.ANY, event("Filler", "{}"));
      }

      // when
      AppendResult stale = append("acc", "a-1", ExpectedVersion.exactly(1), event("Withdrawn", "{}"));
      AppendResult ahead = append("acc", "a-1", ExpectedVersion.exactly(7), event("Withdrawn", "{}"));
      AppendResult.Appended matching = appendOk("acc", "a-1", ExpectedVersion.exactly(2), event("Withdrawn", "{}"));

      // then
      assertThat(conflict(stale).actualVersion()).isEqualTo(2);
      assertThat(conflict(stale).expected()).isEqualTo(ExpectedVersion.exactly(1));
      assertThat(conflict(ahead).actualVersion()).isEqualTo(2);
      assertThat(matching).isEqualTo(new AppendResult.Appended(0, 10, 10, 3, 3, false));
      assertThat(versions(await(store.readStream("acc", "a-1", 1, 10)).events())).containsExactly(1L, 2L, 3L);
    }

    @Test
    void expectedVersionNoStreamCouldHaveIsAConflictOrInvalidAndStoresNothing() {
      // given
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));

      // when: more versions than the partition ever had records (the API allows either answer)
      Future<AppendResult> absurd = store.append(AppendRequest.of("acc", "a-1",
          ExpectedVersion.exactly(Long.MAX_VALUE), List.of(event("Withdrawn", "{}"))));
      AppendResult outcome = absurd.toCompletionStage().toCompletableFuture().handle((r, e) -> r).join();

      // then
      if (outcome == null) {
        assertThat(failureOf(() -> absurd)).isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("expectedVersion"));
      } else {
        assertThat(conflict(outcome).actualVersion()).isEqualTo(1);
      }
      assertThat(readAll(store, "acc", 0)).hasSize(1);
    }

    @Test
    void versionsArePerAggregateWhileOffsetsArePerPartition() {
      // when
      AppendResult.Appended a1 = appendOk("acc", "a", ExpectedVersion.NO_STREAM, event("E", "1"));
      AppendResult.Appended b1 = appendOk("acc", "b", ExpectedVersion.NO_STREAM, event("E", "1"));
      AppendResult.Appended a2 = appendOk("acc", "a", ExpectedVersion.exactly(1), event("E", "2"));

      // then
      assertThat(List.of(a1.firstOffset(), b1.firstOffset(), a2.firstOffset())).containsExactly(0L, 1L, 2L);
      assertThat(List.of(a1.newVersion(), b1.newVersion(), a2.newVersion())).containsExactly(1L, 1L, 2L);
    }

    @Test
    void severalEventsInOneAppendGetDenseOffsetsAndVersionsAndAreReadBackTogether() {
      // given
      appendOk("acc", "other", ExpectedVersion.NO_STREAM, event("E", "x"));
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));
      UUID id1 = UUID.randomUUID();
      UUID id2 = UUID.randomUUID();
      UUID id3 = UUID.randomUUID();
      List<Header> headers = List.of(Header.of("correlation-id", "corr-7"), new Header("no-value", null),
          Header.of("content-type", "application/json"));

      // when
      AppendResult.Appended result = appendOk("acc", "a-1", ExpectedVersion.exactly(1),
          new EventData(id1, "Deposited", utf8("{\"amount\":1}"), headers),
          new EventData(id2, "Deposited", utf8("{\"amount\":2}"), List.of()),
          new EventData(id3, "Withdrawn", new byte[0], List.of()));

      // then
      assertThat(result).isEqualTo(new AppendResult.Appended(0, 2, 4, 2, 4, false));
      ReadResult smallest = await(store.read("acc", 0, 2, 1));
      List<StoredEvent> batch = smallest.events().stream().filter(e -> e.offset() >= 2).collect(Collectors.toList());
      assertThat(offsets(batch)).as("one batch is returned whole even when maxBytes is 1").containsExactly(2L, 3L, 4L);
      assertThat(smallest.nextOffset()).isEqualTo(5);
      assertThat(versions(batch)).containsExactly(2L, 3L, 4L);
      assertThat(batch).extracting(StoredEvent::eventId).containsExactly(id1, id2, id3);
      assertThat(batch).extracting(StoredEvent::type).containsExactly("Deposited", "Deposited", "Withdrawn");
      assertThat(batch).extracting(StoredEvent::aggregateId).containsOnly("a-1");
      assertThat(batch).extracting(StoredEvent::topic).containsOnly("acc");
      assertThat(batch).extracting(StoredEvent::partition).containsOnly(0);
      assertThat(new String(batch.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"amount\":1}");
      assertThat(batch.get(2).payload()).isEmpty();
      assertThat(batch.get(0).headers()).as("user headers, reserved cairn.* headers removed").isEqualTo(headers);
      assertThat(batch.get(1).headers()).isEmpty();
    }

    @Test
    void appendTimestampIsTheWallClockOfTheAppend() {
      // given
      long before = System.currentTimeMillis();

      // when
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));
      long after = System.currentTimeMillis();

      // then
      assertThat(readAll(store, "acc", 0).get(0).timestamp()).isBetween(before, after);
    }

    @Test
    void conflictingAppendStoresNothing() {
      // given
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));

      // when
      conflict(append("acc", "a-1", ExpectedVersion.NO_STREAM, event("Lost", "{}"), event("Lost", "{}")));

      // then
      assertThat(readAll(store, "acc", 0)).hasSize(1);
      assertThat(await(store.streamVersion("acc", "a-1"))).isEqualTo(1L);
      AppendResult.Appended next = appendOk("acc", "a-1", ExpectedVersion.exactly(1), event("Deposited", "{}"));
      assertThat(next.firstOffset()).isEqualTo(1);
    }

    @Test
    void concurrentAppendsWithTheSameExpectedVersionLetExactlyOneWin() throws Exception {
      // given
      int writers = 16;
      ExecutorService pool = Executors.newFixedThreadPool(4);
      CountDownLatch start = new CountDownLatch(1);
      List<java.util.concurrent.Future<AppendResult>> results = new ArrayList<>();

      // when
      try {
        for (int w = 0; w < writers; w++) {
          int writer = w;
          results.add(pool.submit(() -> {
            start.await();
            return append("acc", "contended", ExpectedVersion.NO_STREAM, event("Opened", "writer-" + writer));
          }));
        }
        start.countDown();
        List<AppendResult> outcomes = new ArrayList<>();
        for (java.util.concurrent.Future<AppendResult> result : results) {
          outcomes.add(result.get(StoreTestSupport.CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }

        // then
        assertThat(outcomes).filteredOn(r -> r instanceof AppendResult.Appended).hasSize(1);
        assertThat(outcomes).filteredOn(r -> r instanceof AppendResult.VersionConflict)
            .hasSize(writers - 1)
            .allSatisfy(r -> assertThat(((AppendResult.VersionConflict) r).actualVersion()).isEqualTo(1));
        assertThat(readAll(store, "acc", 0)).hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void appendsIssuedWithoutWaitingAreCheckedInCallOrder() {
      // given
      int count = 50;
      List<Future<AppendResult>> pending = new ArrayList<>();

      // when: each append expects the version the previous one will create
      for (int i = 0; i < count; i++) {
        pending.add(store.append(AppendRequest.of("acc", "pipelined", ExpectedVersion.exactly(i),
            List.of(event("E", Integer.toString(i))))));
      }

      // then
      for (int i = 0; i < count; i++) {
        AppendResult.Appended result = appended(await(pending.get(i)));
        assertThat(result.newVersion()).as("append %d", i).isEqualTo(i + 1);
        assertThat(result.firstOffset()).as("append %d", i).isEqualTo(i);
      }
      assertThat(versions(await(store.readStream("acc", "pipelined", 1, count)).events())).isEqualTo(range(1, count));
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void everyCompressionCodecRoundTripsEvents(CompressionType compression) {
      // given
      await(store.createTopic("c-" + compression.configName(),
          new TopicConfig().setCompressionType(compression)));
      String topic = "c-" + compression.configName();
      byte[] compressible = utf8("{\"text\":\"" + "abc".repeat(300) + "\"}");
      EventData first = new EventData(UUID.randomUUID(), "Compressible", compressible,
          List.of(Header.of("h", "v")));
      EventData second = EventData.of("Empty", new byte[0]);

      // when
      appendOk(topic, "x", ExpectedVersion.NO_STREAM, first, second);

      // then
      List<StoredEvent> read = readAll(store, topic, 0);
      assertThat(read).hasSize(2);
      assertThat(read.get(0).payload()).isEqualTo(compressible);
      assertThat(read.get(0).headers()).containsExactly(Header.of("h", "v"));
      assertThat(read.get(1).payload()).isEmpty();
      assertThat(read).extracting(StoredEvent::eventId).containsExactly(first.eventId(), second.eventId());
      StreamSlice slice = await(store.readStream(topic, "x", 2, 10));
      assertThat(slice.events()).extracting(StoredEvent::type).containsExactly("Empty");
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class AppendEach {

    private AppendRequest request(String topic, String aggregateId, ExpectedVersion expected, EventData... events) {
      return AppendRequest.of(topic, aggregateId, expected, List.of(events));
    }

    private List<AppendResult> awaitAll(List<Future<AppendResult>> futures) {
      return futures.stream().map(StoreTestSupport::await).collect(Collectors.toList());
    }

    @Test
    void eachRequestGetsItsOwnResultInListOrderAndSeesTheEarlierOnesOfItsAggregate() {
      // given
      createTopic("acc", 1);
      appendOk("acc", "c-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));

      // when
      List<AppendResult> results = awaitAll(store.appendEach(List.of(
          request("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "a"), event("Deposited", "a")),
          request("acc", "b-1", ExpectedVersion.NO_STREAM, event("Opened", "b")),
          request("acc", "a-1", ExpectedVersion.exactly(2), event("Withdrawn", "a")),
          request("acc", "c-1", ExpectedVersion.exactly(5), event("Closed", "c")),
          request("acc", "d-1", ExpectedVersion.ANY, event("Opened", "d")))));

      // then
      assertThat(results.get(0)).isEqualTo(new AppendResult.Appended(0, 1, 2, 1, 2, false));
      assertThat(results.get(1)).isEqualTo(new AppendResult.Appended(0, 3, 3, 1, 1, false));
      assertThat(results.get(2)).as("sees the first request's two events")
          .isEqualTo(new AppendResult.Appended(0, 4, 4, 3, 3, false));
      assertThat(conflict(results.get(3)).actualVersion()).isEqualTo(1);
      assertThat(results.get(4)).isEqualTo(new AppendResult.Appended(0, 5, 5, 1, 1, false));
      assertThat(versions(await(store.readStream("acc", "a-1", 1, 10)).events())).containsExactly(1L, 2L, 3L);
      assertThat(readAll(store, "acc", 0)).extracting(StoredEvent::aggregateId)
          .containsExactly("c-1", "a-1", "a-1", "b-1", "a-1", "d-1");
      assertThat(await(store.streamVersion("acc", "c-1"))).isEqualTo(1L);
    }

    @Test
    void requestsGoToTheirOwnTopicsAndPartitions() {
      // given
      createTopic("acc", 4);
      createTopic("audit", 2);
      List<AppendRequest> requests = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        requests.add(request(i % 3 == 0 ? "audit" : "acc", "agg-" + i, ExpectedVersion.NO_STREAM,
            event("Opened", "p-" + i)));
      }

      // when
      List<AppendResult> results = awaitAll(store.appendEach(requests));

      // then
      for (int i = 0; i < requests.size(); i++) {
        AppendRequest request = requests.get(i);
        int partitions = request.topic().equals("acc") ? 4 : 2;
        AppendResult.Appended result = appended(results.get(i));
        assertThat(result.partition()).as("partition of %s", request.aggregateId())
            .isEqualTo(Partitioner.partitionFor(utf8(request.aggregateId()), partitions));
        assertThat(result.newVersion()).isEqualTo(1);
        StreamSlice slice = await(store.readStream(request.topic(), request.aggregateId(), 1, 10));
        assertThat(slice.events()).extracting(StoredEvent::eventId).containsExactly(request.events().get(0).eventId());
      }
    }

    @Test
    void aBadRequestFailsOnlyItsOwnFuture() {
      // given
      createTopic("acc", 1);
      List<AppendRequest> requests = new ArrayList<>();
      requests.add(request("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}")));
      requests.add(null);
      requests.add(request("nope", "a-1", ExpectedVersion.ANY, event("Opened", "{}")));
      requests.add(request("acc", "a-2", ExpectedVersion.ANY, event("", "{}")));
      requests.add(request("acc", "a-3", ExpectedVersion.NO_STREAM, event("Opened", "{}")));

      // when
      List<Future<AppendResult>> futures = store.appendEach(requests);

      // then
      assertThat(futures).hasSize(5);
      assertThat(appended(await(futures.get(0))).firstOffset()).isZero();
      assertInvalid(() -> futures.get(1), "requests[1]");
      assertUnknownTopic(() -> futures.get(2), "nope");
      assertInvalid(() -> futures.get(3), "events[0].type");
      assertThat(appended(await(futures.get(4))).firstOffset()).isEqualTo(1);
      assertThat(readAll(store, "acc", 0)).extracting(StoredEvent::aggregateId).containsExactly("a-1", "a-3");
      assertThatThrownBy(() -> store.appendEach(null)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("requests");
    }

    @Test
    void aResentListIsAnsweredWithTheOriginalResultsMarkedDuplicate() {
      // given
      createTopic("acc", 1);
      List<AppendRequest> requests = List.of(
          request("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}")),
          request("acc", "a-2", ExpectedVersion.NO_STREAM, event("Opened", "{}"), event("Deposited", "{}")));
      List<AppendResult> original = awaitAll(store.appendEach(requests));

      // when
      List<AppendResult> resent = awaitAll(store.appendEach(requests));

      // then
      for (int i = 0; i < requests.size(); i++) {
        AppendResult.Appended first = appended(original.get(i));
        assertThat(resent.get(i)).isEqualTo(new AppendResult.Appended(first.partition(), first.firstOffset(),
            first.lastOffset(), first.firstVersion(), first.newVersion(), true));
      }
      assertThat(readAll(store, "acc", 0)).hasSize(3);
    }

    @Test
    void anIdempotentProducersRequestsKeepTheirSequencesWithinOneCall() {
      // given
      createTopic("acc", 1);
      ProducerId producer = await(store.initProducerId());
      AppendRequest first = new AppendRequest("acc", "a-1", ExpectedVersion.ANY, List.of(event("E", "0")),
          new ProducerInfo(producer.id(), producer.epoch(), 0));
      AppendRequest second = new AppendRequest("acc", "a-2", ExpectedVersion.ANY,
          List.of(event("E", "1"), event("E", "2")), new ProducerInfo(producer.id(), producer.epoch(), 1));

      // when: the second is in the same call as the first, then the first is resent in the same call as a third
      List<AppendResult> results = awaitAll(store.appendEach(List.of(first, second,
          request("acc", "a-3", ExpectedVersion.ANY, event("E", "plain")))));
      List<AppendResult> retried = awaitAll(store.appendEach(List.of(first,
          new AppendRequest("acc", "a-1", ExpectedVersion.ANY, List.of(event("E", "3")),
              new ProducerInfo(producer.id(), producer.epoch(), 3)))));

      // then
      assertThat(results.get(0)).isEqualTo(new AppendResult.Appended(0, 0, 0, 1, 1, false));
      assertThat(results.get(1)).isEqualTo(new AppendResult.Appended(0, 1, 2, 1, 2, false));
      assertThat(results.get(2)).isEqualTo(new AppendResult.Appended(0, 3, 3, 1, 1, false));
      assertThat(retried.get(0)).isEqualTo(new AppendResult.Appended(0, 0, 0, 1, 1, true));
      assertThat(retried.get(1)).isEqualTo(new AppendResult.Appended(0, 4, 4, 2, 2, false));
      assertThat(readAll(store, "acc", 0)).hasSize(5);
    }

    @Test
    void anAppendFromAResultListenerIsStoredAfterTheList() {
      // given: page-cache results may complete on the store's own thread, inside the call's handling
      await(store.createTopic("acc", new TopicConfig().setFlushMode(FlushMode.PAGE_CACHE)));
      AtomicReference<Future<AppendResult>> fromListener = new AtomicReference<>();
      CountDownLatch appendedFromListener = new CountDownLatch(1);

      // when
      List<Future<AppendResult>> futures = store.appendEach(List.of(
          request("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}")),
          request("acc", "a-2", ExpectedVersion.NO_STREAM, event("Opened", "{}"))));
      futures.get(0).onSuccess(result -> {
        fromListener.set(store.append(request("acc", "a-1", ExpectedVersion.exactly(1), event("Deposited", "{}"))));
        appendedFromListener.countDown();
      });
      List<AppendResult> results = awaitAll(futures);

      // then
      pollUntil(() -> appendedFromListener.getCount() == 0, CALL_TIMEOUT, "the listener's append");
      assertThat(appended(await(fromListener.get()))).isEqualTo(new AppendResult.Appended(0, 2, 2, 2, 2, false));
      assertThat(results).extracting(result -> appended(result).firstOffset()).containsExactly(0L, 1L);
      assertThat(readAll(store, "acc", 0)).extracting(StoredEvent::aggregateId).containsExactly("a-1", "a-2", "a-1");
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class EventIdIdempotence {

    @BeforeEach
    void topic() {
      createTopic("acc", 1);
    }

    @Test
    void retryWithTheSameEventIdsReturnsTheOriginalResultAsDuplicate() {
      // given
      AppendRequest request = AppendRequest.of("acc", "a-1", ExpectedVersion.NO_STREAM,
          List.of(event("Opened", "{}"), event("Deposited", "{}")));
      AppendResult.Appended original = appended(await(store.append(request)));
      appendOk("acc", "b-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));

      // when
      AppendResult.Appended retry = appended(await(store.append(request)));

      // then
      assertThat(original.duplicate()).isFalse();
      assertThat(retry).isEqualTo(new AppendResult.Appended(original.partition(), original.firstOffset(),
          original.lastOffset(), original.firstVersion(), original.newVersion(), true));
      assertThat(readAll(store, "acc", 0)).hasSize(3);
      assertThat(await(store.streamVersion("acc", "a-1"))).isEqualTo(2L);
    }

    @Test
    void retryAfterAnExactVersionIsRecognised() {
      // given
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"));
      AppendRequest request = AppendRequest.of("acc", "a-1", ExpectedVersion.exactly(1),
          List.of(event("Deposited", "{}")));
      AppendResult.Appended original = appended(await(store.append(request)));

      // when
      AppendResult.Appended retry = appended(await(store.append(request)));

      // then
      assertThat(retry.duplicate()).isTrue();
      assertThat(retry.firstOffset()).isEqualTo(original.firstOffset());
      assertThat(retry.newVersion()).isEqualTo(2);
      assertThat(readAll(store, "acc", 0)).hasSize(2);
    }

    @Test
    void differentEventIdsAfterTheExpectedVersionAreAConflict() {
      // given
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"), event("Deposited", "{}"));

      // when
      AppendResult result = append("acc", "a-1", ExpectedVersion.NO_STREAM, event("Opened", "{}"),
          event("Deposited", "{}"));

      // then
      assertThat(conflict(result).actualVersion()).isEqualTo(2);
      assertThat(readAll(store, "acc", 0)).hasSize(2);
    }

    @Test
    void retryIsRecognisedAfterTheStreamMovedOn() {
      // given
      AppendRequest request = AppendRequest.of("acc", "a-1", ExpectedVersion.NO_STREAM,
          List.of(event("Opened", "{}"), event("Deposited", "{}")));
      AppendResult.Appended original = appended(await(store.append(request)));
      appendOk("acc", "a-1", ExpectedVersion.exactly(2), event("Withdrawn", "{}"));

      // when
      AppendResult.Appended retry = appended(await(store.append(request)));

      // then: the events right after the expected version carry the request's ids
      assertThat(retry).isEqualTo(new AppendResult.Appended(0, original.firstOffset(), original.lastOffset(),
          original.firstVersion(), original.newVersion(), true));
      assertThat(readAll(store, "acc", 0)).hasSize(3);
    }

    @Test
    void eventIdsThatDoNotMatchTheEventsAfterTheExpectedVersionAreAConflict() {
      // given
      EventData opened = event("Opened", "{}");
      EventData deposited = event("Deposited", "{}");
      appendOk("acc", "a-1", ExpectedVersion.NO_STREAM, opened, deposited);

      // when
      AppendResult oneNew = append("acc", "a-1", ExpectedVersion.NO_STREAM, opened, event("Other", "{}"));
      AppendResult swapped = append("acc", "a-1", ExpectedVersion.NO_STREAM, deposited, opened);
      AppendResult shifted = append("acc", "a-1", ExpectedVersion.exactly(1), opened);
      AppendResult tooMany = append("acc", "a-1", ExpectedVersion.NO_STREAM, opened, deposited,
          event("Third", "{}"));

      // then
      assertThat(conflict(oneNew).actualVersion()).isEqualTo(2);
      assertThat(conflict(swapped).actualVersion()).isEqualTo(2);
      assertThat(conflict(shifted).actualVersion()).isEqualTo(2);
      assertThat(conflict(tooMany).actualVersion()).isEqualTo(2);
      assertThat(readAll(store, "acc", 0)).hasSize(2);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class IdempotentProducer {

    private static final long PRODUCER_ID = 4242;

    @BeforeEach
    void topic() {
      createTopic("acc", 1);
    }

    private AppendRequest request(String aggregateId, ExpectedVersion expected, short epoch, int sequence,
                                  int events) {
      List<EventData> list = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        list.add(event("E", "seq-" + (sequence + i)));
      }
      return new AppendRequest("acc", aggregateId, expected, list, new ProducerInfo(PRODUCER_ID, epoch, sequence));
    }

    @Test
    void sameProducerSequenceIsAnsweredWithTheOriginalResult() {
      // given
      AppendRequest first = request("a-1", ExpectedVersion.NO_STREAM, (short) 0, 0, 2);
      AppendResult.Appended original = appended(await(store.append(first)));
      appendOk("acc", "a-1", ExpectedVersion.exactly(2), event("Other", "{}"));

      // when
      AppendResult retry = await(store.append(first));

      // then
      assertThat(retry).as("a producer retry is not a version conflict").isEqualTo(
          new AppendResult.Appended(0, original.firstOffset(), original.lastOffset(), original.firstVersion(),
              original.newVersion(), true));
      assertThat(readAll(store, "acc", 0)).hasSize(3);
    }

    @Test
    void sequencesRunAcrossAggregatesOfOnePartitionAndOlderBatchesAreStillRecognised() {
      // given
      AppendRequest a = request("a", ExpectedVersion.NO_STREAM, (short) 0, 0, 1);
      AppendRequest b = request("b", ExpectedVersion.NO_STREAM, (short) 0, 1, 2);
      AppendRequest c = request("c", ExpectedVersion.ANY, (short) 0, 3, 1);
      AppendResult.Appended ra = appended(await(store.append(a)));
      AppendResult.Appended rb = appended(await(store.append(b)));
      AppendResult.Appended rc = appended(await(store.append(c)));

      // when
      AppendResult.Appended retryB = appended(await(store.append(b)));
      AppendResult.Appended retryA = appended(await(store.append(a)));

      // then
      assertThat(List.of(ra.firstOffset(), rb.firstOffset(), rc.firstOffset())).containsExactly(0L, 1L, 3L);
      assertThat(retryB.duplicate()).isTrue();
      assertThat(retryB.firstOffset()).isEqualTo(1);
      assertThat(retryB.lastOffset()).isEqualTo(2);
      assertThat(retryA.duplicate()).isTrue();
      assertThat(retryA.firstOffset()).isZero();
      assertThat(readAll(store, "acc", 0)).hasSize(4);
    }

    @Test
    void outOfOrderSequenceIsAClearErrorAndStoresNothing() {
      // given
      await(store.append(request("a", ExpectedVersion.NO_STREAM, (short) 0, 0, 2)));

      // when: the next sequence is 2, 9 leaves a gap
      Throwable failure = failureOf(() -> store.append(request("a", ExpectedVersion.ANY, (short) 0, 9, 1)));

      // then
      assertThat(failure).isInstanceOf(CairnException.class);
      assertThat(failure.getMessage()).containsIgnoringCase("sequence").contains("9");
      assertThat(readAll(store, "acc", 0)).hasSize(2);
      assertThat(appended(await(store.append(request("a", ExpectedVersion.ANY, (short) 0, 2, 1)))).firstOffset())
          .isEqualTo(2);
    }

    @Test
    void olderEpochIsFencedAndNewerEpochStartsAfresh() {
      // given
      await(store.append(request("a", ExpectedVersion.NO_STREAM, (short) 3, 0, 1)));

      // when
      Throwable fenced = failureOf(() -> store.append(request("a", ExpectedVersion.ANY, (short) 2, 1, 1)));
      AppendResult.Appended newer = appended(await(store.append(
          request("a", ExpectedVersion.ANY, (short) 4, 0, 1))));

      // then
      assertThat(fenced).isInstanceOf(CairnException.class);
      assertThat(fenced.getMessage()).containsIgnoringCase("epoch");
      assertThat(newer.duplicate()).isFalse();
      assertThat(newer.firstOffset()).isEqualTo(1);
      assertThat(readAll(store, "acc", 0)).hasSize(2);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Partitioning {

    @Test
    void aggregatesLandInTheKafkaDefaultPartition() {
      // given
      createTopic("p6", 6);
      Map<String, Integer> kafkaVectors = Map.of("a", 4, "ab", 2, "abc", 3, "abcd", 2, "21", 0, "foobar", 0,
          "order-42", 0, "customer-1001", 1, "ключ", 2, "日本", 3);

      // when / then
      kafkaVectors.forEach((key, partition) -> {
        AppendResult.Appended result = appendOk("p6", key, ExpectedVersion.NO_STREAM, event("E", key));
        assertThat(result.partition()).as("partition of %s", key).isEqualTo(partition)
            .isEqualTo(Partitioner.partitionFor(key, 6));
      });
      for (int i = 0; i < 50; i++) {
        String key = "agg-" + i;
        assertThat(appendOk("p6", key, ExpectedVersion.NO_STREAM, event("E", key)).partition())
            .as("partition of %s", key).isEqualTo(Partitioner.partitionFor(key, 6));
      }
      for (int partition = 0; partition < 6; partition++) {
        for (StoredEvent stored : readAll(store, "p6", partition)) {
          assertThat(Partitioner.partitionFor(stored.aggregateId(), 6)).isEqualTo(partition);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Reads {

    @BeforeEach
    void topic() {
      createTopic("log", 2);
    }

    private int partitionOf(String aggregateId) {
      return Partitioner.partitionFor(aggregateId, 2);
    }

    @Test
    void readPagesThroughAPartitionByMaxBytesInOffsetOrder() {
      // given
      String aggregate = "reader";
      int partition = partitionOf(aggregate);
      for (int i = 1; i <= 20; i++) {
        appendOk("log", aggregate, ExpectedVersion.exactly(i - 1), event("E", "payload-" + "x".repeat(100) + i));
      }

      // when
      ReadResult everything = await(store.read("log", partition, 0, 1 << 20));
      ReadResult one = await(store.read("log", partition, 0, 1));
      List<StoredEvent> paged = new ArrayList<>();
      long next = 0;
      int pages = 0;
      while (true) {
        ReadResult page = await(store.read("log", partition, next, 600));
        if (page.events().isEmpty()) {
          break;
        }
        paged.addAll(page.events());
        next = page.nextOffset();
        pages++;
      }

      // then
      assertThat(offsets(everything.events())).isEqualTo(range(0, 19));
      assertThat(everything.nextOffset()).isEqualTo(20);
      assertThat(everything.highWatermark()).isEqualTo(20);
      assertThat(everything.logStartOffset()).isZero();
      assertThat(offsets(one.events())).as("at least one batch, even over maxBytes").containsExactly(0L);
      assertThat(one.nextOffset()).isEqualTo(1);
      assertThat(offsets(paged)).isEqualTo(range(0, 19));
      assertThat(pages).as("maxBytes 600 must split 20 batches of 100+ bytes").isGreaterThan(2);
      assertThat(versions(paged)).isEqualTo(range(1, 20));
    }

    @Test
    void readFromTheMiddleStartsAtTheRequestedOffset() {
      // given
      String aggregate = "mid";
      int partition = partitionOf(aggregate);
      appendOk("log", aggregate, ExpectedVersion.NO_STREAM, event("E", "0"), event("E", "1"), event("E", "2"));
      appendOk("log", aggregate, ExpectedVersion.exactly(3), event("E", "3"));

      // when
      ReadResult result = await(store.read("log", partition, 1, 1 << 20));

      // then
      assertThat(offsets(result.events())).as("events before fromOffset are not returned").containsExactly(1L, 2L, 3L);
      assertThat(result.nextOffset()).isEqualTo(4);
    }

    @Test
    void readAtTheHighWatermarkIsEmpty() {
      // given
      appendOk("log", "x", ExpectedVersion.NO_STREAM, event("E", "1"));
      int partition = partitionOf("x");

      // when
      ReadResult atEnd = await(store.read("log", partition, 1, 1024));
      ReadResult emptyPartition = await(store.read("log", 1 - partition, 0, 1024));

      // then
      assertThat(atEnd.events()).isEmpty();
      assertThat(atEnd.nextOffset()).isEqualTo(1);
      assertThat(atEnd.highWatermark()).isEqualTo(1);
      assertThat(emptyPartition.events()).isEmpty();
      assertThat(emptyPartition.nextOffset()).isZero();
      assertThat(emptyPartition.highWatermark()).isZero();
    }

    @Test
    void readStreamPagesThroughInterleavedAggregates() {
      // given: batches of sizes 1, 2, 3, 1 for "a" and 2, 3 for "b", one partition, interleaved
      createTopic("one", 1);
      appendOk("one", "a", ExpectedVersion.NO_STREAM, event("A", "1"));
      appendOk("one", "b", ExpectedVersion.NO_STREAM, event("B", "1"), event("B", "2"));
      appendOk("one", "a", ExpectedVersion.exactly(1), event("A", "2"), event("A", "3"));
      appendOk("one", "b", ExpectedVersion.exactly(2), event("B", "3"), event("B", "4"), event("B", "5"));
      appendOk("one", "a", ExpectedVersion.exactly(3), event("A", "4"), event("A", "5"), event("A", "6"));
      appendOk("one", "a", ExpectedVersion.exactly(6), event("A", "7"));

      // when
      StreamSlice p1 = await(store.readStream("one", "a", 1, 3));
      StreamSlice p2 = await(store.readStream("one", "a", p1.nextVersion(), 3));
      StreamSlice p3 = await(store.readStream("one", "a", p2.nextVersion(), 3));
      StreamSlice p4 = await(store.readStream("one", "a", p3.nextVersion(), 3));
      StreamSlice b = await(store.readStream("one", "b", 2, 100));

      // then
      assertThat(versions(p1.events())).containsExactly(1L, 2L, 3L);
      assertThat(p1.nextVersion()).isEqualTo(4);
      assertThat(p1.currentVersion()).isEqualTo(7);
      assertThat(p1.endOfStream()).isFalse();
      assertThat(versions(p2.events())).containsExactly(4L, 5L, 6L);
      assertThat(p2.endOfStream()).isFalse();
      assertThat(versions(p3.events())).containsExactly(7L);
      assertThat(p3.nextVersion()).isEqualTo(8);
      assertThat(p3.endOfStream()).isTrue();
      assertThat(p4.events()).isEmpty();
      assertThat(p4.nextVersion()).isEqualTo(8);
      assertThat(p4.endOfStream()).isTrue();
      List<StoredEvent> all = new ArrayList<>(p1.events());
      all.addAll(p2.events());
      all.addAll(p3.events());
      assertThat(all).extracting(StoredEvent::aggregateId).containsOnly("a");
      assertThat(all).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
          .containsExactly("1", "2", "3", "4", "5", "6", "7");
      assertThat(offsets(all)).containsExactly(0L, 3L, 4L, 8L, 9L, 10L, 11L);
      assertThat(versions(b.events())).containsExactly(2L, 3L, 4L, 5L);
      assertThat(b.aggregateId()).isEqualTo("b");
      assertThat(b.topic()).isEqualTo("one");
      assertThat(b.currentVersion()).isEqualTo(5);
      assertThat(b.endOfStream()).isTrue();
    }

    @Test
    void readStreamOfAnUnknownAggregateIsEmptyAtVersionZero() {
      // when
      StreamSlice slice = await(store.readStream("log", "nobody", 1, 10));

      // then
      assertThat(slice.events()).isEmpty();
      assertThat(slice.currentVersion()).isZero();
      assertThat(slice.nextVersion()).isEqualTo(1);
      assertThat(slice.endOfStream()).isTrue();
    }

    @Test
    void readStreamWithManyAggregatesReturnsOnlyTheAskedOne() {
      // given
      createTopic("many", 1);
      Random random = new Random(SEED);
      Map<String, Integer> counts = new java.util.TreeMap<>();
      for (int i = 0; i < 200; i++) {
        String id = "agg-" + random.nextInt(20);
        int version = counts.getOrDefault(id, 0);
        appendOk("many", id, ExpectedVersion.exactly(version), event("E", id + "@" + (version + 1)));
        counts.put(id, version + 1);
      }

      // when / then
      counts.forEach((id, count) -> {
        StreamSlice slice = await(store.readStream("many", id, 1, 1000));
        assertThat(versions(slice.events())).as("seed %x, versions of %s", SEED, id).isEqualTo(range(1, count));
        assertThat(slice.events()).extracting(e -> new String(e.payload(), StandardCharsets.UTF_8))
            .allSatisfy(p -> assertThat(p).startsWith(id + "@"));
        assertThat(await(store.streamVersion("many", id))).isEqualTo((long) count);
      });
    }

    @Test
    void streamVersionIsZeroForANewStreamAndFollowsAppends() {
      assertThat(await(store.streamVersion("log", "s"))).isZero();
      appendOk("log", "s", ExpectedVersion.NO_STREAM, event("E", "1"), event("E", "2"));
      assertThat(await(store.streamVersion("log", "s"))).isEqualTo(2L);
      appendOk("log", "s", ExpectedVersion.ANY, event("E", "3"));
      assertThat(await(store.streamVersion("log", "s"))).isEqualTo(3L);
    }

    @Test
    void offsetForTimestampFindsTheFirstOffsetAtOrAfterIt() {
      // given: appends on distinct milliseconds
      createTopic("times", 1);
      for (int i = 0; i < 6; i++) {
        long now = System.currentTimeMillis();
        appendOk("times", "t", ExpectedVersion.exactly(i), event("E", Integer.toString(i)));
        awaitClockAfter(now);
      }
      List<StoredEvent> events = readAll(store, "times", 0);

      // when / then
      assertThat(await(store.offsetForTimestamp("times", 0, 0))).isZero();
      for (StoredEvent stored : events) {
        long expected = events.stream().filter(e -> e.timestamp() >= stored.timestamp())
            .mapToLong(StoredEvent::offset).min().orElseThrow();
        assertThat(await(store.offsetForTimestamp("times", 0, stored.timestamp())))
            .as("offset for timestamp %d", stored.timestamp()).isEqualTo(expected);
        long after = events.stream().filter(e -> e.timestamp() >= stored.timestamp() + 1)
            .mapToLong(StoredEvent::offset).min().orElse(events.size());
        assertThat(await(store.offsetForTimestamp("times", 0, stored.timestamp() + 1))).isEqualTo(after);
      }
      long future = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
      assertThat(await(store.offsetForTimestamp("times", 0, future))).as("high watermark").isEqualTo(6L);
    }

    @Test
    void offsetForTimestampOfAnEmptyPartitionIsZero() {
      assertThat(await(store.offsetForTimestamp("log", 0, 0))).isZero();
      assertThat(await(store.offsetForTimestamp("log", 1, System.currentTimeMillis()))).isZero();
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Subscriptions {

    @BeforeEach
    void topic() {
      createTopic("sub", 1);
    }

    private void appendEvents(String aggregate, int from, int count) {
      for (int i = from; i < from + count; i++) {
        appendOk("sub", aggregate, ExpectedVersion.exactly(i), event("E", Integer.toString(i)));
      }
    }

    @Test
    void catchesUpFromEarliestThenFollowsLive() {
      // given
      appendEvents("s", 0, 5);

      // when
      Collector collector = new Collector(store.subscribe("sub", 0, StartPosition.EARLIEST), false);
      collector.awaitCount(5);
      appendEvents("s", 5, 3);

      // then
      collector.awaitCount(8);
      assertThat(offsets(collector.events)).isEqualTo(range(0, 7));
      assertThat(versions(collector.events)).isEqualTo(range(1, 8));
      assertThat(collector.ended.get()).isFalse();
    }

    @Test
    void startsAtAnOffsetOrAtLatest() {
      // given
      appendEvents("s", 0, 5);

      // when
      Collector fromThree = new Collector(store.subscribe("sub", 0, StartPosition.offset(3)), false);
      Collector latest = new Collector(store.subscribe("sub", 0, StartPosition.LATEST), false);
      fromThree.awaitCount(2);
      assertHoldsFor(latest.events::isEmpty, QUIET_PERIOD, "LATEST delivers nothing old");
      appendEvents("s", 5, 1);

      // then
      fromThree.awaitCount(3);
      latest.awaitCount(1);
      assertThat(offsets(fromThree.events)).containsExactly(3L, 4L, 5L);
      assertThat(offsets(latest.events)).containsExactly(5L);
    }

    @Test
    void startsAtATimestamp() {
      // given
      appendEvents("s", 0, 2);
      awaitClockAfter(readAll(store, "sub", 0).get(1).timestamp());
      long cut = System.currentTimeMillis();
      appendEvents("s", 2, 2);

      // when
      Collector collector = new Collector(store.subscribe("sub", 0, StartPosition.timestamp(cut)), false);

      // then
      collector.awaitCount(2);
      assertThat(offsets(collector.events)).containsExactly(2L, 3L);
    }

    @Test
    void pauseStopsDeliveryAndFetchDeliversExactlyTheDemand() {
      // given
      appendEvents("s", 0, 20);

      // when: the stream starts paused
      Collector collector = new Collector(store.subscribe("sub", 0, StartPosition.EARLIEST), true);

      // then
      assertHoldsFor(collector.events::isEmpty, QUIET_PERIOD, "a paused subscription delivers nothing");
      collector.stream.fetch(3);
      collector.awaitCount(3);
      assertHoldsFor(() -> collector.events.size() == 3, QUIET_PERIOD, "fetch(3) delivers exactly 3");
      collector.stream.fetch(5);
      collector.awaitCount(8);
      assertHoldsFor(() -> collector.events.size() == 8, QUIET_PERIOD, "fetch(5) delivers exactly 5 more");
      collector.stream.resume();
      collector.awaitCount(20);
      collector.stream.pause();
      appendEvents("s", 20, 2);
      assertHoldsFor(() -> collector.events.size() == 20, QUIET_PERIOD, "paused again: live events wait");
      collector.stream.resume();
      collector.awaitCount(22);
      assertThat(offsets(collector.events)).isEqualTo(range(0, 21));
    }

    @Test
    void subscriptionEndsWhenTheStoreCloses() {
      // given
      appendEvents("s", 0, 1);
      Collector collector = new Collector(store.subscribe("sub", 0, StartPosition.EARLIEST), false);
      collector.awaitCount(1);

      // when
      await(store.close());
      storeClosedByTest = true;

      // then
      pollUntil(() -> collector.ended.get() || collector.failure.get() != null, DELIVERY_TIMEOUT,
          "the subscription to end");
      if (collector.failure.get() != null) {
        assertThat(collector.failure.get()).isInstanceOf(StoreClosedException.class);
      }
    }

    @Test
    void subscribingToAnUnknownTopicOrPartitionFails() {
      for (Supplier<ReadStream<StoredEvent>> subscribe : List.<Supplier<ReadStream<StoredEvent>>>of(
          () -> store.subscribe("nope", 0, StartPosition.EARLIEST),
          () -> store.subscribe("sub", 7, StartPosition.EARLIEST))) {
        Throwable failure;
        try {
          Collector collector = new Collector(subscribe.get(), false);
          pollUntil(() -> collector.failure.get() != null, DELIVERY_TIMEOUT, "the subscription to fail");
          failure = collector.failure.get();
        } catch (UnknownTopicException e) {
          failure = e;
        }
        assertThat(failure).isInstanceOf(UnknownTopicException.class);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class BadInput {

    @BeforeEach
    void topic() {
      createTopic("in", 3);
    }

    private Future<AppendResult> appendTo(String topic, String aggregateId, List<EventData> events) {
      return store.append(AppendRequest.of(topic, aggregateId, ExpectedVersion.ANY, events));
    }

    @Test
    void emptyAggregateIdIsRejected() {
      assertInvalid(() -> appendTo("in", "", List.of(event("E", "{}"))), "aggregateId");
      assertNothingStored("in");
    }

    @Test
    void aggregateIdOverTheLimitInUtf8BytesIsRejected() {
      // given: 16,384 two-byte characters = 32,768 UTF-8 bytes (under the limit in chars)
      String twoByteChars = "é".repeat(16_384);
      String ascii = "k".repeat(MAX_AGGREGATE_ID_BYTES + 1);

      // when / then
      assertInvalid(() -> appendTo("in", twoByteChars, List.of(event("E", "{}"))), "aggregateId");
      assertInvalid(() -> appendTo("in", ascii, List.of(event("E", "{}"))), "aggregateId");
      assertNothingStored("in");
      assertInvalid(() -> store.readStream("in", ascii, 1, 10), "aggregateId");
    }

    @Test
    void aggregateIdAtTheLimitIsAccepted() {
      // given
      String longest = "k".repeat(MAX_AGGREGATE_ID_BYTES);

      // when
      AppendResult.Appended result = appended(await(appendTo("in", longest, List.of(event("E", "{}")))));

      // then
      assertThat(result.newVersion()).isEqualTo(1);
      assertThat(await(store.readStream("in", longest, 1, 10)).events()).hasSize(1);
    }

    @Test
    void eventOverMaxMessageBytesIsRejectedNamingTheLimit() {
      // given
      await(store.createTopic("small", new TopicConfig().setMaxMessageBytes(1024)));
      byte[] payload = new byte[2000];
      new Random(SEED).nextBytes(payload);

      // when
      Throwable failure = failureOf(() -> store.append(AppendRequest.of("small", "a", ExpectedVersion.ANY,
          List.of(EventData.of("Big", payload)))));

      // then
      assertThat(failure).isInstanceOf(InvalidInputException.class);
      assertThat(failure.getMessage()).contains(TopicConfig.MAX_MESSAGE_BYTES).contains("1024");
      assertNothingStored("small");
    }

    @Test
    void manySmallEventsOverMaxMessageBytesTogetherAreRejected() {
      // given
      await(store.createTopic("small", new TopicConfig().setMaxMessageBytes(1024)));
      List<EventData> events = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        events.add(event("E", "x".repeat(100)));
      }

      // when
      Throwable failure = failureOf(() -> store.append(AppendRequest.of("small", "a", ExpectedVersion.ANY, events)));

      // then
      assertThat(failure).isInstanceOf(InvalidInputException.class);
      assertThat(failure.getMessage()).contains(TopicConfig.MAX_MESSAGE_BYTES);
      assertNothingStored("small");
    }

    @Test
    void emptyEventListIsRejected() {
      assertInvalid(() -> appendTo("in", "a", List.of()), "events");
      assertNothingStored("in");
    }

    @Test
    void badEventTypesAndReservedHeadersAreRejected() {
      assertInvalid(() -> appendTo("in", "a", List.of(EventData.of("", new byte[1]))), "type");
      assertInvalid(() -> appendTo("in", "a", List.of(EventData.of("t".repeat(256), new byte[1]))), "type");
      assertInvalid(() -> appendTo("in", "a", List.of(new EventData(UUID.randomUUID(), "E", new byte[1],
          List.of(Header.of("cairn.v", "5"))))), "header");
      assertNothingStored("in");
    }

    @Test
    void unknownTopicIsReportedByEveryCall() {
      assertUnknownTopic(() -> appendTo("ghost", "a", List.of(event("E", "{}"))), "ghost");
      assertUnknownTopic(() -> store.read("ghost", 0, 0, 1024), "ghost");
      assertUnknownTopic(() -> store.readStream("ghost", "a", 1, 10), "ghost");
      assertUnknownTopic(() -> store.streamVersion("ghost", "a"), "ghost");
      assertUnknownTopic(() -> store.offsetForTimestamp("ghost", 0, 0), "ghost");
      assertUnknownTopic(() -> store.describeTopic("ghost"), "ghost");
      assertThat(failureOf(() -> appendTo("bad name!", "a", List.of(event("E", "{}")))))
          .as("an invalid topic name on append is either unknown or invalid")
          .isInstanceOfAny(UnknownTopicException.class, InvalidInputException.class);
    }

    @Test
    void unknownPartitionIsReported() {
      assertUnknownTopic(() -> store.read("in", 3, 0, 1024), "in");
      assertUnknownTopic(() -> store.offsetForTimestamp("in", 99, 0), "in");
      Throwable negative = failureOf(() -> store.read("in", -1, 0, 1024));
      assertThat(negative).isInstanceOfAny(UnknownTopicException.class, InvalidInputException.class);
    }

    @Test
    void negativeOffsetsVersionsAndSizesAreRejected() {
      assertInvalid(() -> store.read("in", 0, -1, 1024), "offset");
      assertInvalid(() -> store.read("in", 0, 0, -5), "maxBytes");
      assertInvalid(() -> store.readStream("in", "a", -1, 10), "version");
      assertInvalid(() -> store.readStream("in", "a", 1, -1), "maxCount");
      assertThatThrownBy(() -> ExpectedVersion.exactly(-3))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("expectedVersion"));
      assertThatThrownBy(() -> StartPosition.offset(-1)).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> new ProducerInfo(-7, (short) 0, 0)).isInstanceOf(InvalidInputException.class);
      assertNothingStored("in");
    }

    @Test
    void badInputLeavesEarlierDataAndLaterAppendsUntouched() {
      // given
      AppendResult.Appended before = appended(await(appendTo("in", "a", List.of(event("E", "1")))));

      // when
      assertInvalid(() -> appendTo("in", "a", List.of()), "events");
      assertInvalid(() -> appendTo("in", "a", List.of(EventData.of("", new byte[0]))), "type");

      // then
      AppendResult.Appended after = appended(await(appendTo("in", "a", List.of(event("E", "2")))));
      assertThat(after.firstOffset()).isEqualTo(before.lastOffset() + 1);
      assertThat(after.newVersion()).isEqualTo(2);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Durability {

    @Test
    void dataSurvivesCloseAndReopen() {
      // given
      TopicConfig config = new TopicConfig().setPartitions(3).setSegmentBytes(4096).setIndexIntervalBytes(256);
      await(store.createTopic("keep", config));
      createTopic("also", 1);
      Random random = new Random(SEED);
      Map<String, Long> versions = new java.util.TreeMap<>();
      for (int i = 0; i < 120; i++) {
        String id = "k-" + random.nextInt(15);
        long version = versions.getOrDefault(id, 0L);
        int count = 1 + random.nextInt(3);
        EventData[] events = new EventData[count];
        for (int e = 0; e < count; e++) {
          events[e] = event("E", id + "@" + (version + e + 1) + "-" + "p".repeat(random.nextInt(60)));
        }
        appendOk("keep", id, ExpectedVersion.exactly(version), events);
        versions.put(id, version + count);
      }
      appendOk("also", "x", ExpectedVersion.NO_STREAM, event("E", "x"));
      AppendRequest idempotent = new AppendRequest("also", "y", ExpectedVersion.NO_STREAM,
          List.of(event("E", "y")), new ProducerInfo(77, (short) 1, 0));
      AppendResult.Appended idempotentResult = appended(await(store.append(idempotent)));
      AppendRequest byEventId = AppendRequest.of("also", "z", ExpectedVersion.NO_STREAM, List.of(event("E", "z")));
      AppendResult.Appended byEventIdResult = appended(await(store.append(byEventId)));
      List<List<StoredEvent>> before = new ArrayList<>();
      for (int p = 0; p < 3; p++) {
        before.add(readAll(store, "keep", p));
      }
      TopicDescription describedBefore = await(store.describeTopic("keep"));

      // when
      reopen();

      // then
      assertThat(await(store.listTopics())).containsExactly("also", "keep");
      TopicDescription describedAfter = await(store.describeTopic("keep"));
      assertThat(describedAfter.config()).isEqualTo(config);
      for (int p = 0; p < 3; p++) {
        assertSameEvents(readAll(store, "keep", p), before.get(p));
        assertThat(describedAfter.partitions().get(p).logEndOffset())
            .isEqualTo(describedBefore.partitions().get(p).logEndOffset());
        for (long offset = 0; offset < before.get(p).size(); offset += 7) {
          ReadResult fromMiddle = await(store.read("keep", p, offset, 1));
          assertThat(fromMiddle.events()).as("read from offset %d of keep-%d", offset, p).isNotEmpty();
          assertThat(fromMiddle.events().get(0).offset()).as("first offset read from %d", offset).isEqualTo(offset);
        }
      }
      versions.forEach((id, version) -> {
        assertThat(await(store.streamVersion("keep", id))).as("version of %s", id).isEqualTo(version);
        assertThat(versions(await(store.readStream("keep", id, 1, 1000)).events())).isEqualTo(range(1, version));
      });
      assertThat(await(store.append(idempotent))).as("producer state survives a restart")
          .isEqualTo(new AppendResult.Appended(idempotentResult.partition(), idempotentResult.firstOffset(),
              idempotentResult.lastOffset(), idempotentResult.firstVersion(), idempotentResult.newVersion(), true));
      assertThat(appended(await(store.append(byEventId))).duplicate()).isTrue();
      assertThat(byEventIdResult.duplicate()).isFalse();
      String someId = versions.keySet().iterator().next();
      AppendResult.Appended next = appendOk("keep", someId, ExpectedVersion.exactly(versions.get(someId)),
          event("E", "after reopen"));
      int partition = Partitioner.partitionFor(someId, 3);
      assertThat(next.firstOffset()).isEqualTo(before.get(partition).size());
      assertThat(next.newVersion()).isEqualTo(versions.get(someId) + 1);
    }

    @Test
    void deletedTopicStaysDeletedAfterReopen() {
      // given
      createTopic("gone", 2);
      appendOk("gone", "g", ExpectedVersion.NO_STREAM, event("E", "old"));
      await(store.deleteTopic("gone"));
      createTopic("kept", 1);

      // when
      reopen();

      // then
      assertThat(await(store.listTopics())).containsExactly("kept");
      createTopic("gone", 1);
      assertNothingStored("gone");
      assertThat(await(store.streamVersion("gone", "g"))).isZero();
    }

    @Test
    void callsAfterCloseFailWithStoreClosed() {
      // given
      createTopic("t", 1);

      // when
      await(store.close());
      storeClosedByTest = true;

      // then
      assertThat(failureOf(() -> store.append(AppendRequest.of("t", "a", ExpectedVersion.ANY,
          List.of(event("E", "{}")))))).isInstanceOf(StoreClosedException.class);
      assertThat(failureOf(() -> store.read("t", 0, 0, 100))).isInstanceOf(StoreClosedException.class);
      assertThat(failureOf(() -> store.listTopics())).isInstanceOf(StoreClosedException.class);
    }

    private void assertSameEvents(List<StoredEvent> actual, List<StoredEvent> expected) {
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        StoredEvent a = actual.get(i);
        StoredEvent e = expected.get(i);
        assertThat(a).usingRecursiveComparison().ignoringFields("payload").isEqualTo(e);
        assertThat(Arrays.equals(a.payload(), e.payload())).as("payload at offset %d", e.offset()).isTrue();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** An event of aggregate {@code aggregateId} for a produce batch, with a random id. */
  protected static KeyedEvent keyed(String aggregateId, String type, String payload) {
    return new KeyedEvent(aggregateId, event(type, payload));
  }

  /** A produce batch of {@code events} without producer fields. */
  protected static ByteBuffer batchOf(KeyedEvent... events) {
    return EventBatches.encode(List.of(events), CompressionType.NONE, ProducerInfo.NONE, System.currentTimeMillis());
  }

  /** Produces and returns the result, failing the test on a failure. */
  protected ProduceResult produceOk(String topic, int partition, ByteBuffer batch) {
    return await(store.produce(topic, partition, batch));
  }

  /** An aggregate id (prefix + number) that Kafka's partitioner puts in {@code partition} of {@code partitions}. */
  protected static String idInPartition(String prefix, int partition, int partitions) {
    for (int i = 0; ; i++) {
      String id = prefix + i;
      if (Partitioner.partitionFor(id, partitions) == partition) {
        return id;
      }
    }
  }

  @Nested
  class Produce {

    @BeforeEach
    void topic() {
      createTopic("prod", 1);
    }

    @Test
    void producedBatchOfOneAggregateIsReadBackAsItsStream() {
      // given
      KeyedEvent opened = new KeyedEvent("a-1", new EventData(UUID.randomUUID(), "Opened", utf8("{}"),
          List.of(Header.of("correlation-id", "c-1"))));
      KeyedEvent deposited = keyed("a-1", "Deposited", "{\"amount\":5}");

      // when
      ProduceResult result = produceOk("prod", 0, batchOf(opened, deposited));

      // then
      assertThat(result).isEqualTo(new ProduceResult(0, 0, 1, false));
      StreamSlice slice = await(store.readStream("prod", "a-1", 1, 10));
      assertThat(versions(slice.events())).containsExactly(1L, 2L);
      assertThat(offsets(slice.events())).containsExactly(0L, 1L);
      assertThat(slice.events()).extracting(StoredEvent::eventId)
          .containsExactly(opened.event().eventId(), deposited.event().eventId());
      assertThat(slice.events()).extracting(StoredEvent::type).containsExactly("Opened", "Deposited");
      assertThat(slice.events().get(0).headers()).as("user headers, reserved ones removed")
          .containsExactly(Header.of("correlation-id", "c-1"));
      assertThat(new String(slice.events().get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("{\"amount\":5}");
      assertThat(await(store.streamVersion("prod", "a-1"))).isEqualTo(2L);
    }

    @Test
    void multiAggregateBatchGivesEveryAggregateDenseVersionsAfterItsAppends() {
      // given: a at version 2 and b at version 1 by appends
      appendOk("prod", "a", ExpectedVersion.NO_STREAM, event("E", "a1"), event("E", "a2"));
      appendOk("prod", "b", ExpectedVersion.NO_STREAM, event("E", "b1"));

      // when: one batch interleaving a, b and a new aggregate c
      ProduceResult result = produceOk("prod", 0, batchOf(keyed("a", "E", "a3"), keyed("b", "E", "b2"),
          keyed("a", "E", "a4"), keyed("c", "E", "c1"), keyed("c", "E", "c2"), keyed("a", "E", "a5")));

      // then
      assertThat(result).isEqualTo(new ProduceResult(0, 3, 8, false));
      Map<String, List<String>> payloads = Map.of("a", List.of("a1", "a2", "a3", "a4", "a5"),
          "b", List.of("b1", "b2"), "c", List.of("c1", "c2"));
      payloads.forEach((id, expected) -> {
        StreamSlice slice = await(store.readStream("prod", id, 1, 100));
        assertThat(versions(slice.events())).as("versions of %s", id).isEqualTo(range(1, expected.size()));
        assertThat(slice.events()).as("payloads of %s", id)
            .extracting(e -> new String(e.payload(), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(slice.currentVersion()).isEqualTo(expected.size());
        assertThat(await(store.streamVersion("prod", id))).isEqualTo((long) expected.size());
      });
      assertThat(offsets(await(store.readStream("prod", "a", 3, 100)).events())).containsExactly(3L, 5L, 8L);
      assertThat(versions(await(store.readStream("prod", "a", 4, 1)).events())).containsExactly(4L);
      List<StoredEvent> all = readAll(store, "prod", 0);
      assertThat(offsets(all)).isEqualTo(range(0, 8));
      assertThat(all).extracting(StoredEvent::aggregateId).containsExactly("a", "a", "b", "a", "b", "a", "c", "c", "a");
      assertThat(versions(all)).containsExactly(1L, 2L, 1L, 3L, 2L, 4L, 1L, 2L, 5L);
    }

    @Test
    void appendsAfterAProduceContinueAtTheProducedVersions() {
      // given
      produceOk("prod", 0, batchOf(keyed("a", "E", "1"), keyed("b", "E", "1"), keyed("a", "E", "2")));

      // when
      AppendResult stale = append("prod", "a", ExpectedVersion.exactly(1), event("E", "stale"));
      AppendResult.Appended next = appendOk("prod", "a", ExpectedVersion.exactly(2), event("E", "3"));
      ProduceResult again = produceOk("prod", 0, batchOf(keyed("b", "E", "2"), keyed("a", "E", "4")));

      // then
      assertThat(conflict(stale).actualVersion()).isEqualTo(2);
      assertThat(next.firstVersion()).isEqualTo(3);
      assertThat(next.firstOffset()).isEqualTo(3);
      assertThat(again).isEqualTo(new ProduceResult(0, 4, 5, false));
      assertThat(versions(await(store.readStream("prod", "a", 1, 10)).events())).containsExactly(1L, 2L, 3L, 4L);
      assertThat(versions(await(store.readStream("prod", "b", 1, 10)).events())).containsExactly(1L, 2L);
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void everyCodecOfTheProducerAndOfTheTopicRoundTrips(CompressionType compression) {
      // given: the producer compresses with one codec, the topic stores with another
      CompressionType topicCodec = CompressionType.values()[(compression.ordinal() + 1) % CompressionType.values().length];
      String topic = "pc-" + compression.configName();
      await(store.createTopic(topic, new TopicConfig().setCompressionType(topicCodec)));
      List<KeyedEvent> events = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        events.add(keyed("agg-" + (i % 3), "E", "{\"i\":" + i + ",\"text\":\"" + "xyz".repeat(50) + "\"}"));
      }

      // when
      produceOk(topic, 0, EventBatches.encode(events, compression, ProducerInfo.NONE, System.currentTimeMillis()));

      // then
      List<StoredEvent> all = readAll(store, topic, 0);
      assertThat(all).extracting(StoredEvent::eventId)
          .isEqualTo(events.stream().map(e -> e.event().eventId()).collect(Collectors.toList()));
      for (int a = 0; a < 3; a++) {
        assertThat(versions(await(store.readStream(topic, "agg-" + a, 1, 100)).events()))
            .isEqualTo(range(1, a == 0 ? 14 : 13));
      }
    }

    @Test
    void recordTimestampsAreTheProducers() {
      // given
      long timestamp = 1_700_000_000_000L;

      // when
      produceOk("prod", 0, EventBatches.encode(List.of(keyed("a", "E", "x")), CompressionType.NONE, ProducerInfo.NONE,
          timestamp));

      // then
      assertThat(readAll(store, "prod", 0)).extracting(StoredEvent::timestamp).containsExactly(timestamp);
    }

    @Test
    void producerRetryIsADuplicateWithTheOriginalOffsetsAndStoresNothing() {
      // given
      ProducerId producer = await(store.initProducerId());
      ByteBuffer first = EventBatches.encode(List.of(keyed("a", "E", "1"), keyed("b", "E", "1")), CompressionType.NONE,
          new ProducerInfo(producer.id(), producer.epoch(), 0), System.currentTimeMillis());
      ByteBuffer second = EventBatches.encode(List.of(keyed("a", "E", "2")), CompressionType.NONE,
          new ProducerInfo(producer.id(), producer.epoch(), 2), System.currentTimeMillis());
      ProduceResult original = produceOk("prod", 0, first.duplicate());
      produceOk("prod", 0, second.duplicate());

      // when
      ProduceResult retry = produceOk("prod", 0, first.duplicate());
      ProduceResult retryOfLast = produceOk("prod", 0, second.duplicate());

      // then
      assertThat(retry).isEqualTo(new ProduceResult(0, original.baseOffset(), original.lastOffset(), true));
      assertThat(retryOfLast).isEqualTo(new ProduceResult(0, 2, 2, true));
      assertThat(readAll(store, "prod", 0)).hasSize(3);
      assertThat(await(store.streamVersion("prod", "a"))).isEqualTo(2L);
    }

    @Test
    void producerSequenceGapAndOlderEpochAreRefusedAndStoreNothing() {
      // given
      ProducerId producer = await(store.initProducerId());
      short epoch = (short) (producer.epoch() + 1);
      produceOk("prod", 0, EventBatches.encode(List.of(keyed("a", "E", "1")), CompressionType.NONE,
          new ProducerInfo(producer.id(), epoch, 0), System.currentTimeMillis()));

      // when
      Throwable gap = failureOf(() -> store.produce("prod", 0, EventBatches.encode(List.of(keyed("a", "E", "x")),
          CompressionType.NONE, new ProducerInfo(producer.id(), epoch, 5), System.currentTimeMillis())));
      Throwable fenced = failureOf(() -> store.produce("prod", 0, EventBatches.encode(List.of(keyed("a", "E", "x")),
          CompressionType.NONE, new ProducerInfo(producer.id(), producer.epoch(), 1), System.currentTimeMillis())));

      // then
      assertThat(gap).isInstanceOf(OutOfOrderSequenceException.class).hasMessageContaining("5");
      assertThat(fenced).isInstanceOf(ProducerFencedException.class);
      assertThat(readAll(store, "prod", 0)).hasSize(1);
    }

    @Test
    void producedEventsAreSeenByReadsFetchesAndSubscriptions() {
      // given
      Collector live = new Collector(store.subscribe("prod", 0, StartPosition.EARLIEST), false);

      // when
      produceOk("prod", 0, batchOf(keyed("a", "E", "1"), keyed("b", "E", "1")));

      // then
      live.awaitCount(2);
      assertThat(live.events).extracting(StoredEvent::aggregateId).containsExactly("a", "b");
      FetchResult fetched = await(store.fetch("prod", 0, 0, 1 << 20, 0));
      assertThat(fetched.events()).extracting(StoredEvent::aggregateId).containsExactly("a", "b");
      assertThat(fetched.events()).extracting(StoredEvent::version).containsExactly(1L, 1L);
      assertThat(fetched.nextOffset()).isEqualTo(2);
      assertThat(fetched.highWatermark()).isEqualTo(2);
      assertThat(readAll(store, "prod", 0)).extracting(StoredEvent::offset).containsExactly(0L, 1L);
      live.stream.handler(null);
    }

    @Test
    void damagedCrcIsRejectedNamingTheCrcAndStoresNothing() {
      // given
      ByteBuffer batch = batchOf(keyed("a", "E", "payload"), keyed("b", "E", "payload"));
      int last = batch.limit() - 1;
      batch.put(last, (byte) (batch.get(last) ^ 0x01));

      // when / then
      assertInvalid(() -> store.produce("prod", 0, batch), "crc");
      assertNothingStored("prod");
    }

    @Test
    void truncatedOrNonV2BatchesAreRejectedAndStoreNothing() {
      ByteBuffer whole = batchOf(keyed("a", "E", "payload"));
      ByteBuffer cut = whole.duplicate().limit(whole.limit() - 3);
      assertInvalid(() -> store.produce("prod", 0, cut.slice()), "recordBatch");
      ByteBuffer tiny = ByteBuffer.allocate(10);
      assertInvalid(() -> store.produce("prod", 0, tiny), "recordBatch");
      ByteBuffer magic1 = batchOf(keyed("a", "E", "payload"));
      magic1.put(16, (byte) 1);
      assertInvalid(() -> store.produce("prod", 0, magic1), "magic");
      assertNothingStored("prod");
    }

    @Test
    void recordWithoutEventIdOrTypeIsRejectedNamingRecordAndHeader() {
      // given: record 1 lacks cairn.e, record 2 has one too short for an event id, record 3 an empty type,
      // record 4 a type that is not UTF-8
      RawBatches.RawRecord good = RawBatches.event("a", "E", "{}");
      RawBatches.RawRecord noHeader = RawBatches.withHeaders(RawBatches.event("b", "E", "{}"), List.of());
      RawBatches.RawRecord noId = RawBatches.withHeaders(good,
          List.of(new RawBatches.RawHeader("cairn.e", new byte[20])));
      RawBatches.RawRecord noType = RawBatches.withHeaders(good,
          List.of(RawBatches.eventHeader(0L, UUID.randomUUID(), new byte[0])));
      RawBatches.RawRecord badType = RawBatches.withHeaders(good,
          List.of(RawBatches.eventHeader(0L, UUID.randomUUID(), new byte[] {(byte) 0xc3})));

      // when / then
      InvalidInputException missing = assertInvalid(() -> store.produce("prod", 0,
          RawBatches.batch(List.of(good, noHeader))), "records[1].headers.cairn.e");
      assertThat(missing.getMessage()).contains("is missing");
      InvalidInputException tooShort = assertInvalid(() -> store.produce("prod", 0,
          RawBatches.batch(List.of(good, good, noId))), "records[2].headers.cairn.e");
      assertThat(tooShort.getMessage()).contains("20 bytes", "event id (16 bytes)");
      assertInvalid(() -> store.produce("prod", 0, RawBatches.batch(List.of(good, good, good, noType))),
          "records[3].headers.cairn.e.type");
      assertInvalid(() -> store.produce("prod", 0, RawBatches.batch(List.of(good, badType))),
          "records[1].headers.cairn.e.type");
      assertNothingStored("prod");
    }

    @Test
    void versionHeaderNullKeyAndReservedHeadersAreRejected() {
      RawBatches.RawRecord good = RawBatches.event("a", "E", "{}");
      List<RawBatches.RawHeader> withVersion = List.of(RawBatches.eventHeader(5L, UUID.randomUUID(), utf8("E")));
      InvalidInputException versioned = assertInvalid(() -> store.produce("prod", 0,
          RawBatches.batch(List.of(RawBatches.withHeaders(good, withVersion)))), "records[0].headers.cairn.e.version");
      assertThat(versioned.getMessage()).contains("the store assigns the stream version");
      List<RawBatches.RawHeader> withOldVersion = new ArrayList<>(good.headers());
      withOldVersion.add(0, new RawBatches.RawHeader("cairn.v", new byte[8]));
      assertInvalid(() -> store.produce("prod", 0, RawBatches.batch(List.of(RawBatches.withHeaders(good,
          withOldVersion)))), "records[0].headers[0].key");
      List<RawBatches.RawHeader> twice = new ArrayList<>(good.headers());
      twice.add(RawBatches.eventHeader(0L, UUID.randomUUID(), utf8("E")));
      assertInvalid(() -> store.produce("prod", 0, RawBatches.batch(List.of(RawBatches.withHeaders(good,
          twice)))), "records[0].headers[1].key");
      List<RawBatches.RawHeader> withOther = new ArrayList<>(good.headers());
      withOther.add(new RawBatches.RawHeader("cairn.secret", utf8("x")));
      assertInvalid(() -> store.produce("prod", 0, RawBatches.batch(List.of(good, RawBatches.withHeaders(good,
          withOther)))), "records[1].headers");
      RawBatches.RawRecord nullKey = new RawBatches.RawRecord(null, utf8("{}"), good.headers());
      assertInvalid(() -> store.produce("prod", 0, RawBatches.batch(List.of(nullKey))), "records[0].key");
      RawBatches.RawRecord emptyKey = new RawBatches.RawRecord("", utf8("{}"), good.headers());
      assertInvalid(() -> store.produce("prod", 0, RawBatches.batch(List.of(emptyKey))), "records[0].key");
      assertNothingStored("prod");
    }

    @Test
    void keyOfAnotherPartitionIsRejectedAndStoresNothing() {
      // given
      createTopic("two", 2);
      String inZero = idInPartition("p", 0, 2);
      String inOne = idInPartition("p", 1, 2);

      // when / then
      InvalidInputException wrong = assertInvalid(() -> store.produce("two", 0,
          batchOf(keyed(inZero, "E", "ok"), keyed(inOne, "E", "elsewhere"))), "records[1].key");
      assertThat(wrong.getMessage()).contains(inOne).contains("partition 1");
      assertNothingStored("two");
      assertThat(produceOk("two", 1, batchOf(keyed(inOne, "E", "right"))).partition()).isEqualTo(1);
    }

    @Test
    void tombstoneIsRejectedOnADeleteTopicAndKeptOnACompactedOne() {
      // given
      await(store.createTopic("compacted", new TopicConfig().setCleanupPolicy(CleanupPolicy.COMPACT)));
      KeyedEvent tombstone = new KeyedEvent("a", EventData.of("Deleted", null));

      // when / then
      assertInvalid(() -> store.produce("prod", 0, batchOf(tombstone)), "records[0].value");
      assertNothingStored("prod");
      produceOk("compacted", 0, batchOf(keyed("a", "Opened", "{}"), tombstone));
      StreamSlice slice = await(store.readStream("compacted", "a", 1, 10));
      assertThat(versions(slice.events())).containsExactly(1L, 2L);
      assertThat(slice.events().get(1).payload()).isNull();
    }

    @Test
    void batchOverMaxMessageBytesIsRejectedNamingTheLimit() {
      // given
      await(store.createTopic("small", new TopicConfig().setMaxMessageBytes(2_000)));
      List<KeyedEvent> events = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        events.add(keyed("a", "E", "x".repeat(200)));
      }

      // when / then
      InvalidInputException tooBig = assertInvalid(() -> store.produce("small", 0,
          EventBatches.encode(events, CompressionType.NONE, ProducerInfo.NONE, System.currentTimeMillis())),
          "recordBatch");
      assertThat(tooBig.getMessage()).contains("max.message.bytes");
      assertNothingStored("small");
    }

    @Test
    void unknownTopicOrPartitionIsReported() {
      assertUnknownTopic(() -> store.produce("nope", 0, batchOf(keyed("a", "E", "x"))), "nope");
      Throwable partition = failureOf(() -> store.produce("prod", 3, batchOf(keyed("a", "E", "x"))));
      assertThat(partition).isInstanceOf(UnknownTopicException.class).hasMessageContaining("prod");
    }

    @Test
    void encodeRejectsBadEventsNamingTheEvent() {
      assertThatThrownBy(() -> EventBatches.encode(List.of(), CompressionType.NONE, ProducerInfo.NONE, 0))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("events"));
      assertThatThrownBy(() -> EventBatches.encode(List.of(keyed("a", "E", "x"), keyed("b", "E", "x"),
          keyed("c", "", "x")), CompressionType.NONE, ProducerInfo.NONE, 0))
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("events[2].type"));
      assertThatThrownBy(() -> EventBatches.encode(List.of(keyed("", "E", "x")), CompressionType.NONE,
          ProducerInfo.NONE, 0))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("events[0].aggregateId"));
      assertThatThrownBy(() -> EventBatches.encode(List.of(new KeyedEvent("a", new EventData(UUID.randomUUID(), "E",
          utf8("x"), List.of(Header.of("cairn.v", "1"))))), CompressionType.NONE, ProducerInfo.NONE, 0))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("events[0].headers"));
      assertThatThrownBy(() -> EventBatches.encode(List.of(keyed("x".repeat(MAX_AGGREGATE_ID_BYTES + 1), "E", "x")),
          CompressionType.NONE, ProducerInfo.NONE, 0))
          .isInstanceOfSatisfying(InvalidInputException.class,
              e -> assertThat(e.field()).isEqualTo("events[0].aggregateId"));
    }

    @Test
    void producedBatchesSurviveReopen() {
      // given
      produceOk("prod", 0, batchOf(keyed("a", "E", "1"), keyed("b", "E", "1"), keyed("a", "E", "2")));
      ProducerId producer = await(store.initProducerId());
      ByteBuffer idempotent = EventBatches.encode(List.of(keyed("b", "E", "2"), keyed("a", "E", "3")),
          CompressionType.NONE, new ProducerInfo(producer.id(), producer.epoch(), 0), System.currentTimeMillis());
      ProduceResult original = produceOk("prod", 0, idempotent.duplicate());

      // when
      reopen();

      // then
      assertThat(versions(await(store.readStream("prod", "a", 1, 10)).events())).containsExactly(1L, 2L, 3L);
      assertThat(versions(await(store.readStream("prod", "b", 1, 10)).events())).containsExactly(1L, 2L);
      assertThat(produceOk("prod", 0, idempotent.duplicate()))
          .isEqualTo(new ProduceResult(0, original.baseOffset(), original.lastOffset(), true));
      assertThat(appendOk("prod", "a", ExpectedVersion.exactly(3), event("E", "4")).firstOffset()).isEqualTo(5);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Fetch {

    @BeforeEach
    void topic() {
      createTopic("f", 1);
    }

    @Test
    void fetchWithoutWaitOnAnEmptyPartitionIsEmptyAtOnce() {
      // when
      FetchResult result = await(store.fetch("f", 0, 0, 1024, 0));

      // then
      assertThat(result.records().remaining()).isZero();
      assertThat(result.events()).isEmpty();
      assertThat(result.nextOffset()).isZero();
      assertThat(result.highWatermark()).isZero();
      assertThat(result.logStartOffset()).isZero();
      assertThat(result.topic()).isEqualTo("f");
      assertThat(result.partition()).isZero();
    }

    @Test
    void longPollCompletesWhenAnAppendArrives() {
      // given: a fetch waiting for offset 0 of an empty partition
      Future<FetchResult> waiting = store.fetch("f", 0, 0, 1 << 20, StoreTestSupport.CALL_TIMEOUT.toMillis());
      assertThat(waiting.isComplete()).as("nothing is there to answer with").isFalse();

      // when
      AppendResult.Appended appended = appendOk("f", "a", ExpectedVersion.NO_STREAM, event("Opened", "{}"));

      // then
      FetchResult result = await(waiting);
      assertThat(result.events()).extracting(StoredEvent::offset).containsExactly(appended.firstOffset());
      assertThat(result.events()).extracting(StoredEvent::version).containsExactly(1L);
      assertThat(result.highWatermark()).isEqualTo(1);
      assertThat(result.nextOffset()).isEqualTo(1);
    }

    @Test
    void longPollFromTheEndCompletesWithTheNextProduce() {
      // given
      appendOk("f", "a", ExpectedVersion.NO_STREAM, event("Opened", "{}"));
      Future<FetchResult> waiting = store.fetch("f", 0, 1, 1 << 20, StoreTestSupport.CALL_TIMEOUT.toMillis());

      // when
      produceOk("f", 0, batchOf(keyed("b", "E", "1"), keyed("a", "E", "2")));

      // then
      FetchResult result = await(waiting);
      assertThat(result.events()).extracting(StoredEvent::offset).containsExactly(1L, 2L);
      assertThat(result.nextOffset()).isEqualTo(3);
    }

    @Test
    void longPollReleasedByAProduceKeepsToMaxBytesButReturnsTheFirstBatchWhole() {
      // given a long poll from the end for at most 1 byte
      appendOk("f", "a", ExpectedVersion.NO_STREAM, event("Opened", "{}"));
      Future<FetchResult> waiting = store.fetch("f", 0, 1, 1, StoreTestSupport.CALL_TIMEOUT.toMillis());

      // when a batch of three arrives
      produceOk("f", 0, batchOf(keyed("b", "E", "1"), keyed("a", "E", "2"), keyed("c", "E", "3")));

      // then the whole batch comes, past the byte limit, and nothing of the log before it
      FetchResult result = await(waiting);
      assertThat(result.events()).extracting(StoredEvent::offset).containsExactly(1L, 2L, 3L);
      assertThat(result.events()).extracting(StoredEvent::version).containsExactly(1L, 2L, 1L);
      assertThat(result.nextOffset()).isEqualTo(4);
      assertThat(result.highWatermark()).isEqualTo(4);
    }

    @Test
    void longPollWithNothingArrivingIsEmptyAfterTheWait() {
      // given
      appendOk("f", "a", ExpectedVersion.NO_STREAM, event("Opened", "{}"));
      long startNanos = System.nanoTime();

      // when
      FetchResult result = await(store.fetch("f", 0, 1, 1024, 200));

      // then
      long waitedMs = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
      assertThat(waitedMs).as("waited for maxWaitMs").isGreaterThanOrEqualTo(190);
      assertThat(result.events()).isEmpty();
      assertThat(result.nextOffset()).isEqualTo(1);
      assertThat(result.highWatermark()).isEqualTo(1);
    }

    @Test
    void fetchPastTheHighWatermarkWaitsAndIsEmpty() {
      // given
      appendOk("f", "a", ExpectedVersion.NO_STREAM, event("Opened", "{}"));

      // when
      FetchResult result = await(store.fetch("f", 0, 50, 1024, 50));

      // then
      assertThat(result.events()).isEmpty();
      assertThat(result.nextOffset()).isEqualTo(50);
      assertThat(result.highWatermark()).isEqualTo(1);
    }

    @Test
    void fetchFromInsideABatchReturnsTheWholeBatchAndDecodesFromTheOffset() {
      // given
      appendOk("f", "a", ExpectedVersion.NO_STREAM, event("E", "1"), event("E", "2"), event("E", "3"));

      // when
      FetchResult result = await(store.fetch("f", 0, 1, 1, 0));

      // then
      assertThat(EventBatches.decode("f", 0, result.records(), 0)).extracting(StoredEvent::offset)
          .as("whole batches, starting before fromOffset").containsExactly(0L, 1L, 2L);
      assertThat(result.events()).extracting(StoredEvent::offset).containsExactly(1L, 2L);
      assertThat(result.nextOffset()).isEqualTo(3);
      assertThat(result.fromOffset()).isEqualTo(1);
    }

    @Test
    void fetchPagesThroughThePartitionByMaxBytes() {
      // given
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        KeyedEvent e1 = keyed("a-" + (i % 4), "E", "x".repeat(100));
        KeyedEvent e2 = keyed("b-" + (i % 3), "E", "y".repeat(100));
        ids.add(e1.event().eventId());
        ids.add(e2.event().eventId());
        produceOk("f", 0, batchOf(e1, e2));
      }

      // when
      List<StoredEvent> all = new ArrayList<>();
      long next = 0;
      int pages = 0;
      while (true) {
        FetchResult page = await(store.fetch("f", 0, next, 500, 0));
        if (page.events().isEmpty()) {
          break;
        }
        all.addAll(page.events());
        assertThat(page.nextOffset()).isGreaterThan(next);
        next = page.nextOffset();
        pages++;
      }

      // then
      assertThat(pages).isGreaterThan(1);
      assertThat(all).extracting(StoredEvent::eventId).isEqualTo(ids);
      assertThat(next).isEqualTo(60);
    }

    @Test
    void waitingFetchFailsWithStoreClosedWhenTheStoreCloses() {
      // given
      Future<FetchResult> waiting = store.fetch("f", 0, 0, 1024, StoreTestSupport.CALL_TIMEOUT.toMillis());

      // when
      await(store.close());
      storeClosedByTest = true;

      // then
      assertThat(failureOf(() -> waiting)).isInstanceOf(StoreClosedException.class);
      assertThat(failureOf(() -> store.fetch("f", 0, 0, 1024, 0))).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void badFetchArgumentsAreRejected() {
      assertInvalid(() -> store.fetch("f", 0, -1, 1024, 0), "fromOffset");
      assertInvalid(() -> store.fetch("f", 0, 0, 0, 0), "maxBytes");
      assertInvalid(() -> store.fetch("f", 0, 0, 1024, -1), "maxWait");
      assertUnknownTopic(() -> store.fetch("nope", 0, 0, 1024, 0), "nope");
      assertThat(failureOf(() -> store.fetch("f", 1, 0, 1024, 0))).isInstanceOf(UnknownTopicException.class);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class ProducerIds {

    @Test
    void producerIdsAreDistinctUnderConcurrentCalls() {
      // when
      List<Future<ProducerId>> pending = new ArrayList<>();
      for (int i = 0; i < 2_500; i++) {
        pending.add(store.initProducerId());
      }

      // then
      List<ProducerId> ids = pending.stream().map(StoreTestSupport::await).collect(Collectors.toList());
      assertThat(ids).extracting(ProducerId::id).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isNotNegative());
      assertThat(ids).extracting(ProducerId::epoch).allSatisfy(epoch -> assertThat(epoch).isNotNegative());
    }

    @Test
    void producerIdsAreNeverHandedOutAgainAfterReopen() {
      // given
      List<Long> before = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        before.add(await(store.initProducerId()).id());
      }

      // when
      reopen();
      List<Long> after = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        after.add(await(store.initProducerId()).id());
      }

      // then
      assertThat(after).doesNotHaveDuplicates().doesNotContainAnyElementsOf(before);
    }

    @Test
    void initProducerIdAfterCloseFailsWithStoreClosed() {
      await(store.close());
      storeClosedByTest = true;
      assertThat(failureOf(() -> store.initProducerId())).isInstanceOf(StoreClosedException.class);
    }
  }
}
