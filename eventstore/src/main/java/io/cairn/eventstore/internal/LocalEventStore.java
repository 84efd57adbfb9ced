package io.cairn.eventstore.internal;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The single-node store. Work in progress: being written now. */
public abstract class LocalEventStore implements EventStore {

  /** Opens the store. */
  public static Future<EventStore> open(Vertx vertx, StoreOptions options) {
    return Future.failedFuture(new UnsupportedOperationException("LocalEventStore is being written"));
  }
}
