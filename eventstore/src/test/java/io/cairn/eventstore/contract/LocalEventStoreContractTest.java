package io.cairn.eventstore.contract;

import static io.cairn.eventstore.contract.StoreTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs the {@link EventStoreContractTest} suite against the single-node local store. */
class LocalEventStoreContractTest extends EventStoreContractTest {

  @Override
  protected Future<EventStore> openStore(Vertx vertx, Path workDir) {
    return EventStores.openLocal(vertx, new StoreOptions().setDataDir(workDir.resolve("data")));
  }

  @Test
  void secondStoreOnTheSameDirectoryIsRefused() {
    // when: the store of this test is open on workDir/data
    Throwable failure = failureOf(() -> openStore(vertx, workDir));

    // then
    assertThat(failure).isInstanceOf(StorageException.class).hasMessageContaining("data");
  }
}
