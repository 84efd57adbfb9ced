package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Cairn's reserved header: written first on every event record, read back, invisible to user headers. */
class EventHeadersTest {

  private static final byte[] AGGREGATE = "account-17".getBytes(StandardCharsets.UTF_8);
  private static final UUID EVENT_ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

  private RecordBatchBuilder builder;
  private RecordBatchReader reader;

  @BeforeEach
  void open() {
    builder = new RecordBatchBuilder();
    reader = new RecordBatchReader();
  }

  @AfterEach
  void close() {
    builder.close();
    reader.close();
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void eventRecordsCarryVersionIdAndTypeFirstThenUserHeaders(CompressionType compression) {
    // given
    List<Header> user = List.of(Header.of("correlation-id", "c-1"), new Header("empty", null));
    builder.reset(40L, 2, compression, -1L, (short) -1, -1, 1000L);

    // when
    EventHeaders.addEvent(builder, 1000L, AGGREGATE, 7L, EVENT_ID, "MoneyDeposited", "{}".getBytes(StandardCharsets.UTF_8), user);
    EventHeaders.addEvent(builder, 1001L, AGGREGATE, 8L, new UUID(0, 1), "AccountClosed", null, List.of());
    reader.reset(builder.build(), 0);

    // then
    assertThat(reader.next()).isTrue();
    assertThat(reader.keyEquals(AGGREGATE)).isTrue();
    assertThat(EventHeaders.version(reader)).isEqualTo(7L);
    assertThat(EventHeaders.eventId(reader)).contains(EVENT_ID);
    assertThat(EventHeaders.type(reader)).isEqualTo("MoneyDeposited");
    assertThat(EventHeaders.userHeaders(reader)).isEqualTo(user);
    assertThat(reader.headers()).extracting(Header::key)
        .containsExactly("cairn.e", "correlation-id", "empty");
    assertThat(reader.next()).isTrue();
    assertThat(EventHeaders.version(reader)).isEqualTo(8L);
    assertThat(EventHeaders.eventId(reader)).contains(new UUID(0, 1));
    assertThat(EventHeaders.type(reader)).isEqualTo("AccountClosed");
    assertThat(reader.value()).as("tombstone").isEmpty();
    assertThat(EventHeaders.userHeaders(reader)).isEmpty();
  }

  @Test
  void theReservedHeaderHasTheDocumentedBytesAsKafkaSeesThem() {
    // given
    builder.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 5L);
    EventHeaders.addEvent(builder, 5L, AGGREGATE, 258L, EVENT_ID, "Opened", new byte[0], List.of());

    // when
    Record kafka = MemoryRecords.readableRecords(builder.build()).records().iterator().next();

    // then
    org.apache.kafka.common.header.Header[] headers = kafka.headers();
    assertThat(headers).extracting(org.apache.kafka.common.header.Header::key).containsExactly("cairn.e");
    assertThat(HexFormat.of().formatHex(headers[0].value()))
        .isEqualTo("0000000000000102" + "123e4567e89b12d3a456426614174000" + "4f70656e6564");
  }

  @Test
  void aRecordOfTheThreeHeaderLayoutBeforeAdr0014ReadsAsBefore() {
    // given: a record as Cairn wrote it before ADR 0014 (cairn.v, cairn.id, cairn.type, then the user's)
    builder.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 5L);
    builder.addRecord(5L, AGGREGATE, new byte[] {1}, List.of(
        new Header("cairn.v", HexFormat.of().parseHex("0000000000000102")),
        new Header("cairn.id", HexFormat.of().parseHex("123e4567e89b12d3a456426614174000")),
        Header.of("cairn.type", "Opened"), Header.of("trace", "t-1")));

    // when
    reader.reset(builder.build(), 0);
    reader.next();

    // then
    assertThat(EventHeaders.version(reader)).isEqualTo(258L);
    assertThat(EventHeaders.eventId(reader)).contains(EVENT_ID);
    assertThat(EventHeaders.type(reader)).isEqualTo("Opened");
    assertThat(EventHeaders.userHeaders(reader)).containsExactly(Header.of("trace", "t-1"));
  }

  @Test
  void theReservedHeaderIsFoundWhereverItIsAndPreferredToTheOldLayout() {
    // given: a user header first, then cairn.e, then a stray old-layout version header
    builder.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 5L);
    builder.startRecord(5L, AGGREGATE, new byte[] {1}, 3).addHeader("trace", null)
        .addLongUuidStringHeader("cairn.e".getBytes(StandardCharsets.UTF_8), 9L, 1L, 2L, "Moved")
        .addHeader("cairn.v", HexFormat.of().parseHex("0000000000000063")).endRecord();

    // when
    reader.reset(builder.build(), 0);
    reader.next();

    // then
    assertThat(EventHeaders.version(reader)).isEqualTo(9L);
    assertThat(EventHeaders.eventId(reader)).contains(new UUID(1L, 2L));
    assertThat(EventHeaders.type(reader)).isEqualTo("Moved");
    assertThat(EventHeaders.userHeaders(reader)).containsExactly(new Header("trace", null));
  }

  @Test
  void recordsWithoutReservedHeadersReadAsMinusOneEmptyAndBlank() {
    // given: what a plain Kafka producer writes, then reserved headers too short to hold what they should
    builder.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 5L);
    builder.addRecord(5L, null, "x".getBytes(StandardCharsets.UTF_8), List.of(Header.of("other", "1")));
    builder.addRecord(5L, null, null, List.of(new Header("cairn.v", new byte[] {1, 2}), new Header("cairn.id", new byte[3])));
    builder.addRecord(5L, null, null, List.of(new Header("cairn.e", new byte[23])));

    // when
    reader.reset(builder.build(), 0);

    // then
    assertThat(reader.next()).isTrue();
    assertThat(EventHeaders.version(reader)).isEqualTo(EventHeaders.NO_VERSION);
    assertThat(EventHeaders.eventId(reader)).isEmpty();
    assertThat(EventHeaders.type(reader)).isEmpty();
    assertThat(EventHeaders.userHeaders(reader)).containsExactly(Header.of("other", "1"));
    assertThat(reader.next()).isTrue();
    assertThat(EventHeaders.version(reader)).isEqualTo(EventHeaders.NO_VERSION);
    assertThat(EventHeaders.eventId(reader)).isEmpty();
    assertThat(reader.next()).isTrue();
    assertThat(EventHeaders.version(reader)).isEqualTo(EventHeaders.NO_VERSION);
    assertThat(EventHeaders.eventId(reader)).isEmpty();
    assertThat(EventHeaders.type(reader)).isEmpty();
  }

  @Test
  void aProducedEventCarriesTheReservedHeaderWithVersionZero() {
    // given
    builder.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 5L);
    List<Header> user = List.of(Header.of("trace", "t-1"));
    byte[] payload = new byte[10];

    // when
    EventHeaders.addProducedEvent(builder, 5L, "account-17", EVENT_ID, "Opened", payload, user);
    ByteBuffer batch = builder.build();
    reader.reset(batch, 0);
    reader.next();

    // then
    assertThat(reader.headers()).extracting(Header::key).containsExactly("cairn.e", "trace");
    assertThat(EventHeaders.version(reader)).isEqualTo(EventHeaders.UNASSIGNED_VERSION);
    assertThat(EventHeaders.eventId(reader)).contains(EVENT_ID);
    assertThat(EventHeaders.type(reader)).isEqualTo("Opened");
    assertThat((long) batch.remaining() - BatchHeader.HEADER_SIZE).as("bytes of the record")
        .isLessThanOrEqualTo(EventHeaders.maxProducedEventSizeInBytes(10, "Opened", payload, user));
  }

  @Test
  void userHeadersInTheReservedNameSpaceAreRejected() {
    // given
    builder.reset(0L, 0, CompressionType.NONE, -1L, (short) -1, -1, 5L);
    List<Header> user = List.of(Header.of("ok", "1"), Header.of("cairn.v", "2"));

    // when / then
    assertThatThrownBy(() -> EventHeaders.addEvent(builder, 5L, AGGREGATE, 1L, EVENT_ID, "T", null, user))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("headers[1].key = \"cairn.v\": names starting with cairn. are reserved")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("headers[1].key");
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void recoveryReadsAggregateAndVersionOfTheFirstRecordOnly(CompressionType compression) {
    // given: one append = one batch of 50 events for one aggregate, versions 101..150
    builder.reset(500L, 0, compression, -1L, (short) -1, -1, 9L);
    for (int i = 0; i < 50; i++) {
      EventHeaders.startEvent(builder, 9L, AGGREGATE, 101L + i, 0L, i, "Tick", new byte[200], 1);
      builder.addHeader("n", new byte[] {(byte) i});
      builder.endRecord();
    }
    ByteBuffer batch = builder.build();
    byte[] key = new byte[64];

    // when
    reader.reset(batch, 0, false);
    reader.next();
    int keyLength = reader.copyKey(key, 0);

    // then
    assertThat(new String(key, 0, keyLength, StandardCharsets.UTF_8)).isEqualTo("account-17");
    assertThat(EventHeaders.version(reader)).isEqualTo(101L);
    assertThat(reader.recordsCount()).isEqualTo(50);
    assertThat(reader.lastOffset()).isEqualTo(549L);
  }
}
