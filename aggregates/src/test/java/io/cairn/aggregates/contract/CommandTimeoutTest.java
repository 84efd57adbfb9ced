package io.cairn.aggregates.contract;

import static io.cairn.eventstore.contract.StoreTestSupport.await;
import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.aggregates.CommandGateway;
import io.cairn.aggregates.CommandGateways;
import io.cairn.aggregates.CommandTimeoutException;
import io.cairn.aggregates.GatewayOptions;
import io.cairn.aggregates.guide.Accounts;
import io.cairn.aggregates.guide.Accounts.AccountCommand;
import io.cairn.aggregates.guide.Accounts.AccountEvent;
import io.cairn.aggregates.guide.Accounts.Deposit;
import io.cairn.aggregates.guide.Accounts.Open;
import io.cairn.client.CairnClient;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A command whose store does not answer fails with {@link CommandTimeoutException} after the gateway's timeout. */
class CommandTimeoutTest {

  @TempDir
  Path workDir;

  @Test
  void aCommandFailsWithATimeoutWhenTheNodeIsGone() {
    Vertx vertx = Vertx.vertx();
    RunningNode node = await(RunningNode.start(workDir.resolve("data")));
    CairnClient client = await(node.connect(vertx));
    try {
      // given: an open account, then the node stops (the client keeps retrying far longer than the gateway waits)
      CommandGateway<AccountCommand, AccountEvent> gateway = await(CommandGateways.create(vertx, client,
          Accounts.type("accounts", 100), new GatewayOptions().setCommandTimeoutMs(300)));
      await(gateway.send(new Open("acc-1", "cmd-1", "alice")));
      await(node.stop());

      // when
      Throwable failure = failureOf(() -> gateway.send(new Deposit("acc-1", "cmd-2", 1)));

      // then
      assertThat(failure).isInstanceOf(CommandTimeoutException.class)
          .hasMessage("command cmd-2 on aggregate acc-1 did not complete within 300 ms");
      assertThat(((CommandTimeoutException) failure).retryable()).isTrue();
    } finally {
      await(client.close());
      await(vertx.close());
    }
  }
}
