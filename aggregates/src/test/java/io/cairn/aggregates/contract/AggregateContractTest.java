package io.cairn.aggregates.contract;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static io.cairn.eventstore.contract.StoreTestSupport.pollUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandGateways;
import io.cairn.aggregates.CommandResult;
import io.cairn.aggregates.CommandValidationException;
import io.cairn.aggregates.ConflictException;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.aggregates.guide.Accounts;
import io.cairn.aggregates.guide.Accounts.Account;
import io.cairn.aggregates.guide.Accounts.AccountCommand;
import io.cairn.aggregates.guide.Accounts.AccountEvent;
import io.cairn.aggregates.guide.Accounts.Deposit;
import io.cairn.aggregates.guide.Accounts.Deposited;
import io.cairn.aggregates.guide.Accounts.Open;
import io.cairn.aggregates.guide.Accounts.Opened;
import io.cairn.aggregates.guide.Accounts.Withdraw;
import io.cairn.aggregates.guide.Accounts.Withdrawn;
import io.cairn.aggregates.internal.SnapshotRecord;
import io.cairn.aggregates.internal.VersionRange;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.serde.EventMetadata;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aggregate layer's contract, run against every {@link EventStore} implementation (the local store and
 * a node over the network): each subclass says how to open the store. Everything is real: files, sockets.
 */
public abstract class AggregateContractTest {

  protected static final String TOPIC = "accounts";

  @TempDir
  Path workDir;

  protected Vertx vertx;
  protected EventStore store;
  private final List<Supplier<Future<?>>> closers = new ArrayList<>();

  /** Opens the store under test on {@code workDir}; {@code closer} is closed after the test. */
  protected abstract Future<EventStore> openStore(Vertx vertx, Path workDir, List<Supplier<Future<?>>> closers);

  @BeforeEach
  void openStore() {
    vertx = Vertx.vertx();
    store = await(openStore(vertx, workDir, closers));
  }

  @AfterEach
  void closeAll() {
    for (int i = closers.size() - 1; i >= 0; i--) {
      await(closers.get(i).get().recover(ignored -> Future.succeededFuture()));
    }
    await(vertx.close());
  }

  protected CommandGateway<AccountCommand, AccountEvent> gateway(GatewayOptions options) {
    return gateway(Accounts.type(TOPIC, 1_000_000), options);
  }

  protected CommandGateway<AccountCommand, AccountEvent> gateway(AggregateType<AccountCommand, AccountEvent, Account> type,
                                                                GatewayOptions options) {
    CommandGateway<AccountCommand, AccountEvent> gateway = await(CommandGateways.create(vertx, store, type, options));
    closers.add(gateway::close);
    return gateway;
  }

  protected static CommandResult.Accepted<AccountEvent> accepted(CommandResult<AccountEvent> result) {
    assertThat(result).isInstanceOf(CommandResult.Accepted.class);
    return (CommandResult.Accepted<AccountEvent>) result;
  }

  protected List<StoredEvent> stream(String topic, String aggregateId) {
    return await(store.readStream(topic, aggregateId, 1, 10_000)).events();
  }

  protected static long balanceOf(CommandResult<AccountEvent> result) {
    List<AccountEvent> events = accepted(result).events();
    return ((Deposited) events.get(events.size() - 1)).balance();
  }

  @Nested
  class Commands {

    @Test
    void acceptedCommandAppendsItsEventsWithTheCommandIdAsCausation() {
      // given
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions());

      // when
      CommandResult<AccountEvent> opened = await(gateway.send(new Open("acc-1", "cmd-1", "alice")));
      CommandResult<AccountEvent> deposited = await(gateway.send(new Deposit("acc-1", "cmd-2", 40)));

      // then
      assertThat(opened).isEqualTo(new CommandResult.Accepted<>("acc-1", 1, List.of(new Opened("alice"))));
      assertThat(deposited).isEqualTo(new CommandResult.Accepted<>("acc-1", 2, List.of(new Deposited(40, 40))));
      List<StoredEvent> stored = stream(TOPIC, "acc-1");
      assertThat(stored).extracting(StoredEvent::type).containsExactly("AccountOpened", "MoneyDeposited");
      assertThat(stored).extracting(event -> EventMetadata.of(event).causationId()).containsExactly("cmd-1", "cmd-2");
    }

    @Test
    void rejectedCommandAppendsNothing() {
      // given
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions());
      await(gateway.send(new Open("acc-1", "cmd-1", "alice")));

      // when
      CommandResult<AccountEvent> result = await(gateway.send(new Withdraw("acc-1", "cmd-2", 1)));

      // then
      assertThat(result).isInstanceOf(CommandResult.Rejected.class);
      CommandResult.Rejected<AccountEvent> rejected = (CommandResult.Rejected<AccountEvent>) result;
      assertThat(rejected.rejection().code()).isEqualTo("insufficient-funds");
      assertThat(rejected.version()).isEqualTo(1);
      assertThat(await(store.streamVersion(TOPIC, "acc-1"))).isEqualTo(1);
    }

    @Test
    void invalidCommandFailsNamingTheFieldAndAppendsNothing() {
      // given
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions());
      await(gateway.send(new Open("acc-1", "cmd-1", "alice")));

      // when
      Throwable failure = failureOf(() -> gateway.send(new Deposit("acc-1", "cmd-2", -5)));

      // then
      assertThat(failure).isInstanceOf(CommandValidationException.class)
          .hasMessage("amount = -5: must be positive");
      assertThat(((CommandValidationException) failure).field()).isEqualTo("amount");
      assertThat(await(store.streamVersion(TOPIC, "acc-1"))).isEqualTo(1);
    }

    @Test
    void commandWithoutCommandIdFailsValidation() {
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions());

      Throwable failure = failureOf(() -> gateway.send(new Open("acc-1", "", "alice")));

      assertThat(failure).isInstanceOf(CommandValidationException.class);
      assertThat(((CommandValidationException) failure).field()).isEqualTo("commandId");
    }

    @Test
    void commandsForOneAggregateRunInTheOrderSent() {
      // given
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions());
      await(gateway.send(new Open("acc-1", "cmd-0", "alice")));

      // when: fifty deposits sent without waiting
      List<Future<CommandResult<AccountEvent>>> sent = new ArrayList<>();
      for (int i = 1; i <= 50; i++) {
        sent.add(gateway.send(new Deposit("acc-1", "cmd-" + i, i)));
      }

      // then
      long balance = 0;
      for (int i = 1; i <= 50; i++) {
        balance += i;
        CommandResult.Accepted<AccountEvent> result = accepted(await(sent.get(i - 1)));
        assertThat(result.newVersion()).isEqualTo(i + 1);
        assertThat(result.events()).containsExactly(new Deposited(i, balance));
      }
    }

    @Test
    void closedGatewayRefusesCommands() {
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions());
      await(gateway.close());

      assertThat(failureOf(() -> gateway.send(new Open("acc-1", "cmd-1", "alice"))))
          .isInstanceOf(StoreClosedException.class);
    }
  }

  @Nested
  class CommandIds {

    @Test
    void resentCommandReturnsTheOriginalResultAndAppendsNothing() {
      // given
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions());
      await(gateway.send(new Open("acc-1", "cmd-1", "alice")));
      CommandResult<AccountEvent> original = await(gateway.send(new Deposit("acc-1", "cmd-2", 40)));
      await(gateway.send(new Deposit("acc-1", "cmd-3", 2)));

      // when
      CommandResult<AccountEvent> resent = await(gateway.send(new Deposit("acc-1", "cmd-2", 40)));

      // then
      assertThat(resent).isEqualTo(original);
      assertThat(await(store.streamVersion(TOPIC, "acc-1"))).isEqualTo(3);
    }

    @Test
    void aNewGatewayRecognisesAResendFromTheEventsCausationIds() {
      // given
      CommandGateway<AccountCommand, AccountEvent> first = gateway(new GatewayOptions());
      await(first.send(new Open("acc-1", "cmd-1", "alice")));
      CommandResult<AccountEvent> original = await(first.send(new Deposit("acc-1", "cmd-2", 40)));

      // when
      CommandGateway<AccountCommand, AccountEvent> second = gateway(new GatewayOptions());
      CommandResult<AccountEvent> resent = await(second.send(new Deposit("acc-1", "cmd-2", 40)));

      // then
      assertThat(resent).isEqualTo(original);
      assertThat(await(store.streamVersion(TOPIC, "acc-1"))).isEqualTo(2);
    }

    @Test
    void aCommandOlderThanTheWindowIsDecidedAgain() {
      // given: a window of 2 command ids
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions().setRecentCommandIds(2));
      await(gateway.send(new Open("acc-1", "cmd-1", "alice")));
      await(gateway.send(new Deposit("acc-1", "cmd-2", 1)));
      await(gateway.send(new Deposit("acc-1", "cmd-3", 1)));
      await(gateway.send(new Deposit("acc-1", "cmd-4", 1)));

      // when: cmd-2 has left the window (cmd-3 and cmd-4 are in it)
      CommandResult<AccountEvent> again = await(gateway.send(new Deposit("acc-1", "cmd-2", 1)));

      // then
      assertThat(accepted(again).newVersion()).isEqualTo(5);
    }
  }

  @Nested
  class Concurrency {

    @Test
    void aWriteFromElsewhereIsReloadedAndTheCommandRetried() {
      // given: gateway A caches the account at version 2, then gateway B appends version 3
      CommandGateway<AccountCommand, AccountEvent> a = gateway(new GatewayOptions());
      CommandGateway<AccountCommand, AccountEvent> b = gateway(new GatewayOptions());
      await(a.send(new Open("acc-1", "cmd-1", "alice")));
      await(a.send(new Deposit("acc-1", "cmd-2", 10)));
      await(b.send(new Deposit("acc-1", "cmd-3", 5)));

      // when
      CommandResult<AccountEvent> result = await(a.send(new Deposit("acc-1", "cmd-4", 1)));

      // then: decided on the reloaded state, not the stale cache
      assertThat(result).isEqualTo(new CommandResult.Accepted<>("acc-1", 4, List.of(new Deposited(1, 16))));
    }

    @Test
    void aRejectionIsDecidedOnTheCurrentStateNotOnAStaleCache() {
      // given: A caches the account with balance 0, then B deposits 10
      CommandGateway<AccountCommand, AccountEvent> a = gateway(new GatewayOptions());
      CommandGateway<AccountCommand, AccountEvent> b = gateway(new GatewayOptions());
      await(a.send(new Open("acc-1", "cmd-1", "alice")));
      await(b.send(new Deposit("acc-1", "cmd-2", 10)));

      // when: A withdraws 5, which its cached state would refuse
      CommandResult<AccountEvent> result = await(a.send(new Withdraw("acc-1", "cmd-3", 5)));

      // then
      assertThat(result).isEqualTo(new CommandResult.Accepted<>("acc-1", 3, List.of(new Withdrawn(5, 5))));
    }

    @Test
    void aConflictOnEveryAttemptFailsWithConflictException() {
      // given: no retries, and a write from elsewhere after A cached the account
      CommandGateway<AccountCommand, AccountEvent> a = gateway(new GatewayOptions().setMaxConflictRetries(0));
      CommandGateway<AccountCommand, AccountEvent> b = gateway(new GatewayOptions());
      await(a.send(new Open("acc-1", "cmd-1", "alice")));
      await(b.send(new Deposit("acc-1", "cmd-2", 5)));

      // when
      Throwable failure = failureOf(() -> a.send(new Deposit("acc-1", "cmd-3", 1)));

      // then
      assertThat(failure).isInstanceOf(ConflictException.class);
      assertThat(((ConflictException) failure).retryable()).isTrue();
      assertThat(await(store.streamVersion(TOPIC, "acc-1"))).isEqualTo(2);
      // and the next command reloads
      assertThat(await(a.send(new Deposit("acc-1", "cmd-4", 1))))
          .isEqualTo(new CommandResult.Accepted<>("acc-1", 3, List.of(new Deposited(1, 6))));
    }

    @Test
    void aSmallCacheEvictsAndReloadsWithoutLosingState() {
      // given: room for one aggregate only
      CommandGateway<AccountCommand, AccountEvent> gateway = gateway(new GatewayOptions().setCacheEntries(1));
      await(gateway.send(new Open("acc-1", "c1", "alice")));
      await(gateway.send(new Open("acc-2", "c2", "bob")));

      // when
      for (int i = 0; i < 5; i++) {
        await(gateway.send(new Deposit("acc-1", "a" + i, 1)));
        await(gateway.send(new Deposit("acc-2", "b" + i, 2)));
      }

      // then
      assertThat(balanceOf(await(gateway.send(new Deposit("acc-1", "a-last", 1))))).isEqualTo(6);
      assertThat(balanceOf(await(gateway.send(new Deposit("acc-2", "b-last", 2))))).isEqualTo(12);
    }
  }

  @Nested
  class Loading {

    @Test
    void aLongStreamLoadsPageByPage() {
      // given: 100 events, and a gateway reading 7 events per page
      CommandGateway<AccountCommand, AccountEvent> writer = gateway(new GatewayOptions());
      await(writer.send(new Open("acc-1", "cmd-0", "alice")));
      for (int i = 1; i < 100; i++) {
        await(writer.send(new Deposit("acc-1", "cmd-" + i, 1)));
      }

      // when
      CommandGateway<AccountCommand, AccountEvent> reader = gateway(new GatewayOptions().setReadPageEvents(7));
      CommandResult<AccountEvent> result = await(reader.send(new Deposit("acc-1", "cmd-100", 1)));

      // then
      assertThat(result).isEqualTo(new CommandResult.Accepted<>("acc-1", 101, List.of(new Deposited(1, 100))));
    }
  }

  @Nested
  class Snapshots {

    private final AggregateType<AccountCommand, AccountEvent, Account> everyFive = Accounts.type(TOPIC, 5);

    /** Opens acc-1 and deposits 1 {@code deposits} times, then waits for the snapshots (written in the background). */
    private void openAndDeposit(CommandGateway<AccountCommand, AccountEvent> gateway, int deposits) {
      await(gateway.send(new Open("acc-1", "cmd-0", "alice")));
      for (int i = 1; i <= deposits; i++) {
        await(gateway.send(new Deposit("acc-1", "cmd-" + i, 1)));
      }
      long expectedSnapshots = (deposits + 1) / everyFive.snapshotPolicy().everyEvents();
      pollUntil(() -> await(store.streamVersion(everyFive.snapshotTopic(), "acc-1")) == expectedSnapshots,
          Duration.ofSeconds(30), expectedSnapshots + " snapshots of acc-1");
    }

    private SnapshotRecord latestSnapshot() {
      List<StoredEvent> snapshots = stream(everyFive.snapshotTopic(), "acc-1");
      return SnapshotRecord.decode(snapshots.get(snapshots.size() - 1).payload());
    }

    private void storeSnapshot(byte[] payload) {
      await(store.append(AppendRequest.of(everyFive.snapshotTopic(), "acc-1", ExpectedVersion.ANY,
          List.of(EventData.of(SnapshotRecord.TYPE, payload)))));
    }

    @Test
    void aSnapshotIsWrittenEachTimeTheVersionCrossesAMultipleOfN() {
      // when: versions 1 to 12
      openAndDeposit(gateway(everyFive, new GatewayOptions()), 11);

      // then: snapshots at 5 and 10, in the compacted snapshot topic
      List<StoredEvent> snapshots = stream(everyFive.snapshotTopic(), "acc-1");
      assertThat(snapshots).extracting(event -> SnapshotRecord.decode(event.payload()).aggregateVersion())
          .containsExactly(5L, 10L);
      SnapshotRecord latest = latestSnapshot();
      assertThat(latest.schemaVersion()).isEqualTo(1);
      assertThat(latest.recentCommands()).containsEntry("cmd-9", new VersionRange(10, 10));
      assertThat(await(store.describeTopic(everyFive.snapshotTopic())).config().cleanupPolicy().configName())
          .isEqualTo("compact");
    }

    @Test
    void loadingStartsFromTheLatestSnapshotsState() {
      // given: 12 events, and a forged snapshot at version 12 whose balance is 1000
      openAndDeposit(gateway(everyFive, new GatewayOptions()), 11);
      storeSnapshot(new SnapshotRecord(12, 1, Map.of(),
          "{\"open\":true,\"owner\":\"alice\",\"balance\":1000}".getBytes(StandardCharsets.UTF_8)).encode());

      // when: a new gateway loads the account
      CommandResult<AccountEvent> result = await(gateway(everyFive, new GatewayOptions())
          .send(new Deposit("acc-1", "cmd-new", 1)));

      // then: decided on the snapshot's state
      assertThat(result).isEqualTo(new CommandResult.Accepted<>("acc-1", 13, List.of(new Deposited(1, 1001))));
    }

    @Test
    void loadingFoldsTheEventsAfterTheSnapshotAndKeepsItsCommandIds() {
      // given: 12 events, and a forged snapshot at version 10 naming a command "ghost" at version 3
      openAndDeposit(gateway(everyFive, new GatewayOptions()), 11);
      storeSnapshot(new SnapshotRecord(10, 1, Map.of("ghost", new VersionRange(3, 3)),
          "{\"open\":true,\"owner\":\"alice\",\"balance\":9}".getBytes(StandardCharsets.UTF_8)).encode());
      CommandGateway<AccountCommand, AccountEvent> loaded = gateway(everyFive, new GatewayOptions());

      // when
      CommandResult<AccountEvent> ghost = await(loaded.send(new Deposit("acc-1", "ghost", 1)));
      CommandResult<AccountEvent> next = await(loaded.send(new Deposit("acc-1", "cmd-new", 1)));

      // then: "ghost" was known from the snapshot only, and versions 11 and 12 were folded after it
      assertThat(ghost).isEqualTo(new CommandResult.Accepted<>("acc-1", 3, List.of(new Deposited(1, 2))));
      assertThat(next).isEqualTo(new CommandResult.Accepted<>("acc-1", 13, List.of(new Deposited(1, 12))));
    }

    @Test
    void aSnapshotThatDoesNotDecodeIsIgnoredAndTheStreamReplayed() {
      // given
      openAndDeposit(gateway(everyFive, new GatewayOptions()), 11);
      storeSnapshot("not a snapshot".getBytes(StandardCharsets.UTF_8));

      // when
      CommandResult<AccountEvent> result = await(gateway(everyFive, new GatewayOptions())
          .send(new Deposit("acc-1", "cmd-new", 1)));

      // then
      assertThat(result).isEqualTo(new CommandResult.Accepted<>("acc-1", 13, List.of(new Deposited(1, 12))));
    }

    @Test
    void aSnapshotOfAnotherSchemaVersionIsIgnored() {
      // given: a snapshot claiming schema version 2 (the codec writes 1), with a wrong balance
      openAndDeposit(gateway(everyFive, new GatewayOptions()), 11);
      storeSnapshot(new SnapshotRecord(12, 2, Map.of(),
          "{\"open\":true,\"owner\":\"alice\",\"balance\":1000}".getBytes(StandardCharsets.UTF_8)).encode());

      // when
      CommandResult<AccountEvent> result = await(gateway(everyFive, new GatewayOptions())
          .send(new Deposit("acc-1", "cmd-new", 1)));

      // then
      assertThat(result).isEqualTo(new CommandResult.Accepted<>("acc-1", 13, List.of(new Deposited(1, 12))));
    }

    @Test
    void aResendOfACommandBeforeTheSnapshotIsRecognisedAfterLoadingFromIt() {
      // given: cmd-4 took version 5, before the snapshot at 10
      openAndDeposit(gateway(everyFive, new GatewayOptions()), 11);

      // when
      CommandResult<AccountEvent> resent = await(gateway(everyFive, new GatewayOptions())
          .send(new Deposit("acc-1", "cmd-4", 1)));

      // then
      assertThat(resent).isEqualTo(new CommandResult.Accepted<>("acc-1", 5, List.of(new Deposited(1, 4))));
      assertThat(await(store.streamVersion(TOPIC, "acc-1"))).isEqualTo(12);
    }
  }
}
