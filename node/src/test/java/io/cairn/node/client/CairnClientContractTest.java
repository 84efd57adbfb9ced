package io.cairn.node.client;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.contract.EventStoreContractTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Runs the whole {@link EventStoreContractTest} suite against {@link io.cairn.client.CairnClient}: each test
 * starts a node on its work directory and talks to it over the binary protocol only.
 */
class CairnClientContractTest extends EventStoreContractTest {

  @Override
  protected Future<EventStore> openStore(Vertx vertx, Path workDir) {
    return NodeBackedStore.start(vertx, workDir.resolve("data")).map(store -> store);
  }
}
