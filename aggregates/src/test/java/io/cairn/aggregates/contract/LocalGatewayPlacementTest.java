package io.cairn.aggregates.contract;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.aggregates.AggregateType;
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandGateways;
import io.cairn.aggregates.CommandResult;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.aggregates.guide.Accounts;
import io.cairn.aggregates.guide.Accounts.Account;
import io.cairn.aggregates.guide.Accounts.AccountCommand;
import io.cairn.aggregates.guide.Accounts.AccountEvent;
import io.cairn.aggregates.guide.Accounts.Deposit;
import io.cairn.aggregates.guide.Accounts.Open;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.PartitionPlacement;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over the local store the gateway runs each aggregate's commands on the context of the aggregate's partition,
 * where their results complete, and hands the appends of one turn to the store together (ADR 0011): checked
 * here on a topic of several partitions, and on a page-cache topic, whose appends are answered inside the
 * hand-over.
 */
class LocalGatewayPlacementTest {

  @TempDir
  Path workDir;
  private Vertx vertx;
  private EventStore store;
  private CommandGateway<AccountCommand, AccountEvent> gateway;
  /** Bound on the stack depth under a closed loop's result listener; nested hand-overs reached 1 835 in 300 rounds. */
  private static final int MAX_LISTENER_FRAMES = 1000;

  /** The deepest stack a closed loop's result listener ran on. */
  private final AtomicInteger deepestListener = new AtomicInteger();
  /** The contexts each account's command results completed on. */
  private final Map<String, Set<Context>> completedOn = new ConcurrentHashMap<>();

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(workDir)));
  }

  @AfterEach
  void close() {
    if (gateway != null) {
      await(gateway.close());
    }
    await(store.close());
    await(vertx.close());
  }

  /** The account type on {@code topic}, created first with {@code config} (the gateway takes it as it is). */
  private AggregateType<AccountCommand, AccountEvent, Account> type(String topic, TopicConfig config) {
    await(store.createTopic(topic, config));
    return Accounts.type(topic, 1_000_000);
  }

  /**
   * Sends {@code command}; records the context its result completes on, the one it ran on (none if it
   * completed before the listener was added: then the listener runs on this thread, outside Vert.x).
   */
  private Future<CommandResult<AccountEvent>> send(AccountCommand command) {
    return gateway.send(command).onComplete(result -> {
      Context context = Vertx.currentContext();
      if (context != null) {
        completedOn.computeIfAbsent(command.accountId(), id -> ConcurrentHashMap.newKeySet()).add(context);
      }
    });
  }

  /** Opens {@code accounts} accounts, then sends {@code deposits} deposits of 1 to each, all at once. */
  private void openAndDeposit(AggregateType<AccountCommand, AccountEvent, Account> type, int accounts, int deposits) {
    gateway = await(CommandGateways.create(vertx, store, type, new GatewayOptions()));
    List<Future<CommandResult<AccountEvent>>> opened = new ArrayList<>();
    for (int a = 0; a < accounts; a++) {
      opened.add(send(new Open("acc-" + a, "open-" + a, "owner-" + a)));
    }
    opened.forEach(result -> assertThat(await(result)).isInstanceOf(CommandResult.Accepted.class));
    List<Future<CommandResult<AccountEvent>>> sent = new ArrayList<>();
    for (int d = 0; d < deposits; d++) {
      for (int a = 0; a < accounts; a++) {
        sent.add(send(new Deposit("acc-" + a, "dep-" + a + "-" + d, 1)));
      }
    }
    for (int i = 0; i < sent.size(); i++) {
      CommandResult<AccountEvent> result = await(sent.get(i));
      assertThat(result).as("deposit %d", i).isInstanceOf(CommandResult.Accepted.class);
      assertThat(((CommandResult.Accepted<AccountEvent>) result).newVersion())
          .as("deposit %d: sent in order, so applied in order", i).isEqualTo(i / accounts + 2);
    }
    for (int a = 0; a < accounts; a++) {
      assertThat(await(store.streamVersion(type.topic(), "acc-" + a))).isEqualTo(deposits + 1L);
    }
  }

  @Test
  void eachAggregatesCommandsRunOnItsPartitionsContext() {
    // given
    int partitions = 4;
    AggregateType<AccountCommand, AccountEvent, Account> type = type("accounts",
        new TopicConfig().setPartitions(partitions));

    // when
    openAndDeposit(type, 24, 5);

    // then
    PartitionPlacement placement = (PartitionPlacement) store;
    Set<Context> used = ConcurrentHashMap.newKeySet();
    for (int a = 0; a < 24; a++) {
      String id = "acc-" + a;
      Context partitionContext = placement.partitionContext("accounts", Partitioner.partitionFor(id, partitions));
      assertThat(completedOn.get(id)).as("contexts the commands of %s completed on", id)
          .containsExactly(partitionContext);
      used.add(partitionContext);
    }
    assertThat(used).as("the accounts spread over every partition").hasSize(partitions);
  }

  @Test
  void closedLoopsOnAPageCacheTopicAnsweredInsideTheHandOverAllComplete() {
    // given: page-cache appends are answered at once on the partition's context, inside the gateway's
    // hand-over; each loop sends its next command from its previous result's listener, on that context
    AggregateType<AccountCommand, AccountEvent, Account> type = type("fast",
        new TopicConfig().setFlushMode(FlushMode.PAGE_CACHE));
    openAndDeposit(type, 64, 1);
    int rounds = 300;

    // when: 64 closed loops
    List<Future<Void>> loops = new ArrayList<>();
    for (int a = 0; a < 64; a++) {
      Promise<Void> done = Promise.promise();
      depositInALoop("acc-" + a, 0, rounds, done);
      loops.add(done.future());
    }
    await(Future.all(loops));

    // then
    for (int a = 0; a < 64; a++) {
      assertThat(await(store.streamVersion("fast", "acc-" + a))).isEqualTo(2L + rounds);
    }
    assertThat(deepestListener.get()).as("stack frames under a result listener: a hand-over nested in the one"
        + " before for each batch would grow it by every batch, to thousands").isLessThan(MAX_LISTENER_FRAMES);
  }

  /** Sends deposit {@code next} of {@code rounds} to {@code accountId}, the following one once it is accepted. */
  private void depositInALoop(String accountId, int next, int rounds, Promise<Void> done) {
    gateway.send(new Deposit(accountId, "loop-" + next, 1)).onComplete(result -> {
      deepestListener.accumulateAndGet(StackWalker.getInstance().walk(frames -> (int) frames.count()), Math::max);
      if (result.failed() || !(result.result() instanceof CommandResult.Accepted)) {
        done.tryFail(result.failed() ? result.cause() : new AssertionError(accountId + ": " + result.result()));
      } else if (next + 1 == rounds) {
        done.complete();
      } else {
        depositInALoop(accountId, next + 1, rounds, done);
      }
    });
  }
}
