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
import io.cairn.eventstore.Header;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.LogInspector;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.log.SegmentFiles;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A data directory written before ADR 0014, whose records carry the three headers {@code cairn.v},
 * {@code cairn.id} and {@code cairn.type}: it opens, recovers and rebuilds its indexes from the log, reads
 * every event with its version, id and type, and takes new appends (in the one-header layout). The old
 * directory is made from a new one by re-encoding its log's records in the old layout and deleting every
 * other file the log's recovery can rebuild.
 */
class OldRecordLayoutTest {

  private static final String TOPIC = "old";
  private static final byte[] VERSION_KEY = "cairn.v".getBytes(StandardCharsets.UTF_8);
  private static final byte[] EVENT_ID_KEY = "cairn.id".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TYPE_KEY = "cairn.type".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private EventStore store;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    try {
      if (store != null) {
        await(store.close());
      }
    } finally {
      await(vertx.close());
    }
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = {"NONE", "LZ4"})
  void aLogOfThreeHeaderRecordsIsReadRecoveredIndexedAndAppendedTo(CompressionType compression) {
    // given: appends of one to three events, and a produced batch interleaving three aggregates
    store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)));
    await(store.createTopic(TOPIC, new TopicConfig().setCompressionType(compression)));
    for (int i = 0; i < 12; i++) {
      String aggregate = "acc-" + (i % 3);
      List<EventData> events = new ArrayList<>();
      for (int e = 0; e <= i % 3; e++) {
        events.add(new EventData(UUID.randomUUID(), "Deposited", ("d" + i + "." + e).getBytes(StandardCharsets.UTF_8),
            List.of(Header.of("trace", "t" + i))));
      }
      appended(await(store.append(AppendRequest.of(TOPIC, aggregate, ExpectedVersion.ANY, events))));
    }
    List<KeyedEvent> produced = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      produced.add(new KeyedEvent("acc-" + (i * 2 % 3),
          EventData.of("Withdrawn", ("w" + i).getBytes(StandardCharsets.UTF_8))));
    }
    await(store.produce(TOPIC, 0, EventBatches.encode(produced, CompressionType.NONE, ProducerInfo.NONE,
        System.currentTimeMillis())));
    List<StoredEvent> written = readAll(store, TOPIC, 0);
    await(store.close());
    store = null;

    // when: the log is rewritten in the old layout and the rest of the partition directory deleted
    Path partitionDir = LogFiles.partitionDir(dataDir, TOPIC, 0);
    rewriteInOldLayout(LogFiles.activeSegment(partitionDir));
    deleteAllBut(partitionDir, SegmentFiles.LOG_SUFFIX);
    store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)));

    // then
    assertSameEvents(readAll(store, TOPIC, 0), written);
    for (int a = 0; a < 3; a++) {
      String aggregate = "acc-" + a;
      List<StoredEvent> ofAggregate = written.stream().filter(e -> e.aggregateId().equals(aggregate))
          .collect(Collectors.toList());
      assertThat(await(store.streamVersion(TOPIC, aggregate))).as("version of %s", aggregate)
          .isEqualTo((long) ofAggregate.size());
      assertSameEvents(await(store.readStream(TOPIC, aggregate, 1, 100)).events(), ofAggregate);
    }
    long acc0 = written.stream().filter(e -> e.aggregateId().equals("acc-0")).count();
    EventData next = EventData.of("Closed", new byte[] {1});
    long offset = appended(await(store.append(AppendRequest.of(TOPIC, "acc-0", ExpectedVersion.exactly(acc0),
        List.of(next))))).firstOffset();
    StoredEvent stored = await(store.readStream(TOPIC, "acc-0", acc0 + 1, 1)).events().get(0);
    assertThat(stored.offset()).isEqualTo(offset).isEqualTo(written.size());
    assertThat(stored.version()).isEqualTo(acc0 + 1);
    assertThat(stored.eventId()).isEqualTo(next.eventId());
    assertThat(firstHeaderKeyOfLastRecord(await(store.fetch(TOPIC, 0, offset, 1 << 16, 0)).records()))
        .as("a new append uses the one-header layout").isEqualTo(EventHeaders.EVENT_KEY);
    await(store.close());
    store = null;
    assertThat(LogInspector.verify(dataDir).ok()).as("LogInspector").isTrue();
  }

  private static void assertSameEvents(List<StoredEvent> actual, List<StoredEvent> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      StoredEvent a = actual.get(i);
      StoredEvent e = expected.get(i);
      assertThat(List.of(a.offset(), a.aggregateId(), a.version(), a.eventId(), a.type(), a.headers()))
          .as("event %d", i).isEqualTo(List.of(e.offset(), e.aggregateId(), e.version(), e.eventId(), e.type(),
              e.headers()));
      assertThat(a.payload()).as("payload of event %d", i).isEqualTo(e.payload());
    }
  }

  /** Re-encodes every batch of {@code log}: each record's {@code cairn.e} becomes the three old headers. */
  private static void rewriteInOldLayout(Path log) {
    ByteBuffer bytes = ByteBuffer.wrap(LogFiles.readAllBytes(log));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RecordBatchReader reader = new RecordBatchReader(); RecordBatchBuilder builder = new RecordBatchBuilder()) {
      for (LogFiles.Batch batch : LogFiles.batches(log)) {
        reader.reset(bytes, batch.position());
        builder.reset(reader.baseOffset(), reader.partitionLeaderEpoch(), reader.compression(), reader.producerId(),
            reader.producerEpoch(), reader.baseSequence(), reader.baseTimestamp());
        while (reader.next()) {
          assertThat(reader.headerKey(0)).isEqualTo(EventHeaders.EVENT_KEY);
          builder.startRecordFrom(reader, reader.timestampMs(), reader.headerCount() + 2)
              .addHeader(VERSION_KEY, value(reader, 0, Long.BYTES))
              .addHeader(EVENT_ID_KEY, value(reader, Long.BYTES, 2 * Long.BYTES))
              .addHeader(TYPE_KEY, value(reader, EventHeaders.EVENT_VALUE_TYPE_OFFSET,
                  reader.headerValueLength(0) - EventHeaders.EVENT_VALUE_TYPE_OFFSET));
          for (int h = 1; h < reader.headerCount(); h++) {
            builder.addHeaderFrom(reader, h);
          }
          builder.endRecord();
        }
        ByteBuffer rewritten = builder.build();
        byte[] copy = new byte[rewritten.remaining()];
        rewritten.get(copy);
        out.writeBytes(copy);
      }
    }
    LogFiles.write(log, out.toByteArray());
  }

  private static byte[] value(RecordBatchReader reader, int from, int length) {
    byte[] value = reader.headerValue(0).orElseThrow();
    byte[] part = new byte[length];
    System.arraycopy(value, from, part, 0, length);
    return part;
  }

  /** Deletes everything under {@code dir} but its files named {@code *suffix}, and says what it deleted. */
  private static void deleteAllBut(Path dir, String suffix) {
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> doomed = paths.filter(p -> !p.equals(dir) && !p.getFileName().toString().endsWith(suffix))
          .sorted(Comparator.reverseOrder()).collect(Collectors.toList());
      assertThat(doomed).as("index files to delete").isNotEmpty();
      for (Path path : doomed) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstHeaderKeyOfLastRecord(ByteBuffer batches) {
    try (RecordBatchReader reader = new RecordBatchReader()) {
      reader.reset(batches, batches.position());
      String key = null;
      while (reader.next()) {
        key = reader.headerKey(0);
      }
      return key;
    }
  }
}
