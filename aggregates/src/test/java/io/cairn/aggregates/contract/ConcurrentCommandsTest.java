package io.cairn.aggregates.contract;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandGateways;
import io.cairn.aggregates.CommandResult;
import io.cairn.aggregates.ConflictException;
import io.cairn.aggregates.Decision;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.aggregates.guide.Accounts;
import io.cairn.aggregates.guide.Accounts.Account;
import io.cairn.aggregates.guide.Accounts.AccountCommand;
import io.cairn.aggregates.guide.Accounts.AccountEvent;
import io.cairn.aggregates.guide.Accounts.Deposit;
import io.cairn.aggregates.guide.Accounts.Open;
import io.cairn.aggregates.guide.Accounts.Withdraw;
import io.cairn.client.CairnClient;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.serde.EventMetadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many concurrent commands on few aggregates, from several gateways (two over network clients of one node,
 * one on the node's store in process), never lose an update: every aggregate's stream has dense versions, it
 * holds exactly the events of the accepted commands at the versions their results named, and replaying the
 * accepted commands one after the other in stream order through the decider gives exactly those events (so
 * each was decided on the state of all the commands before it). Seeded; the seed is in every failure.
 */
class ConcurrentCommandsTest {

  private static final int AGGREGATES = 3;
  private static final int COMMANDS = 400;

  @TempDir
  Path workDir;

  private Vertx vertx;
  private RunningNode node;
  private final List<CairnClient> clients = new ArrayList<>();
  private final List<CommandGateway<AccountCommand, AccountEvent>> gateways = new ArrayList<>();

  @BeforeEach
  void startNodeAndClients() {
    vertx = Vertx.vertx();
    node = await(RunningNode.start(workDir.resolve("data")));
    clients.add(await(node.connect(vertx)));
    clients.add(await(node.connect(vertx)));
  }

  @AfterEach
  void stop() {
    gateways.forEach(gateway -> await(gateway.close()));
    clients.forEach(client -> await(client.close()));
    await(node.stop());
    await(vertx.close());
  }

  @Test
  void concurrentCommandsFromSeveralClientsNeverLoseAnUpdate() {
    long seed = Long.getLong("cairn.test.seed", System.nanoTime());
    for (int round = 0; round < 2; round++) {
      runRound("accounts-" + round, seed + round);
    }
  }

  private void runRound(String topic, long seed) {
    String context = "seed " + seed + " (rerun with -Dcairn.test.seed=" + seed + "), topic " + topic;
    Random random = new Random(seed);
    AggregateType<AccountCommand, AccountEvent, Account> type = Accounts.type(topic, 1_000_000);
    GatewayOptions options = new GatewayOptions().setMaxConflictRetries(100).setCacheEntries(2);
    List<EventStore> stores = List.of(clients.get(0), clients.get(1), node.store());
    List<CommandGateway<AccountCommand, AccountEvent>> round = new ArrayList<>();
    for (EventStore store : stores) {
      CommandGateway<AccountCommand, AccountEvent> gateway = await(CommandGateways.create(vertx, store, type, options));
      round.add(gateway);
      gateways.add(gateway);
    }
    for (int a = 0; a < AGGREGATES; a++) {
      await(round.get(0).send(new Open("acc-" + a, "open-" + a, "owner-" + a)));
    }

    // when: all commands sent at once, each through a random gateway
    Map<String, AccountCommand> commands = new HashMap<>();
    List<Future<CommandResult<AccountEvent>>> sent = new ArrayList<>();
    List<String> commandIds = new ArrayList<>();
    for (int i = 0; i < COMMANDS; i++) {
      String accountId = "acc-" + random.nextInt(AGGREGATES);
      int gateway = random.nextInt(round.size());
      String commandId = "g" + gateway + "-cmd-" + i;
      AccountCommand command = random.nextInt(3) == 0
          ? new Withdraw(accountId, commandId, 1 + random.nextInt(15))
          : new Deposit(accountId, commandId, 1 + random.nextInt(10));
      commands.put(commandId, command);
      commandIds.add(commandId);
      sent.add(round.get(gateway).send(command));
    }
    Map<String, CommandResult.Accepted<AccountEvent>> accepted = new HashMap<>();
    for (int i = 0; i < COMMANDS; i++) {
      CommandResult<AccountEvent> result = await(sent.get(i).recover(failure -> {
        assertThat(failure).as(context).isInstanceOf(ConflictException.class);
        return Future.succeededFuture(null);
      }));
      if (result instanceof CommandResult.Accepted<AccountEvent> ok) {
        accepted.put(commandIds.get(i), ok);
      }
    }

    // then
    Accounts.AccountDecider decider = new Accounts.AccountDecider();
    int writerSwitches = 0;
    for (int a = 0; a < AGGREGATES; a++) {
      String accountId = "acc-" + a;
      List<StoredEvent> stream = readWholeStream(clients.get(0), topic, accountId);
      Account state = decider.initialState();
      int replayed = 0;
      for (int v = 0; v < stream.size(); v++) {
        StoredEvent stored = stream.get(v);
        assertThat(stored.version()).as(context + ": versions of " + accountId + " are dense").isEqualTo(v + 1);
        String commandId = EventMetadata.of(stored).causationId();
        AccountCommand command = v == 0 ? new Open(accountId, "open-" + a, "owner-" + a) : commands.get(commandId);
        assertThat(command).as(context + ": event at version " + (v + 1) + " of " + accountId + " caused by "
            + commandId).isNotNull();
        Decision<AccountEvent> decision = decider.decide(command, state);
        AccountEvent event = type.eventCodec().decode(EventMetadata.serialized(stored));
        assertThat(decision).as(context + ": " + command + " replayed on " + state)
            .isEqualTo(Decision.accept(event));
        if (v > 1 && !commandId.substring(0, 2).equals(
            EventMetadata.of(stream.get(v - 1)).causationId().substring(0, 2))) {
          writerSwitches++;
        }
        if (v > 0) {
          CommandResult.Accepted<AccountEvent> result = accepted.get(commandId);
          assertThat(result).as(context + ": " + commandId + " is in the stream, so it was accepted").isNotNull();
          assertThat(result.newVersion()).as(context + ": version reported for " + commandId).isEqualTo(v + 1);
          assertThat(result.events()).containsExactly(event);
          replayed++;
        }
        state = decider.evolve(state, event);
      }
      long acceptedHere = accepted.values().stream().filter(r -> r.aggregateId().equals(accountId)).count();
      assertThat(replayed).as(context + ": every accepted command of " + accountId + " is in its stream")
          .isEqualTo(acceptedHere);
      assertThat(state.balance()).as(context).isGreaterThanOrEqualTo(0);
    }
    assertThat(writerSwitches).as(context + ": the gateways' writes interleave on the same aggregates").isPositive();
  }

  private static List<StoredEvent> readWholeStream(EventStore store, String topic, String aggregateId) {
    List<StoredEvent> events = new ArrayList<>();
    long from = 1;
    while (true) {
      StreamSlice slice = await(store.readStream(topic, aggregateId, from, 100));
      events.addAll(slice.events());
      if (slice.endOfStream() || slice.events().isEmpty()) {
        return events;
      }
      from = slice.nextVersion();
    }
  }
}
