package io.cairn.aggregates.contract;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** The aggregate contract against the local store, in process. */
class LocalAggregateContractTest extends AggregateContractTest {

  @Override
  protected Future<EventStore> openStore(Vertx vertx, Path workDir, List<Supplier<Future<?>>> closers) {
    return EventStores.openLocal(vertx, new StoreOptions().setDataDir(workDir.resolve("data")))
        .onSuccess(store -> closers.add(store::close));
  }
}
