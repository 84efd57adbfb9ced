package io.cairn.eventstore.serde;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.InvalidInputException;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema registry over a real local store: ids, versions, persistence, races and lookups. */
class SchemaRegistryTest extends LocalStoreFixture {

  static final EventSchema V1 = EventSchema.json(
      "{\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"]}");
  static final EventSchema V2 = EventSchema.json(
      "{\"properties\":{\"id\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"}},\"required\":[\"id\"]}");
  static final EventSchema V3 = EventSchema.json("{\"properties\":{\"id\":{\"type\":\"string\"},"
      + "\"note\":{\"type\":\"string\"},\"count\":{\"type\":\"integer\"}},\"required\":[\"id\"]}");

  @Test
  void openCreatesTheCompactedInternalTopic() {
    // when
    openRegistry();

    // then
    assertThat(await(store.listTopics())).contains(SchemaRegistry.TOPIC);
    assertThat(await(store.describeTopic(SchemaRegistry.TOPIC)).config().cleanupPolicy())
        .isEqualTo(CleanupPolicy.COMPACT);
  }

  @Test
  void versionsCountUpPerTypeAndIdsAreGlobalAndPositive() {
    SchemaRegistry registry = openRegistry();

    // when
    RegisteredSchema a1 = await(registry.register("A", V1));
    RegisteredSchema b1 = await(registry.register("B", V1));
    RegisteredSchema a2 = await(registry.register("A", V2));

    // then
    assertThat(List.of(a1.version(), b1.version(), a2.version())).containsExactly(1, 1, 2);
    assertThat(a1.id()).isPositive();
    assertThat(List.of(a1.id(), b1.id(), a2.id())).doesNotHaveDuplicates();
    assertThat(registry.versions("A")).containsExactly(a1, a2);
    assertThat(registry.cached(b1.id())).contains(b1);
    assertThat(registry.highestCachedId()).isEqualTo(a2.id());
  }

  @Test
  void registeringAKnownSchemaAgainReturnsItsIdAndStoresNothing() {
    SchemaRegistry registry = openRegistry();
    RegisteredSchema v1 = await(registry.register("A", V1));
    RegisteredSchema v2 = await(registry.register("A", V2));

    // when: the latest again, and an older version again (a node still running the old code)
    RegisteredSchema latestAgain = await(registry.register("A", V2));
    RegisteredSchema olderAgain = await(registry.register("A", V1));

    // then
    assertThat(latestAgain).isEqualTo(v2);
    assertThat(olderAgain).isEqualTo(v1);
    assertThat(registry.versions("A")).hasSize(2);
  }

  @Test
  void schemasAreComparedInCanonicalForm() {
    SchemaRegistry registry = openRegistry();
    RegisteredSchema v1 = await(registry.register("A", V1));

    // when: the same schema written differently
    RegisteredSchema same = await(registry.register("A", EventSchema.json(
        "{ \"required\" : [\"id\"], \"type\":\"object\", \"properties\" : { \"id\" : {\"type\":\"string\"} } }")));

    // then
    assertThat(same).isEqualTo(v1);
  }

  @Test
  void registrationsSurviveAStoreRestart() {
    // given
    SchemaRegistry before = openRegistry();
    RegisteredSchema a1 = await(before.register("A", V1));
    RegisteredSchema a2 = await(before.register("A", V2));
    await(before.setCompatibility("A", CompatibilityMode.FULL));

    // when
    reopenStore();
    SchemaRegistry after = openRegistry();

    // then
    assertThat(after.cached(a1.id())).contains(a1);
    assertThat(after.cached(a2.id())).contains(a2);
    assertThat(after.versions("A")).containsExactly(a1, a2);
    assertThat(after.compatibility("A")).isEqualTo(CompatibilityMode.FULL);
    assertThat(await(after.register("A", V2))).isEqualTo(a2);
  }

  @Test
  void twoRegistriesRacingForTheSameTypeGetDistinctVersions() {
    // given: two processes' registries, each loaded before the other registers
    SchemaRegistry first = openRegistry();
    SchemaRegistry second = openRegistry();

    // when: both register a new schema of the same type at once, repeatedly
    for (int round = 0; round < 5; round++) {
      String type = "Raced" + round;
      Future<RegisteredSchema> one = first.register(type, V1);
      Future<RegisteredSchema> other = second.register(type, V2);
      RegisteredSchema a = await(one);
      RegisteredSchema b = await(other);

      // then: one got version 1, the other version 2, under different ids
      assertThat(List.of(a.version(), b.version())).containsExactlyInAnyOrder(1, 2);
      assertThat(a.id()).isNotEqualTo(b.id());
      await(first.refresh());
      assertThat(first.versions(type)).isEqualTo(second.versions(type)).hasSize(2);
    }
  }

  @Test
  void twoRegistriesRegisteringTheSameSchemaAtOnceShareOneId() {
    SchemaRegistry first = openRegistry();
    SchemaRegistry second = openRegistry();

    // when
    Future<RegisteredSchema> one = first.register("Same", V1);
    Future<RegisteredSchema> other = second.register("Same", V1);

    // then
    assertThat(await(one)).isEqualTo(await(other));
    assertThat(second.versions("Same")).hasSize(1);
  }

  @Test
  void lookupReadsWhatAnotherRegistryRegisteredSince() {
    SchemaRegistry reader = openRegistry();
    SchemaRegistry writer = openRegistry();
    RegisteredSchema registered = await(writer.register("A", V1));
    assertThat(reader.cached(registered.id())).isEmpty();

    // when
    RegisteredSchema found = await(reader.lookup(registered.id()));

    // then
    assertThat(found).isEqualTo(registered);
    assertThat(reader.cached(registered.id())).contains(registered);
  }

  @Test
  void lookupOfAnIdNobodyRegisteredFailsNamingTheId() {
    SchemaRegistry registry = openRegistry();
    await(registry.register("A", V1));

    Throwable failure = failureOf(() -> registry.lookup(9_999));

    assertThat(failure).isInstanceOf(SerializationException.class).hasMessageContaining("9999");
  }

  @Test
  void aCompatibilitySettingReachesOtherRegistries() {
    SchemaRegistry first = openRegistry();
    SchemaRegistry second = openRegistry();
    assertThat(second.compatibility("A")).isEqualTo(CompatibilityMode.DEFAULT);

    // when
    await(first.setCompatibility("A", CompatibilityMode.NONE));
    await(second.refresh());

    // then
    assertThat(second.compatibility("A")).isEqualTo(CompatibilityMode.NONE);
  }

  @Test
  void aBadTypeNameIsRefused() {
    SchemaRegistry registry = openRegistry();

    assertThat(failureOf(() -> registry.register("", V1))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("type");
  }

  @Test
  void aSchemaThatDoesNotParseIsRefusedNamingTheSchema() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventSchema.json("{\"properties\":{\"a\":{\"type\":\"date\"}}}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("schema.properties.a.type");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventSchema.json("not json"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("schema");
  }
}
