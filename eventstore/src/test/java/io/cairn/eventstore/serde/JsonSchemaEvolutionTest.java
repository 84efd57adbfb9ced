package io.cairn.eventstore.serde;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * JSON events evolving over versions, against a real local store and its registry: which changes each
 * compatibility mode accepts, and old events read with new code (plain reads and composed upcasters).
 */
class JsonSchemaEvolutionTest extends LocalStoreFixture {

  static final String TOPIC = "accounts";
  static final String TYPE = "AccountOpened";

  /** Version 1 of the event. */
  record OpenedV1(String accountId, long balanceCents) {
  }

  /** Version 2: an optional currency was added. */
  record OpenedV2(String accountId, long balanceCents, Optional<String> currency) {
  }

  /** A required owner added: new code cannot read version 1. */
  record OpenedWithOwner(String accountId, long balanceCents, String owner) {
  }

  /** The balance's type changed. */
  record OpenedWithTextBalance(String accountId, String balanceCents) {
  }

  /** The required balance removed: old code cannot read it. */
  record OpenedWithoutBalance(String accountId) {
  }

  record Money(long cents, String currency) {
  }

  /** Needs an upcaster from version 1: the balance became an object. */
  record OpenedWithMoney(String accountId, Money balance) {
  }

  /** Needs an upcaster from version 2: accountId was renamed id. */
  record OpenedRenamed(String id, Money balance) {
  }

  SchemaRegistry registry;

  @BeforeEach
  void createTopicAndRegistry() {
    await(store.createTopic(TOPIC, new TopicConfig()));
    registry = openRegistry();
  }

  static <E> JsonEventCodec.Builder<E> single(Class<E> eventClass) {
    return JsonEventCodec.builder(eventClass).type(TYPE, eventClass);
  }

  <E> JsonEventCodec<E> codec(Class<E> eventClass) {
    return await(single(eventClass).build(registry));
  }

  <E> void append(EventCodec<E> codec, String aggregateId, E event) {
    SerializedEvent serialized = codec.encode(event);
    EventData data = new EventData(UUID.randomUUID(), serialized.type(), serialized.payload(),
        EventMetadata.headers(serialized, "corr-1", "cmd-1"));
    await(store.append(AppendRequest.of(TOPIC, aggregateId, ExpectedVersion.ANY, List.of(data))));
  }

  <E> List<E> readAll(EventCodec<E> codec, String aggregateId) {
    return await(store.readStream(TOPIC, aggregateId, 1, 1000)).events().stream()
        .map(EventMetadata::serialized).map(codec::decode).toList();
  }

  Throwable registrationFailure(Class<?> eventClass) {
    return failureOf(() -> single(eventClass).build(registry));
  }

  @Nested
  class Backward {

    @Test
    void addingAnOptionalPropertyIsAcceptedAndNewCodeReadsOldEvents() {
      // given: version 1 events in the store
      JsonEventCodec<OpenedV1> v1 = codec(OpenedV1.class);
      append(v1, "acc-1", new OpenedV1("acc-1", 500));

      // when: the code moves to version 2
      JsonEventCodec<OpenedV2> v2 = codec(OpenedV2.class);
      append(v2, "acc-1", new OpenedV2("acc-1", 700, Optional.of("EUR")));

      // then
      assertThat(v2.currentSchemas().get(TYPE).version()).isEqualTo(2);
      assertThat(readAll(v2, "acc-1")).containsExactly(
          new OpenedV2("acc-1", 500, Optional.empty()),
          new OpenedV2("acc-1", 700, Optional.of("EUR")));
    }

    @Test
    void addingARequiredPropertyIsRefusedNamingTypeFieldAndRule() {
      codec(OpenedV1.class);

      Throwable failure = registrationFailure(OpenedWithOwner.class);

      assertThat(failure).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("AccountOpened.owner").hasMessageContaining("BACKWARD")
          .hasMessageContaining("new v2 would not read events written with v1")
          .hasMessageContaining("requires it");
      assertThat(((InvalidInputException) failure).field()).isEqualTo("AccountOpened.owner");
      assertThat(registry.versions(TYPE)).hasSize(1);
    }

    @Test
    void changingAPropertysTypeIsRefused() {
      codec(OpenedV1.class);

      assertThat(registrationFailure(OpenedWithTextBalance.class)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("AccountOpened.balanceCents").hasMessageContaining("integer -> string");
    }

    @Test
    void removingARequiredPropertyIsAccepted() {
      codec(OpenedV1.class);

      assertThat(codec(OpenedWithoutBalance.class).currentSchemas().get(TYPE).version()).isEqualTo(2);
    }

    @Test
    void transitiveModeAlsoChecksVersionsBeforeTheLatest() {
      // given: v1 {id, x integer optional}, v2 {id} (x dropped, fine both ways for optional x)
      EventSchema v1 = EventSchema.json("{\"properties\":{\"id\":{\"type\":\"string\"},\"x\":{\"type\":\"integer\"}},"
          + "\"required\":[\"id\"]}");
      EventSchema v2 = EventSchema.json("{\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"]}");
      EventSchema v3 = EventSchema.json("{\"properties\":{\"id\":{\"type\":\"string\"},\"x\":{\"type\":\"string\"}},"
          + "\"required\":[\"id\"]}");
      await(registry.setCompatibility("T", CompatibilityMode.BACKWARD_TRANSITIVE));
      await(registry.register("T", v1));
      await(registry.register("T", v2));

      // when: x comes back as a string: fine against v2, not against v1
      Throwable failure = failureOf(() -> registry.register("T", v3));

      // then
      assertThat(failure).isInstanceOf(InvalidInputException.class).hasMessageContaining("T.x")
          .hasMessageContaining("v1");
      await(registry.setCompatibility("T", CompatibilityMode.BACKWARD));
      assertThat(await(registry.register("T", v3)).version()).isEqualTo(3);
    }
  }

  @Nested
  class Forward {

    @BeforeEach
    void forward() {
      await(registry.setCompatibility(TYPE, CompatibilityMode.FORWARD));
    }

    @Test
    void removingARequiredPropertyIsRefused() {
      codec(OpenedV1.class);

      assertThat(registrationFailure(OpenedWithoutBalance.class)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("AccountOpened.balanceCents").hasMessageContaining("FORWARD")
          .hasMessageContaining("v1 would not read events written with new v2");
    }

    @Test
    void addingARequiredPropertyIsAcceptedAndOldCodeReadsNewEvents() {
      // given: old code in another process, whose registry was loaded while only version 1 existed
      JsonEventCodec<OpenedV1> v1 = await(single(OpenedV1.class).build(openRegistry()));

      // when: new code writes version 2 events
      JsonEventCodec<OpenedWithOwner> v2 = codec(OpenedWithOwner.class);
      append(v2, "acc-2", new OpenedWithOwner("acc-2", 900, "Ada"));

      // then: the old codec, whose registry cache never saw version 2, reads them as version 1
      assertThat(v1.currentSchemas().get(TYPE).version()).isEqualTo(1);
      assertThat(readAll(v1, "acc-2")).containsExactly(new OpenedV1("acc-2", 900));
    }
  }

  @Nested
  class Full {

    @BeforeEach
    void full() {
      await(registry.setCompatibility(TYPE, CompatibilityMode.FULL));
    }

    @Test
    void addingAnOptionalPropertyIsAccepted() {
      codec(OpenedV1.class);

      assertThat(codec(OpenedV2.class).currentSchemas().get(TYPE).version()).isEqualTo(2);
    }

    @Test
    void addingARequiredOrRemovingARequiredPropertyIsRefused() {
      codec(OpenedV1.class);

      assertThat(registrationFailure(OpenedWithOwner.class)).hasMessageContaining("AccountOpened.owner");
      assertThat(registrationFailure(OpenedWithoutBalance.class)).hasMessageContaining("AccountOpened.balanceCents");
    }

    @Test
    void anUpcasterDoesNotExcuseOldCodeThatCannotReadNewEvents() {
      codec(OpenedV1.class);

      Throwable failure = failureOf(() -> single(OpenedWithMoney.class)
          .upcaster(TYPE, 1, JsonSchemaEvolutionTest::balanceToMoney).build(registry));

      assertThat(failure).isInstanceOf(InvalidInputException.class).hasMessageContaining("v1 would not read");
    }
  }

  @Nested
  class None {

    @Test
    void anythingGoes() {
      await(registry.setCompatibility(TYPE, CompatibilityMode.NONE));
      codec(OpenedV1.class);

      assertThat(codec(OpenedWithTextBalance.class).currentSchemas().get(TYPE).version()).isEqualTo(2);
    }
  }

  @Nested
  class Upcasting {

    @Test
    void composedUpcastersReadVersionOneAndTwoEventsWithVersionThreeCode() {
      // given: events of version 1 and 2 in the store, each written by its own code
      JsonEventCodec<OpenedV1> v1 = codec(OpenedV1.class);
      append(v1, "acc-3", new OpenedV1("acc-3", 1_250));
      JsonEventCodec<OpenedWithMoney> v2 = await(single(OpenedWithMoney.class)
          .upcaster(TYPE, 1, JsonSchemaEvolutionTest::balanceToMoney).build(registry));
      append(v2, "acc-3", new OpenedWithMoney("acc-3", new Money(300, "USD")));

      // when: version 3 code, with both upcasters
      JsonEventCodec<OpenedRenamed> v3 = await(single(OpenedRenamed.class)
          .upcaster(TYPE, 1, JsonSchemaEvolutionTest::balanceToMoney)
          .upcaster(TYPE, 2, JsonSchemaEvolutionTest::renameAccountId)
          .build(registry));
      append(v3, "acc-3", new OpenedRenamed("acc-3", new Money(1, "CHF")));

      // then
      assertThat(v3.currentSchemas().get(TYPE).version()).isEqualTo(3);
      assertThat(readAll(v3, "acc-3")).containsExactly(
          new OpenedRenamed("acc-3", new Money(1_250, "EUR")),
          new OpenedRenamed("acc-3", new Money(300, "USD")),
          new OpenedRenamed("acc-3", new Money(1, "CHF")));
    }

    @Test
    void oldEventsReadWithNewCodeAfterAStoreRestart() {
      // given: version 1 events written, then the process stops
      append(codec(OpenedV1.class), "acc-4", new OpenedV1("acc-4", 42));
      reopenStore();
      registry = openRegistry();

      // when: the new process runs version 2 code
      JsonEventCodec<OpenedWithMoney> v2 = await(single(OpenedWithMoney.class)
          .upcaster(TYPE, 1, JsonSchemaEvolutionTest::balanceToMoney).build(registry));

      // then
      assertThat(readAll(v2, "acc-4")).containsExactly(new OpenedWithMoney("acc-4", new Money(42, "EUR")));
    }

    @Test
    void withoutTheUpcasterTheIncompatibleVersionIsRefused() {
      codec(OpenedV1.class);

      assertThat(registrationFailure(OpenedWithMoney.class)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("AccountOpened.balance");
    }

    @Test
    void anUpcasterFromTheCurrentVersionOrLaterIsRefused() {
      codec(OpenedV1.class);

      Throwable failure = failureOf(() -> single(OpenedV1.class).upcaster(TYPE, 1, node -> node).build(registry));

      assertThat(failure).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("upcasters.AccountOpened.fromVersion").hasMessageContaining("current version 1");
    }

    @Test
    void aFailingUpcasterNamesTypeVersionAndSchemaId() {
      JsonEventCodec<OpenedV1> v1 = codec(OpenedV1.class);
      append(v1, "acc-5", new OpenedV1("acc-5", 1));
      int v1Id = v1.currentSchemas().get(TYPE).id();
      JsonEventCodec<OpenedWithMoney> broken = await(single(OpenedWithMoney.class)
          .upcaster(TYPE, 1, node -> {
            throw new IllegalStateException("boom");
          }).build(registry));

      assertThatThrownBy(() -> readAll(broken, "acc-5")).isInstanceOf(SerializationException.class)
          .hasMessageContaining("AccountOpened from v1").hasMessageContaining("schema id " + v1Id)
          .hasMessageContaining("boom");
    }
  }

  @Nested
  class Metadata {

    @Test
    void storedEventsCarrySchemaIdContentTypeAndCorrelationForHandlers() {
      JsonEventCodec<OpenedV1> v1 = codec(OpenedV1.class);
      append(v1, "acc-6", new OpenedV1("acc-6", 1));

      StoredEvent stored = await(store.readStream(TOPIC, "acc-6", 1, 10)).events().get(0);
      EventMetadata metadata = EventMetadata.of(stored);

      assertThat(metadata.schemaId()).isEqualTo(v1.currentSchemas().get(TYPE).id()).isPositive();
      assertThat(metadata.contentType()).isEqualTo(ContentTypes.JSON);
      assertThat(metadata.correlationId()).isEqualTo("corr-1");
      assertThat(metadata.causationId()).isEqualTo("cmd-1");
      assertThat(metadata.eventId()).isEqualTo(stored.eventId());
      assertThat(metadata.timestamp().toEpochMilli()).isEqualTo(stored.timestamp());
    }

    @Test
    void eventsWrittenWithoutASchemaAreReadByARegistryCodecAsTheCurrentVersion() {
      JsonEventCodec<OpenedV1> plain = single(OpenedV1.class).build();
      append(plain, "acc-7", new OpenedV1("acc-7", 3));

      assertThat(readAll(codec(OpenedV1.class), "acc-7")).containsExactly(new OpenedV1("acc-7", 3));
    }

    @Test
    void aSchemaIdOfAnotherTypeIsRefused() {
      JsonEventCodec<OpenedV1> v1 = codec(OpenedV1.class);
      RegisteredSchema other = await(registry.register("SomethingElse", EventSchema.jsonOf(OpenedV2.class)));
      await(registry.register(TYPE, EventSchema.jsonOf(OpenedV2.class)));
      JsonEventCodec<OpenedV2> v2 = codec(OpenedV2.class);
      SerializedEvent lying = new SerializedEvent(TYPE, v1.encode(new OpenedV1("a", 1)).payload(), ContentTypes.JSON,
          other.id());

      assertThatThrownBy(() -> v2.decode(lying)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("schema id " + other.id()).hasMessageContaining("SomethingElse");
    }

    @Test
    void anIdBelowTheHighestKnownThatIsNoSchemaIsRefused() {
      JsonEventCodec<OpenedV1> v1 = codec(OpenedV1.class);
      await(registry.setCompatibility("Other", CompatibilityMode.NONE));
      await(registry.register("Other", EventSchema.jsonOf(OpenedV2.class)));
      JsonEventCodec<OpenedV2> v2 = codec(OpenedV2.class);
      int notASchema = v1.currentSchemas().get(TYPE).id() + 1; // the compatibility record's offset + 1
      SerializedEvent bad = new SerializedEvent(TYPE, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          ContentTypes.JSON, notASchema);

      assertThatThrownBy(() -> v2.decode(bad)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("schema id " + notASchema).hasMessageContaining("not a registered schema");
    }
  }

  static ObjectNode balanceToMoney(ObjectNode v1) {
    long cents = v1.remove("balanceCents").asLong();
    v1.putObject("balance").put("cents", cents).put("currency", "EUR");
    return v1;
  }

  static ObjectNode renameAccountId(ObjectNode v2) {
    v2.set("id", v2.remove("accountId"));
    return v2;
  }
}
