package io.cairn.eventstore.internal;

import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.internal.partition.Partition;
import io.cairn.eventstore.spi.ReadAheadStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * A catch-up-then-live subscription to one local partition ({@link ReadAheadStream} does the backpressure).
 * Each read-ahead reads one fetch ({@value #FETCH_MAX_BYTES} bytes) at most; at the high watermark it waits
 * for the partition to signal new acknowledged records. The start position is resolved when the
 * subscription is created, so {@link StartPosition#LATEST} means "after {@code subscribe}".
 *
 * <p>All state is touched on the subscriber's context only.
 */
final class PartitionSubscription extends ReadAheadStream<StoredEvent> {

  /** Bytes fetched per read-ahead. */
  static final int FETCH_MAX_BYTES = 1024 * 1024;

  private final Partition partition;
  private final Promise<Void> startResolved = Promise.promise();
  private long nextOffset = -1;

  PartitionSubscription(Vertx vertx, Partition partition, StartPosition start) {
    super(vertx.getOrCreateContext());
    this.partition = partition;
    context().runOnContext(v -> resolveStart(start).onComplete(resolved -> {
      if (resolved.succeeded()) {
        nextOffset = resolved.result();
      }
      startResolved.handle(resolved.mapEmpty());
    }));
  }

  private Future<Long> resolveStart(StartPosition start) {
    if (start instanceof StartPosition.AtOffset at) {
      return Future.succeededFuture(Math.max(at.offset(), partition.logStartOffset()));
    } else if (start instanceof StartPosition.AtTimestamp at) {
      return partition.offsetForTimestamp(at.timestampMs());
    } else if (start instanceof StartPosition.Latest) {
      return Future.succeededFuture(partition.highWatermark());
    }
    return Future.succeededFuture(partition.logStartOffset());
  }

  @Override
  protected Future<Void> begin() {
    return startResolved.future();
  }

  @Override
  protected Future<List<StoredEvent>> readAhead() {
    // runs on the subscriber's context, so the read's result comes back to it
    return partition.read(nextOffset, FETCH_MAX_BYTES).compose(this::eventsOrWait);
  }

  private Future<List<StoredEvent>> eventsOrWait(ReadResult result) {
    nextOffset = result.nextOffset();
    if (!result.events().isEmpty()) {
      return Future.succeededFuture(result.events());
    }
    return partition.awaitHighWatermarkAbove(nextOffset).map(ignored -> List.of());
  }
}
