package io.cairn.eventstore;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link EventBatchWriter}: the bytes of {@link EventBatches#encode}, written one record at a time into a caller's buffer. */
class EventBatchWriterTest {

  private static final long SEED = 0x5eedba7cL;
  private static final long TIMESTAMP_MS = 1_700_000_000_000L;
  private static final ProducerInfo PRODUCER = new ProducerInfo(42, (short) 3, 1000);

  /** Events of every shape encode takes: user headers (one without a value), a tombstone, non-ASCII ids and types. */
  private static List<KeyedEvent> mixedEvents(int count) {
    Random random = new Random(SEED);
    List<KeyedEvent> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = i % 17 == 5 ? null : ("{\"n\":" + i + ",\"text\":\"" + "abc".repeat(random.nextInt(40)) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      List<Header> headers = i % 3 == 0 ? List.of(Header.of("trace", "t-" + i), new Header("flag", null)) : List.of();
      String type = i % 4 == 0 ? "Überweisung" : "Type" + (i % 3);
      events.add(new KeyedEvent(i % 5 == 0 ? "konto-é-" + i : "agg-" + (i % 7),
          new EventData(new UUID(random.nextLong(), random.nextLong()), type, payload, headers)));
    }
    return events;
  }

  private static EventBatchWriter writerWith(ByteBuffer buffer, List<KeyedEvent> events) {
    EventBatchWriter writer = EventBatches.writer(buffer);
    for (KeyedEvent event : events) {
      assertThat(writer.tryAppend(event.aggregateId(), event.event(), TIMESTAMP_MS)).isTrue();
    }
    return writer;
  }

  private static byte[] bytes(ByteBuffer batch) {
    byte[] bytes = new byte[batch.remaining()];
    batch.duplicate().get(bytes);
    return bytes;
  }

  @Nested
  class SameBytesAsEncode {

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aBatchWrittenRecordByRecordIsByteForByteTheEncodedOne(CompressionType compression) {
      // given
      List<KeyedEvent> events = mixedEvents(60);
      EventBatchWriter writer = writerWith(ByteBuffer.allocate(64 * 1024), events);

      // when
      ByteBuffer written = writer.build(compression, PRODUCER);

      // then
      ByteBuffer encoded = EventBatches.encode(events, compression, PRODUCER, TIMESTAMP_MS);
      assertThat(bytes(written)).as("seed %x, %s", SEED, compression).isEqualTo(bytes(encoded));
      assertThat(writer.recordCount()).isEqualTo(60);
      assertThat(writer.sizeInBytes()).as("uncompressed size").isEqualTo(
          EventBatches.encode(events, CompressionType.NONE, PRODUCER, TIMESTAMP_MS).remaining());
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void buildingAgainWithNewProducerFieldsOnlyRestampsTheHeader(CompressionType compression) {
      // given
      List<KeyedEvent> events = mixedEvents(25);
      EventBatchWriter writer = writerWith(ByteBuffer.allocate(16 * 1024), events);
      ByteBuffer first = writer.build(compression, PRODUCER);
      ProducerInfo bumped = new ProducerInfo(42, (short) 4, 0);

      // when
      ByteBuffer second = writer.build(compression, bumped);

      // then
      assertThat(bytes(second)).isEqualTo(bytes(EventBatches.encode(events, compression, bumped, TIMESTAMP_MS)));
      assertThat(second.remaining()).isEqualTo(first.remaining());
      assertThatThrownBy(() -> writer.build(compression == CompressionType.NONE ? CompressionType.LZ4
          : CompressionType.NONE, bumped)).isInstanceOf(IllegalStateException.class).hasMessageContaining("compression");
    }

    @Test
    void theFirstRecordsTimestampIsTheBaseAndEachRecordKeepsItsOwn() {
      // given
      EventBatchWriter writer = EventBatches.writer(ByteBuffer.allocate(4096));
      writer.tryAppend("a", EventData.of("E", new byte[] {1}), TIMESTAMP_MS + 10);
      writer.tryAppend("b", EventData.of("E", new byte[] {2}), TIMESTAMP_MS);
      writer.tryAppend("c", EventData.of("E", new byte[] {3}), TIMESTAMP_MS + 25);

      // when
      List<StoredEvent> decoded = EventBatches.decode("t", 0, writer.build(CompressionType.NONE, ProducerInfo.NONE), 0);

      // then
      assertThat(decoded).extracting(StoredEvent::timestamp)
          .containsExactly(TIMESTAMP_MS + 10, TIMESTAMP_MS, TIMESTAMP_MS + 25);
      assertThat(decoded).extracting(StoredEvent::aggregateId).containsExactly("a", "b", "c");
    }
  }

  @Nested
  class RefusedRecords {

    @Test
    void anInvalidRecordFailsAloneWithEncodesFieldNameAndTheBatchStaysIntact() {
      // given
      List<KeyedEvent> valid = mixedEvents(4);
      EventBatchWriter writer = writerWith(ByteBuffer.allocate(8 * 1024), valid.subList(0, 2));
      KeyedEvent badType = new KeyedEvent("a", EventData.of("t".repeat(256), new byte[1]));
      KeyedEvent reservedHeader = new KeyedEvent("a", new EventData(UUID.randomUUID(), "E", new byte[1],
          List.of(Header.of("cairn.v", "9"))));
      KeyedEvent emptyId = new KeyedEvent("", EventData.of("E", new byte[1]));

      // when / then: the same field names as encode gives for the record at that index
      for (KeyedEvent bad : List.of(badType, reservedHeader, emptyId)) {
        InvalidInputException fromWriter = catchInvalid(() -> writer.tryAppend(bad.aggregateId(), bad.event(),
            TIMESTAMP_MS));
        List<KeyedEvent> withBad = new ArrayList<>(valid.subList(0, 2));
        withBad.add(bad);
        InvalidInputException fromEncode = catchInvalid(() -> EventBatches.encode(withBad, CompressionType.NONE,
            PRODUCER, TIMESTAMP_MS));
        assertThat(fromWriter.field()).isEqualTo(fromEncode.field()).startsWith("events[2]");
        assertThat(fromWriter.getMessage()).isEqualTo(fromEncode.getMessage());
      }
      assertThat(writer.recordCount()).isEqualTo(2);
      writer.tryAppend(valid.get(2).aggregateId(), valid.get(2).event(), TIMESTAMP_MS);
      writer.tryAppend(valid.get(3).aggregateId(), valid.get(3).event(), TIMESTAMP_MS);
      assertThat(bytes(writer.build(CompressionType.NONE, PRODUCER)))
          .isEqualTo(bytes(EventBatches.encode(valid, CompressionType.NONE, PRODUCER, TIMESTAMP_MS)));
    }

    private InvalidInputException catchInvalid(Runnable call) {
      try {
        call.run();
      } catch (InvalidInputException e) {
        return e;
      }
      throw new AssertionError("expected an InvalidInputException");
    }

    @Test
    void aRecordThatDoesNotFitIsRefusedWithoutTouchingTheBatch() {
      // given: a buffer that takes exactly the first record by the writer's own bound
      EventData event = EventData.of(UUID.randomUUID(), "E", new byte[300]);
      int capacity = (int) EventBatches.capacityFor("a", event);
      EventBatchWriter writer = EventBatches.writer(ByteBuffer.allocate(capacity));
      assertThat(writer.tryAppend("a", event, TIMESTAMP_MS)).as("capacityFor is enough for a lone record").isTrue();
      int size = writer.sizeInBytes();

      // when
      boolean second = writer.tryAppend("b", EventData.of("E", new byte[1]), TIMESTAMP_MS);

      // then
      assertThat(second).isFalse();
      assertThat(writer.sizeInBytes()).isEqualTo(size).isLessThanOrEqualTo(writer.capacityInBytes());
      assertThat(bytes(writer.build(CompressionType.NONE, ProducerInfo.NONE))).isEqualTo(bytes(
          EventBatches.encode(List.of(new KeyedEvent("a", event)), CompressionType.NONE, ProducerInfo.NONE,
              TIMESTAMP_MS)));
    }

    @Test
    void nothingIsAppendedAfterBuildAndAnEmptyBatchCannotBeBuilt() {
      EventBatchWriter writer = EventBatches.writer(ByteBuffer.allocate(1024));
      assertThatThrownBy(() -> writer.build(CompressionType.NONE, ProducerInfo.NONE))
          .isInstanceOf(IllegalStateException.class);
      writer.tryAppend("a", EventData.of("E", new byte[1]), TIMESTAMP_MS);
      writer.build(CompressionType.NONE, ProducerInfo.NONE);
      assertThatThrownBy(() -> writer.tryAppend("a", EventData.of("E", new byte[1]), TIMESTAMP_MS))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> EventBatches.writer(ByteBuffer.allocateDirect(1024)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class CallersBuffer {

    @Test
    void recordsGoIntoTheCallersArrayWhichCanBeReusedForTheNextBatch() {
      // given
      ByteBuffer buffer = ByteBuffer.allocate(8 * 1024);
      List<KeyedEvent> first = mixedEvents(10);
      ByteBuffer built = writerWith(buffer, first).build(CompressionType.NONE, PRODUCER);
      assertThat(built.array()).as("an uncompressed batch is a view of the caller's array").isSameAs(buffer.array());
      byte[] firstBytes = bytes(built);

      // when: the same buffer serves a second batch
      List<KeyedEvent> second = mixedEvents(3);
      ByteBuffer again = writerWith(buffer, second).build(CompressionType.ZSTD, ProducerInfo.NONE);

      // then
      assertThat(firstBytes).isEqualTo(bytes(EventBatches.encode(first, CompressionType.NONE, PRODUCER, TIMESTAMP_MS)));
      assertThat(bytes(again)).isEqualTo(bytes(EventBatches.encode(second, CompressionType.ZSTD, ProducerInfo.NONE,
          TIMESTAMP_MS)));
      assertThat(again.array()).as("the compressed batch replaces the records").isSameAs(buffer.array());
    }

    @Test
    void aCompressedBatchLargerThanTheBufferGoesToANewOne() {
      // given: a random payload does not compress, and snappy adds its framing to every 32 KiB block
      Random random = new Random(SEED);
      byte[] payload = new byte[1 << 20];
      random.nextBytes(payload);
      EventData event = EventData.of(UUID.randomUUID(), "E", payload);
      ByteBuffer buffer = ByteBuffer.allocate((int) EventBatches.capacityFor("a", event));
      EventBatchWriter writer = EventBatches.writer(buffer);
      writer.tryAppend("a", event, TIMESTAMP_MS);

      // when
      ByteBuffer built = writer.build(CompressionType.SNAPPY, PRODUCER);

      // then
      assertThat(built.remaining()).as("the compressed batch is larger than the buffer").isGreaterThan(buffer.capacity());
      assertThat(built.array()).isNotSameAs(buffer.array());
      assertThat(bytes(built)).isEqualTo(bytes(EventBatches.encode(List.of(new KeyedEvent("a", event)),
          CompressionType.SNAPPY, PRODUCER, TIMESTAMP_MS)));
    }
  }

  @Nested
  class TheStoreAcceptsThem {

    private Vertx vertx;
    private EventStore store;

    @BeforeEach
    void open(@TempDir Path dataDir) {
      vertx = Vertx.vertx();
      store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)));
      await(store.createTopic("written", new TopicConfig().setCleanupPolicy(CleanupPolicy.COMPACT)));
    }

    @AfterEach
    void close() {
      await(store.close());
      await(vertx.close());
    }

    @Test
    void batchesOfEveryCompressionAreStoredAndReadBackAsTheirEvents() {
      // given
      List<KeyedEvent> sent = new ArrayList<>();
      int sequence = 0;
      for (CompressionType compression : CompressionType.values()) {
        List<KeyedEvent> events = mixedEvents(20);
        EventBatchWriter writer = writerWith(ByteBuffer.allocate(16 * 1024), events);

        // when: built with a stale epoch first, then re-stamped with the right one
        writer.build(compression, new ProducerInfo(7, (short) 0, 500));
        ProduceResult result = await(store.produce("written", 0, writer.build(compression,
            new ProducerInfo(7, (short) 1, sequence))));

        // then
        assertThat(result.duplicate()).isFalse();
        assertThat(result.lastOffset() - result.baseOffset() + 1).isEqualTo(events.size());
        sequence += events.size();
        sent.addAll(events);
      }

      List<StoredEvent> stored = await(store.read("written", 0, 0, 16 * 1024 * 1024)).events();
      assertThat(stored).hasSize(sent.size());
      for (int i = 0; i < sent.size(); i++) {
        EventData expected = sent.get(i).event();
        assertThat(stored.get(i).aggregateId()).isEqualTo(sent.get(i).aggregateId());
        assertThat(stored.get(i).eventId()).isEqualTo(expected.eventId());
        assertThat(stored.get(i).type()).isEqualTo(expected.type());
        assertThat(stored.get(i).payload()).isEqualTo(expected.payload());
        assertThat(stored.get(i).headers()).isEqualTo(expected.headers());
        assertThat(stored.get(i).timestamp()).isEqualTo(TIMESTAMP_MS);
      }
    }
  }
}
