package io.cairn.eventstore.serde;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.serde.avro.AccountOpened;
import io.cairn.eventstore.serde.avro.MoneyDeposited;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link AvroEventCodec} with classes generated from {@code src/test/avro} and with generic records:
 * round trips, bad input, and schema evolution against a real store's registry (Avro's rules).
 */
class AvroEventCodecTest extends LocalStoreFixture {

  static final String TOPIC = "accounts";
  static final String OPENED = "AccountOpened";

  /** Version 1 of AccountOpened (the generated class is version 2, which added currency with a default). */
  static final Schema OPENED_V1 = schema("""
      {"type":"record","name":"AccountOpened","namespace":"io.cairn.eventstore.serde.avro","fields":[
        {"name":"accountId","type":"string"},{"name":"balanceCents","type":"long"}]}""");
  /** Adds a field without a default: new code cannot read older events. */
  static final Schema OPENED_WITH_OWNER = schema("""
      {"type":"record","name":"AccountOpened","namespace":"io.cairn.eventstore.serde.avro","fields":[
        {"name":"accountId","type":"string"},{"name":"balanceCents","type":"long"},
        {"name":"currency","type":"string","default":"EUR"},{"name":"owner","type":"string"}]}""");
  /** Changes balanceCents from long to string. */
  static final Schema OPENED_WITH_TEXT_BALANCE = schema("""
      {"type":"record","name":"AccountOpened","namespace":"io.cairn.eventstore.serde.avro","fields":[
        {"name":"accountId","type":"string"},{"name":"balanceCents","type":"string"},
        {"name":"currency","type":"string","default":"EUR"}]}""");
  /** Drops balanceCents, which version 1 readers need (no default there). */
  static final Schema OPENED_WITHOUT_BALANCE = schema("""
      {"type":"record","name":"AccountOpened","namespace":"io.cairn.eventstore.serde.avro","fields":[
        {"name":"accountId","type":"string"}]}""");

  static Schema schema(String text) {
    return new Schema.Parser().parse(text);
  }

  static GenericRecord openedV1(String accountId, long balanceCents) {
    GenericRecord record = new GenericData.Record(OPENED_V1);
    record.put("accountId", accountId);
    record.put("balanceCents", balanceCents);
    return record;
  }

  static AvroEventCodec<SpecificRecord> specificCodec() {
    return AvroEventCodec.builder(SpecificRecord.class)
        .type(OPENED, AccountOpened.class)
        .type("MoneyDeposited", MoneyDeposited.class)
        .build();
  }

  @Nested
  class WithoutRegistry {

    private final AvroEventCodec<SpecificRecord> codec = specificCodec();

    @Test
    void generatedClassesReadBackEqual() {
      List<SpecificRecord> events = List.of(
          new AccountOpened("acc-1", 500L, "CHF"),
          new MoneyDeposited("acc-1", 250L, "salary"),
          new MoneyDeposited("acc-1", 1L, null));

      for (SpecificRecord event : events) {
        SerializedEvent serialized = codec.encode(event);

        assertThat(serialized.contentType()).isEqualTo(ContentTypes.AVRO);
        assertThat(serialized.schemaId()).isEqualTo(SerializedEvent.NO_SCHEMA);
        assertThat(codec.decode(serialized)).isEqualTo(event);
      }
    }

    @Test
    void theTypeNameIsTheMappedOneNotTheAvroName() {
      assertThat(codec.encode(new MoneyDeposited("a", 1L, null)).type()).isEqualTo("MoneyDeposited");
      AvroEventCodec<SpecificRecord> renamed = AvroEventCodec.builder(SpecificRecord.class)
          .type("bank.deposit", MoneyDeposited.class).build();
      assertThat(renamed.encode(new MoneyDeposited("a", 1L, null)).type()).isEqualTo("bank.deposit");
    }

    @Test
    void genericRecordsReadBackEqual() {
      AvroEventCodec<GenericRecord> generic = AvroEventCodec.genericBuilder().type(OPENED, OPENED_V1).build();
      GenericRecord event = openedV1("acc-2", 99);

      SerializedEvent serialized = generic.encode(event);

      assertThat(serialized.type()).isEqualTo(OPENED);
      assertThat(generic.decode(serialized)).isEqualTo(event);
    }

    @Test
    void aGenericRecordOfAnUnmappedSchemaIsRefused() {
      AvroEventCodec<GenericRecord> generic = AvroEventCodec.genericBuilder().type(OPENED, OPENED_V1).build();
      GenericRecord other = new GenericData.Record(MoneyDeposited.getClassSchema());

      assertThatThrownBy(() -> generic.encode(other)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("io.cairn.eventstore.serde.avro.MoneyDeposited");
    }

    @Test
    void anUnknownTypeIsRefusedNamingTypeAndSchemaId() {
      SerializedEvent unknown = new SerializedEvent("AccountFrozen", new byte[] {0}, ContentTypes.AVRO, 7);

      assertThatThrownBy(() -> codec.decode(unknown)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("AccountFrozen").hasMessageContaining("schema id 7");
    }

    @Test
    void aTruncatedPayloadIsRefusedNamingTypeAndSchemaId() {
      byte[] payload = codec.encode(new AccountOpened("acc-1", 500L, "CHF")).payload();
      SerializedEvent truncated = new SerializedEvent(OPENED, Arrays.copyOf(payload, payload.length - 2),
          ContentTypes.AVRO, 0);

      assertThatThrownBy(() -> codec.decode(truncated)).isInstanceOf(SerializationException.class)
          .hasMessageContaining(OPENED).hasMessageContaining("schema id 0");
    }

    @Test
    void trailingBytesAreRefused() {
      byte[] payload = codec.encode(new AccountOpened("acc-1", 500L, "CHF")).payload();
      SerializedEvent longer = new SerializedEvent(OPENED, Arrays.copyOf(payload, payload.length + 3),
          ContentTypes.AVRO, 0);

      assertThatThrownBy(() -> codec.decode(longer)).isInstanceOf(SerializationException.class)
          .hasMessageContaining(OPENED).hasMessageContaining("bytes left");
    }

    @Test
    void jsonPayloadsAreRefused() {
      SerializedEvent json = new SerializedEvent(OPENED, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          ContentTypes.JSON, 0);

      assertThatThrownBy(() -> codec.decode(json)).isInstanceOf(SerializationException.class)
          .hasMessageContaining(ContentTypes.JSON);
    }
  }

  @Nested
  class Evolution {

    SchemaRegistry registry;

    @BeforeEach
    void createTopicAndRegistry() {
      await(store.createTopic(TOPIC, new TopicConfig()));
      registry = openRegistry();
    }

    <E> void append(EventCodec<E> codec, String aggregateId, E event) {
      SerializedEvent serialized = codec.encode(event);
      EventData data = new EventData(UUID.randomUUID(), serialized.type(), serialized.payload(),
          EventMetadata.headers(serialized, null, null));
      await(store.append(AppendRequest.of(TOPIC, aggregateId, ExpectedVersion.ANY, List.of(data))));
    }

    <E> List<E> readAll(EventCodec<E> codec, String aggregateId) {
      return await(store.readStream(TOPIC, aggregateId, 1, 1000)).events().stream()
          .map(EventMetadata::serialized).map(codec::decode).toList();
    }

    AvroEventCodec<GenericRecord> genericCodec(Schema schema, SchemaRegistry in) {
      return await(AvroEventCodec.genericBuilder().type(OPENED, schema).build(in));
    }

    Throwable registrationFailure(Schema schema) {
      return failureOf(() -> AvroEventCodec.genericBuilder().type(OPENED, schema).build(registry));
    }

    @Test
    void addingAFieldWithADefaultIsAcceptedAndNewCodeReadsOldEvents() {
      // given: version 1 events in the store
      AvroEventCodec<GenericRecord> v1 = genericCodec(OPENED_V1, registry);
      append(v1, "acc-1", openedV1("acc-1", 500));
      await(registry.setCompatibility(OPENED, CompatibilityMode.FULL));

      // when: the generated version 2 class
      AvroEventCodec<SpecificRecord> v2 = await(AvroEventCodec.builder(SpecificRecord.class)
          .type(OPENED, AccountOpened.class).build(registry));
      append(v2, "acc-1", new AccountOpened("acc-1", 700L, "CHF"));

      // then: Avro resolution fills the default for the version 1 event
      assertThat(v2.currentSchemas().get(OPENED).version()).isEqualTo(2);
      assertThat(readAll(v2, "acc-1")).containsExactly(
          new AccountOpened("acc-1", 500L, "EUR"),
          new AccountOpened("acc-1", 700L, "CHF"));
    }

    @Test
    void oldEventsAreReadWithNewCodeAfterAStoreRestart() {
      append(genericCodec(OPENED_V1, registry), "acc-9", openedV1("acc-9", 9));
      reopenStore();
      registry = openRegistry();

      AvroEventCodec<SpecificRecord> v2 = await(AvroEventCodec.builder(SpecificRecord.class)
          .type(OPENED, AccountOpened.class).build(registry));

      assertThat(readAll(v2, "acc-9")).containsExactly(new AccountOpened("acc-9", 9L, "EUR"));
    }

    @Test
    void addingAFieldWithoutADefaultIsRefusedNamingTheField() {
      genericCodec(OPENED_V1, registry);

      Throwable failure = registrationFailure(OPENED_WITH_OWNER);

      assertThat(failure).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("AccountOpened.owner").hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE")
          .hasMessageContaining("BACKWARD").hasMessageContaining("new v2 would not read events written with v1");
      assertThat(((InvalidInputException) failure).field()).isEqualTo("AccountOpened.owner");
    }

    @Test
    void changingAFieldsTypeIsRefusedNamingTheField() {
      genericCodec(OPENED_V1, registry);

      assertThat(registrationFailure(OPENED_WITH_TEXT_BALANCE)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("AccountOpened.balanceCents").hasMessageContaining("TYPE_MISMATCH");
    }

    @Test
    void underForwardRemovingAFieldOldReadersNeedIsRefused() {
      genericCodec(OPENED_V1, registry);
      await(registry.setCompatibility(OPENED, CompatibilityMode.FORWARD));

      assertThat(registrationFailure(OPENED_WITHOUT_BALANCE)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("AccountOpened.balanceCents").hasMessageContaining("FORWARD")
          .hasMessageContaining("v1 would not read events written with new v2");
    }

    @Test
    void underBackwardRemovingAFieldIsAccepted() {
      genericCodec(OPENED_V1, registry);

      assertThat(genericCodec(OPENED_WITHOUT_BALANCE, registry).currentSchemas().get(OPENED).version()).isEqualTo(2);
    }

    @Test
    void oldCodeReadsNewEventsOnceItsRegistryHasTheWritersSchema() {
      // given: old code in another process, its registry loaded while only version 1 existed
      SchemaRegistry oldRegistry = openRegistry();
      AvroEventCodec<GenericRecord> v1 = genericCodec(OPENED_V1, oldRegistry);
      AvroEventCodec<SpecificRecord> v2 = await(AvroEventCodec.builder(SpecificRecord.class)
          .type(OPENED, AccountOpened.class).build(registry));
      append(v2, "acc-5", new AccountOpened("acc-5", 5L, "CHF"));
      SerializedEvent stored = EventMetadata.serialized(
          await(store.readStream(TOPIC, "acc-5", 1, 10)).events().get(0));

      // when: the first read meets an id the old cache lacks
      Throwable first = catchThrowable(() -> v1.decode(stored));

      // then: a retryable failure, and after the refresh the event reads as version 1
      assertThat(first).isInstanceOf(SerializationException.class).hasMessageContaining("retry");
      assertThat(((SerializationException) first).retryable()).isTrue();
      await(oldRegistry.refresh());
      assertThat(v1.decode(stored)).isEqualTo(openedV1("acc-5", 5));
    }

    @Test
    void aJsonSchemaIdIsNotReadAsAvro() {
      AvroEventCodec<GenericRecord> v1 = genericCodec(OPENED_V1, registry);
      await(registry.setCompatibility("Other", CompatibilityMode.NONE));
      RegisteredSchema json = await(registry.register("Other", EventSchema.json("{\"properties\":{}}")));
      SerializedEvent lying = new SerializedEvent(OPENED, v1.encode(openedV1("a", 1)).payload(), ContentTypes.AVRO,
          json.id());
      AvroEventCodec<GenericRecord> later = genericCodec(OPENED_WITHOUT_BALANCE, registry);

      assertThatThrownBy(() -> later.decode(lying)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("schema id " + json.id()).hasMessageContaining("not an Avro schema of AccountOpened");
    }
  }
}
