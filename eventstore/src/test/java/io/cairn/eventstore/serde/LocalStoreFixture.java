package io.cairn.eventstore.serde;

import static io.cairn.eventstore.contract.StoreTestSupport.await;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StoreOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real local store in a fresh temp directory per test, closed afterwards; {@link #reopenStore()} restarts it. */
abstract class LocalStoreFixture {

  @TempDir
  Path workDir;
  Vertx vertx;
  EventStore store;

  @BeforeEach
  void openStore() {
    vertx = Vertx.vertx();
    store = await(EventStores.openLocal(vertx, options()));
  }

  @AfterEach
  void closeStore() {
    try {
      if (store != null) {
        await(store.close());
      }
    } finally {
      await(vertx.close());
    }
  }

  /** Closes the store and opens it again on the same files, as a restarted process would. */
  void reopenStore() {
    await(store.close());
    store = null;
    store = await(EventStores.openLocal(vertx, options()));
  }

  /** A registry of {@link #store}, freshly loaded. */
  SchemaRegistry openRegistry() {
    return await(SchemaRegistry.open(store));
  }

  private StoreOptions options() {
    return new StoreOptions().setDataDir(workDir.resolve("data"));
  }
}
