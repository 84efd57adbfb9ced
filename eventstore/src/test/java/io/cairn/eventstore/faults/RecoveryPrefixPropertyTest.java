package io.cairn.eventstore.faults;

import static io.cairn.eventstore.contract.StoreTestSupport.appended;
import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.LogInspector;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.VerifyReport;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The recovery law: after random appends and Kafka-style produces (multi-aggregate batches, interleaved)
 * and a log cut at a random byte after the recovery point,
 * the reopened partition holds exactly the batches that lay wholly before the cut (a prefix, by
 * offset, of what was written), everything before the recovery point intact, and a stream index
 * that agrees with it. Before the cut, the sequential model holds: in offset order, each aggregate's
 * events have versions 1, 2, 3, ..., whether appended or produced. jqwik seeds every run and prints the
 * seed of a failing one.
 *
 * <p>The recovery point is placed before the cut as a crash would leave it: the appends run in two
 * sessions and the first session's {@code recovery-point} file is put back afterwards.
 */
class RecoveryPrefixPropertyTest {

  private static final String TOPIC = "prefix";
  private static final int AGGREGATES = 5;
  private static final int MAX_EVENTS_PER_APPEND = 3;
  private static final int MAX_PAYLOAD_BYTES = 200;
  private static final int SMALL_SEGMENT_BYTES = 1024;
  private static final int SMALL_MEMTABLE_ENTRIES = 16;

  /**
   * One generated write: an append to one aggregate, or (produced) a produce of twice as many events of
   * aggregates drawn from the seed; how many events, payload size, and a seed for the bytes.
   */
  record AppendSpec(int aggregate, int events, int payloadBytes, long seed, boolean produced) {
  }

  @Provide
  Arbitrary<AppendSpec> appendSpec() {
    return Combinators.combine(Arbitraries.integers().between(0, AGGREGATES - 1),
        Arbitraries.integers().between(1, MAX_EVENTS_PER_APPEND),
        Arbitraries.integers().between(0, MAX_PAYLOAD_BYTES),
        Arbitraries.longs(), Arbitraries.of(false, true)).as(AppendSpec::new);
  }

  @Property(tries = 25)
  void recoveredLogIsExactlyThePrefixBeforeTheCut(
      @ForAll @Size(min = 1, max = 15) List<@From("appendSpec") AppendSpec> firstSession,
      @ForAll @Size(min = 1, max = 25) List<@From("appendSpec") AppendSpec> secondSession,
      @ForAll boolean smallSegments,
      @ForAll boolean smallStreamMemtable,
      @ForAll long cutSeed) throws IOException {
    Path dataDir = Files.createTempDirectory("cairn-prefix-");
    Vertx vertx = Vertx.vertx();
    try {
      // given: two sessions of appends
      StoreOptions options = new StoreOptions().setDataDir(dataDir);
      if (smallStreamMemtable) {
        options.setStreamIndexMemtableEntries(SMALL_MEMTABLE_ENTRIES);
      }
      TopicConfig config = new TopicConfig().setIndexIntervalBytes(128);
      if (smallSegments) {
        config.setSegmentBytes(SMALL_SEGMENT_BYTES);
      }
      long[] versions = new long[AGGREGATES];
      EventStore store = await(EventStores.openLocal(vertx, options));
      await(store.createTopic(TOPIC, config));
      appendAll(store, firstSession, versions);
      await(store.close());
      Path partitionDir = LogFiles.partitionDir(dataDir, TOPIC, 0);
      byte[] firstRecoveryPoint = LogFiles.readAllBytes(LogFiles.recoveryPointFile(partitionDir));
      store = await(EventStores.openLocal(vertx, options));
      appendAll(store, secondSession, versions);
      List<StoredEvent> written = readAll(store, TOPIC, 0);
      Map<String, Long> model = new HashMap<>();
      for (StoredEvent event : written) {
        assertThat(event.version()).as("version at offset %d of %s (sequential model)", event.offset(),
            event.aggregateId()).isEqualTo(model.merge(event.aggregateId(), 1L, Long::sum));
      }
      for (int a = 0; a < AGGREGATES; a++) {
        assertThat(model.getOrDefault(aggregateId(a), 0L)).as("model version of %s", aggregateId(a))
            .isEqualTo(versions[a]);
      }
      await(store.close());

      // when: a crash left the first recovery point and a log cut somewhere after it
      LogFiles.write(LogFiles.recoveryPointFile(partitionDir), firstRecoveryPoint);
      LogFiles.deleteCleanShutdownMarker(partitionDir);
      long recoveryPoint = LogFiles.recoveryPoint(partitionDir);
      List<LogFiles.Batch> batches = LogFiles.allBatches(partitionDir);
      List<LogFiles.Batch> afterRecoveryPoint = batches.stream().filter(b -> b.baseOffset() >= recoveryPoint)
          .collect(Collectors.toList());
      assertThat(afterRecoveryPoint).as("second-session batches after recovery point %d", recoveryPoint)
          .isNotEmpty();
      Random random = new Random(cutSeed);
      LogFiles.Batch cutBatch = afterRecoveryPoint.get(random.nextInt(afterRecoveryPoint.size()));
      int cutAt = cutBatch.position() + random.nextInt(cutBatch.sizeBytes());
      LogFiles.truncate(cutBatch.file(), cutAt);
      long expectedEnd = cutBatch.baseOffset();
      String context = String.format("recovery point %d, cut %s at byte %d (batch %d-%d at %d)", recoveryPoint,
          cutBatch.file().getFileName(), cutAt, cutBatch.baseOffset(), cutBatch.lastOffset(), cutBatch.position());

      // then
      store = await(EventStores.openLocal(vertx, options));
      List<StoredEvent> recovered = readAll(store, TOPIC, 0);
      assertThat(ids(recovered)).as(context).isEqualTo(ids(written.subList(0, (int) expectedEnd)));
      for (StoredEvent event : recovered) {
        StoredEvent original = written.get((int) event.offset());
        assertThat(event.payload()).as("%s: payload at %d", context, event.offset()).isEqualTo(original.payload());
        assertThat(event.version()).as("%s: version at %d", context, event.offset()).isEqualTo(original.version());
      }
      Map<String, Long> recoveredVersions = new HashMap<>();
      for (StoredEvent event : recovered) {
        recoveredVersions.merge(event.aggregateId(), 1L, Long::sum);
      }
      for (int a = 0; a < AGGREGATES; a++) {
        String aggregate = aggregateId(a);
        long version = recoveredVersions.getOrDefault(aggregate, 0L);
        assertThat(await(store.streamVersion(TOPIC, aggregate))).as("%s: version of %s", context, aggregate)
            .isEqualTo(version);
        List<StoredEvent> stream = await(store.readStream(TOPIC, aggregate, 1, 1000)).events();
        assertThat(ids(stream)).as("%s: stream %s", context, aggregate).isEqualTo(ids(recovered.stream()
            .filter(e -> e.aggregateId().equals(aggregate)).collect(Collectors.toList())));
      }
      long nextVersion = recoveredVersions.getOrDefault(aggregateId(0), 0L);
      assertThat(appended(await(store.append(AppendRequest.of(TOPIC, aggregateId(0),
          ExpectedVersion.exactly(nextVersion), List.of(EventData.of("After", new byte[] {1})))))).firstOffset())
          .as("%s: next offset", context).isEqualTo(expectedEnd);
      await(store.close());
      VerifyReport report = LogInspector.verify(dataDir);
      assertThat(report.ok()).as("%s: LogInspector: %s", context, report).isTrue();
    } finally {
      await(vertx.close());
      deleteRecursively(dataDir);
    }
  }

  private static void appendAll(EventStore store, List<AppendSpec> specs, long[] versions) {
    for (AppendSpec spec : specs) {
      Random random = new Random(spec.seed());
      if (spec.produced()) {
        List<KeyedEvent> batch = new ArrayList<>();
        for (int i = 0; i < 2 * spec.events(); i++) {
          int aggregate = random.nextInt(AGGREGATES);
          byte[] payload = new byte[spec.payloadBytes()];
          random.nextBytes(payload);
          batch.add(new KeyedEvent(aggregateId(aggregate),
              EventData.of(new UUID(random.nextLong(), random.nextLong()), "Produced", payload)));
          versions[aggregate]++;
        }
        ProduceResult result = await(store.produce(TOPIC, 0, EventBatches.encode(batch,
            random.nextBoolean() ? CompressionType.NONE : CompressionType.ZSTD, ProducerInfo.NONE,
            System.currentTimeMillis())));
        assertThat(result.lastOffset() - result.baseOffset() + 1).isEqualTo(batch.size());
        continue;
      }
      List<EventData> events = new ArrayList<>();
      for (int i = 0; i < spec.events(); i++) {
        byte[] payload = new byte[spec.payloadBytes()];
        random.nextBytes(payload);
        events.add(EventData.of(new UUID(random.nextLong(), random.nextLong()), "Generated", payload));
      }
      versions[spec.aggregate()] = appended(await(store.append(AppendRequest.of(TOPIC, aggregateId(spec.aggregate()),
          ExpectedVersion.exactly(versions[spec.aggregate()]), events)))).newVersion();
    }
  }

  private static String aggregateId(int index) {
    return "agg-" + index;
  }

  private static List<UUID> ids(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::eventId).collect(Collectors.toList());
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
