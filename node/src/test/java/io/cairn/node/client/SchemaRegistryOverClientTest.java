package io.cairn.node.client;

import static io.cairn.node.client.ClientTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.serde.EventMetadata;
import io.cairn.eventstore.serde.EventSchema;
import io.cairn.eventstore.serde.JsonEventCodec;
import io.cairn.eventstore.serde.RegisteredSchema;
import io.cairn.eventstore.serde.SchemaRegistry;
import io.cairn.eventstore.serde.SerializedEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry over the network client: {@code __schemas} lives on the node, and two clients (two
 * "processes") share its ids and versions.
 */
class SchemaRegistryOverClientTest {

  record OpenedV1(String accountId, long balanceCents) {
  }

  record Money(long cents, String currency) {
  }

  record OpenedV2(String accountId, Money balance) {
  }

  @TempDir
  Path workDir;
  Vertx vertx;
  NodeBackedStore store;
  CairnClient secondClient;

  @BeforeEach
  void startNodeAndClients() {
    vertx = Vertx.vertx();
    store = await(NodeBackedStore.start(vertx, workDir.resolve("data")));
    secondClient = await(CairnClient.connect(vertx, new ClientOptions()
        .setBootstrapServers("127.0.0.1:" + store.node().protocolPort())));
  }

  @AfterEach
  void stop() {
    try {
      await(secondClient.close());
      await(store.close());
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void twoClientsRacingForATypeShareOneVersionSequence() {
    // given: two registries, each over its own connection to the node
    SchemaRegistry first = await(SchemaRegistry.open(store));
    SchemaRegistry second = await(SchemaRegistry.open(secondClient));
    EventSchema a = EventSchema.json("{\"properties\":{\"id\":{\"type\":\"string\"}},\"required\":[\"id\"]}");
    EventSchema b = EventSchema.json("{\"properties\":{\"id\":{\"type\":\"string\"},\"n\":{\"type\":\"integer\"}},"
        + "\"required\":[\"id\"]}");

    // when
    Future<RegisteredSchema> one = first.register("Raced", a);
    Future<RegisteredSchema> other = second.register("Raced", b);
    RegisteredSchema fromFirst = await(one);
    RegisteredSchema fromSecond = await(other);

    // then
    assertThat(List.of(fromFirst.version(), fromSecond.version())).containsExactlyInAnyOrder(1, 2);
    assertThat(await(first.lookup(fromSecond.id()))).isEqualTo(fromSecond);
    assertThat(await(second.lookup(fromFirst.id()))).isEqualTo(fromFirst);
  }

  @Test
  void eventsWrittenByOldCodeAreReadByNewCodeOverTheNetwork() {
    // given: version 1 code writes through one client
    await(store.createTopic("bank.account", new TopicConfig()));
    JsonEventCodec<OpenedV1> v1 = await(JsonEventCodec.builder(OpenedV1.class).type("AccountOpened", OpenedV1.class)
        .build(await(SchemaRegistry.open(store))));
    SerializedEvent serialized = v1.encode(new OpenedV1("acct-1", 250));
    await(store.append(AppendRequest.of("bank.account", "acct-1", ExpectedVersion.NO_STREAM, List.of(new EventData(
        UUID.randomUUID(), serialized.type(), serialized.payload(), EventMetadata.headers(serialized, null, null))))));

    // when: version 2 code, in another "process", reads through the other client
    JsonEventCodec<OpenedV2> v2 = await(JsonEventCodec.builder(OpenedV2.class).type("AccountOpened", OpenedV2.class)
        .upcaster("AccountOpened", 1, (ObjectNode event) -> {
          long cents = event.remove("balanceCents").asLong();
          event.putObject("balance").put("cents", cents).put("currency", "EUR");
          return event;
        })
        .build(await(SchemaRegistry.open(secondClient))));
    List<OpenedV2> read = await(secondClient.readStream("bank.account", "acct-1", 1, 10)).events().stream()
        .map(EventMetadata::serialized).map(v2::decode).toList();

    // then
    assertThat(v2.currentSchemas().get("AccountOpened").version()).isEqualTo(2);
    assertThat(read).containsExactly(new OpenedV2("acct-1", new Money(250, "EUR")));
  }
}
