package io.cairn.aggregates.guide;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

// tag::usage-imports[]
import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandGateways;
import io.cairn.aggregates.CommandResult;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.aggregates.guide.Accounts.AccountCommand;
import io.cairn.aggregates.guide.Accounts.AccountEvent;
import io.cairn.aggregates.guide.Accounts.Deposit;
import io.cairn.aggregates.guide.Accounts.Open;
import io.cairn.aggregates.guide.Accounts.Withdraw;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
// end::usage-imports[]
import io.cairn.aggregates.guide.Accounts.Deposited;
import io.cairn.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example of docs/guide/aggregates.md (the code between the tags is the guide's, verbatim). */
class GuideExampleTest {

  // tag::usage[]
  /** Opens an account, deposits, tries to overdraw, and resends a command: the four results, in order. */
  static Future<List<CommandResult<AccountEvent>>> run(Vertx vertx, Path dataDir) {
    return EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir)).compose(store ->
        CommandGateways.create(vertx, store, Accounts.type("accounts", 100), new GatewayOptions())
            .compose(gateway -> sendAll(gateway, List.of(
                new Open("acc-1", "cmd-1", "alice"),
                new Deposit("acc-1", "cmd-2", 100),
                new Withdraw("acc-1", "cmd-3", 500),    // rejected: insufficient funds
                new Deposit("acc-1", "cmd-2", 100)))    // a resend: the original result, nothing appended
                .eventually(gateway::close))
            .eventually(store::close));
  }

  /** Sends the commands one after the other and collects their results. */
  static Future<List<CommandResult<AccountEvent>>> sendAll(CommandGateway<AccountCommand, AccountEvent> gateway,
                                                          List<AccountCommand> commands) {
    List<CommandResult<AccountEvent>> results = new ArrayList<>();
    Future<Void> sent = Future.succeededFuture();
    for (AccountCommand command : commands) {
      sent = sent.compose(previous -> gateway.send(command).<Void>map(result -> {
        results.add(result);
        return null;
      }));
    }
    return sent.map(done -> results);
  }
  // end::usage[]

  @Test
  void theGuideExampleRunsAsDescribed(@TempDir Path dir) {
    Vertx vertx = Vertx.vertx();
    try {
      // when
      List<CommandResult<AccountEvent>> results = await(run(vertx, dir.resolve("data")));

      // then
      assertThat(results).hasSize(4);
      assertThat(results.get(0)).isInstanceOf(CommandResult.Accepted.class);
      assertThat(results.get(1)).isEqualTo(new CommandResult.Accepted<>("acc-1", 2, List.of(new Deposited(100, 100))));
      assertThat(((CommandResult.Rejected<AccountEvent>) results.get(2)).rejection().code()).isEqualTo("insufficient-funds");
      assertThat(results.get(3)).isEqualTo(results.get(1));
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void theExampleAppendsOnlyTheAcceptedCommandsEvents(@TempDir Path dir) {
    Vertx vertx = Vertx.vertx();
    try {
      // given
      await(run(vertx, dir.resolve("data")));

      // when
      EventStore store = await(EventStores.openLocal(vertx, new StoreOptions().setDataDir(dir.resolve("data"))));
      long version = await(store.streamVersion("accounts", "acc-1"));
      await(store.close());

      // then
      assertThat(version).as("Open and one Deposit; the rejected command and the resend appended nothing").isEqualTo(2);
    } finally {
      await(vertx.close());
    }
  }
}
