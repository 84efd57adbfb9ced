package io.cairn.client.internal.consumer;

import io.cairn.client.TopicPartition;
import io.cairn.client.internal.core.ClientCore;
import io.cairn.client.internal.core.OffsetLookup;
import io.cairn.client.internal.core.RetryRule;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.ListOffsets;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.spi.ReadAheadStream;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code EventStore.subscribe} over the network: one partition read by long-poll Fetch requests
 * ({@code fetch.max.wait.ms}, {@code max.partition.fetch.bytes}), one at a time and only while the handler has
 * demand ({@link ReadAheadStream} does the backpressure), so a paused stream sends nothing. The stream ends
 * when the handler is set to null or the client closes; a failure (unknown topic or partition, or an error
 * that outlived {@code delivery.timeout.ms} of retries) goes to the exception handler, then the stream ends.
 * It resolves its start position when the first handler is set.
 *
 * <p>Thread-safety: as {@link ReadAheadStream}; the position is touched on the subscription's context only.
 */
public final class FetchSubscription extends ReadAheadStream<StoredEvent> {

  private final ClientCore core;
  private final TopicPartition partition;
  private final Consumer<FetchSubscription> onEnd;
  private final StartPosition start;
  private long nextOffset = -1;

  /**
   * A subscription that starts (resolves {@code start}, then fetches) when its first handler is set.
   * {@code onEnd} is told once when the stream ends (the client forgets it).
   */
  public FetchSubscription(ClientCore core, String topic, int partition, StartPosition start,
                           Consumer<FetchSubscription> onEnd) {
    super(core.vertx().getOrCreateContext());
    this.core = core;
    this.partition = new TopicPartition(topic, partition);
    this.onEnd = onEnd;
    this.start = start;
  }

  @Override
  protected Future<Void> begin() {
    return resolve(start).map(offset -> {
      nextOffset = offset;
      return null;
    });
  }

  private Future<Long> resolve(StartPosition start) {
    if (start instanceof StartPosition.AtOffset at) {
      return Future.succeededFuture(at.offset());
    }
    long timestamp;
    if (start instanceof StartPosition.AtTimestamp at) {
      timestamp = Math.max(0, at.timestampMs());
    } else if (start instanceof StartPosition.Latest) {
      timestamp = ListOffsets.LATEST_TIMESTAMP;
    } else {
      timestamp = ListOffsets.EARLIEST_TIMESTAMP;
    }
    return OffsetLookup.offset(core.calls(), core.main(), partition, timestamp);
  }

  @Override
  protected Future<List<StoredEvent>> readAhead() {
    int maxWaitMs = core.options().fetchMaxWaitMs();
    int maxBytes = core.options().maxPartitionFetchBytes();
    long from = nextOffset;
    Fetch.Request request = new Fetch.Request(maxWaitMs, maxBytes, List.of(new TopicItems<>(partition.topic(),
        List.of(new Fetch.PartitionData(partition.partition(), from, maxBytes)))));
    return core.calls().<Fetch.Response>call(core.longPolls(), request, RetryRule.ALWAYS, maxWaitMs)
        .map(response -> {
          PartitionFetch fetched = PartitionFetch.decode(partition.topic(), from,
              PartitionFetch.find(response, partition.topic(), partition.partition()));
          nextOffset = fetched.nextOffset();
          return fetched.events();
        });
  }

  @Override
  protected void onEnded() {
    onEnd.accept(this);
  }
}
