package io.cairn.eventstore.serde;

import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.serde.avro.AccountOpened;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The code of docs/guide/schemas.md, compiled and run against a local store. Each section of the
 * document is copied from one method here; keep them the same.
 */
class SchemasExamplesTest extends LocalStoreFixture {

  /** The events of the guide's examples. */
  sealed interface AccountEvent {
    record Opened(String accountId, String owner, Optional<String> currency) implements AccountEvent {
    }

    record Deposited(String accountId, long amountCents) implements AccountEvent {
    }
  }

  /** Version 1 of Deposited, before the amount became a Money object. */
  record DepositedV1(String accountId, long amountCents) {
  }

  /** Version 2 of Deposited. */
  record Deposited(String accountId, Money amount) {
  }

  record Money(long cents, String currency) {
  }

  @Test
  void jsonCodecWithoutRegistry() {
    // docs/guide/schemas.md "The JSON codec"
    EventCodec<AccountEvent> codec = JsonEventCodec.builder(AccountEvent.class)
        .type("AccountOpened", AccountEvent.Opened.class)      // stable names: never the Java class name
        .type("MoneyDeposited", AccountEvent.Deposited.class)
        .build();
    SerializedEvent serialized = codec.encode(new AccountEvent.Deposited("acct-1", 500));
    // serialized.type() is "MoneyDeposited", payload {"accountId":"acct-1","amountCents":500}
    AccountEvent event = codec.decode(serialized);

    assertThat(serialized.type()).isEqualTo("MoneyDeposited");
    assertThat(event).isEqualTo(new AccountEvent.Deposited("acct-1", 500));
  }

  @Test
  void jsonCodecWithRegistryAndMetadata() {
    // docs/guide/schemas.md "The registry"
    SchemaRegistry registry = SchemaRegistry.open(store).await();       // creates __schemas if needed
    JsonEventCodec<AccountEvent> codec = JsonEventCodec.builder(AccountEvent.class)
        .type("AccountOpened", AccountEvent.Opened.class)
        .type("MoneyDeposited", AccountEvent.Deposited.class)
        .build(registry)                                                // registers or finds each schema
        .await();

    store.createTopic("bank.account", new TopicConfig()).await();
    SerializedEvent serialized = codec.encode(new AccountEvent.Opened("acct-1", "Ada", Optional.empty()));
    EventData data = new EventData(UUID.randomUUID(), serialized.type(), serialized.payload(),
        EventMetadata.headers(serialized, "conversation-7", "command-42"));
    store.append(AppendRequest.of("bank.account", "acct-1", ExpectedVersion.NO_STREAM, List.of(data))).await();

    StoredEvent stored = store.readStream("bank.account", "acct-1", 1, 100).await().events().get(0);
    EventMetadata metadata = EventMetadata.of(stored);             // event id, correlation, causation, schema id...
    AccountEvent event = codec.decode(EventMetadata.serialized(stored));

    assertThat(metadata.schemaId()).isEqualTo(codec.currentSchemas().get("AccountOpened").id());
    assertThat(metadata.correlationId()).isEqualTo("conversation-7");
    assertThat(event).isEqualTo(new AccountEvent.Opened("acct-1", "Ada", Optional.empty()));
  }

  @Test
  void upcasting() {
    SchemaRegistry registry = SchemaRegistry.open(store).await();
    JsonEventCodec<DepositedV1> v1 = JsonEventCodec.builder(DepositedV1.class)
        .type("MoneyDeposited", DepositedV1.class).build(registry).await();
    SerializedEvent old = v1.encode(new DepositedV1("acct-1", 500));

    // docs/guide/schemas.md "Upcasting"
    JsonEventCodec<Deposited> codec = JsonEventCodec.builder(Deposited.class)
        .type("MoneyDeposited", Deposited.class)
        .upcaster("MoneyDeposited", 1, (ObjectNode v1Event) -> {       // version 1 -> 2
          long cents = v1Event.remove("amountCents").asLong();
          v1Event.putObject("amount").put("cents", cents).put("currency", "EUR");
          return v1Event;
        })
        .build(registry)
        .await();
    Deposited upcast = codec.decode(old);                              // a version 1 event, read as version 2

    assertThat(upcast).isEqualTo(new Deposited("acct-1", new Money(500, "EUR")));
  }

  @Test
  void compatibilityModes() {
    SchemaRegistry registry = SchemaRegistry.open(store).await();

    // docs/guide/schemas.md "Compatibility"
    registry.setCompatibility("MoneyDeposited", CompatibilityMode.FULL).await();
    RegisteredSchema v1 = registry.register("MoneyDeposited", EventSchema.jsonOf(DepositedV1.class)).await();
    Future<RegisteredSchema> v2 = registry.register("MoneyDeposited", EventSchema.jsonOf(Deposited.class));
    // v2 fails: InvalidInputException: MoneyDeposited.amount = "required object": incompatible under FULL:
    // new v2 would not read events written with v1: the reader requires it but the writer's schema does not have it

    assertThat(v1.version()).isEqualTo(1);
    assertThat(failureOf(() -> v2)).isInstanceOf(InvalidInputException.class)
        .hasMessage("MoneyDeposited.amount = \"required object\": incompatible under FULL: new v2 would not read"
            + " events written with v1: the reader requires it but the writer's schema does not have it");
  }

  @Test
  void avroCodec() {
    SchemaRegistry registry = SchemaRegistry.open(store).await();

    // docs/guide/schemas.md "The Avro codec"
    AvroEventCodec<SpecificRecord> codec = AvroEventCodec.builder(SpecificRecord.class)
        .type("AccountOpened", AccountOpened.class)            // generated from src/test/avro/account_opened.avsc
        .build(registry)
        .await();
    SerializedEvent serialized = codec.encode(new AccountOpened("acct-1", 500L, "CHF"));
    SpecificRecord event = codec.decode(serialized);

    assertThat(serialized.contentType()).isEqualTo(ContentTypes.AVRO);
    assertThat(event).isEqualTo(new AccountOpened("acct-1", 500L, "CHF"));
  }
}
