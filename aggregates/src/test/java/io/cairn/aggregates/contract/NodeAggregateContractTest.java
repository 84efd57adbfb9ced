package io.cairn.aggregates.contract;

import io.cairn.eventstore.EventStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** The aggregate contract against a node, every store call over the binary protocol ({@code CairnClient}). */
class NodeAggregateContractTest extends AggregateContractTest {

  @Override
  protected Future<EventStore> openStore(Vertx vertx, Path workDir, List<Supplier<Future<?>>> closers) {
    return RunningNode.start(workDir.resolve("data")).compose(node -> {
      closers.add(node::stop);
      return node.connect(vertx).map(client -> {
        closers.add(client::close);
        return client;
      });
    });
  }
}
