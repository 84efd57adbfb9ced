package io.cairn.eventstore;

import io.cairn.eventstore.internal.LocalEventStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Entry points that open an {@link EventStore}. */
public final class EventStores {

  private EventStores() {
  }

  /**
   * Opens (creating if needed) the store in {@code options.dataDir()}, recovering every partition:
   * nothing is scanned after a clean shutdown, only the tail after a crash. Fails with
   * {@link StorageException} naming file and position if stored data before a partition's recovery
   * point does not verify.
   */
  public static Future<EventStore> openLocal(Vertx vertx, StoreOptions options) {
    return LocalEventStore.open(vertx, new StoreOptions(options).validate());
  }
}
