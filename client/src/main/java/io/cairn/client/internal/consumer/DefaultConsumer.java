package io.cairn.client.internal.consumer;

import io.cairn.client.AutoOffsetReset;
import io.cairn.client.CairnConsumer;
import io.cairn.client.ClientOptions;
import io.cairn.client.TopicPartition;
import io.cairn.client.internal.core.CallerContext;
import io.cairn.client.internal.core.ClientCore;
import io.cairn.client.internal.core.OffsetLookup;
import io.cairn.client.internal.core.RetryRule;
import io.cairn.client.internal.net.ChannelSource;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.ListOffsets;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoredEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@link CairnConsumer}. Per assigned partition it keeps the position (offset of the next event a poll
 * returns) or a pending reset to the first offset or the high watermark; events fetched beyond
 * {@code max.poll.records} wait in a remainder, and a partition with a remainder is not fetched again
 * before the remainder is returned. One Fetch covers every other assigned partition. As in Kafka's
 * consumer, the poll that empties the remainder sends the next Fetch before it returns (a prefetch, with
 * a long poll of {@code fetch.max.wait.ms}), so that events travel while the caller handles the last
 * ones; a later poll waits for that Fetch instead of sending another.
 *
 * <p>Thread-safety: meant for one caller at a time (see {@link CairnConsumer}); the state is guarded by this
 * object's lock because fetch answers arrive on the client's event loop.
 */
public final class DefaultConsumer implements CairnConsumer {

  private enum Reset { NONE, EARLIEST, LATEST }

  private static final class Position {
    long offset = -1;
    Reset reset;

    Position(Reset reset) {
      this.reset = reset;
    }
  }

  private final ClientCore core;
  private final ChannelSource channel;
  private final Supplier<Future<Void>> closeChannel;
  private final ClientOptions options;
  private final Map<TopicPartition, Position> positions = new LinkedHashMap<>();
  private final ArrayDeque<StoredEvent> remainder = new ArrayDeque<>();
  private final Map<TopicPartition, Long> fetchedUpTo = new LinkedHashMap<>();
  private boolean polling;
  private boolean closed;
  private Promise<List<StoredEvent>> runningPoll;
  /** The Fetch in flight (a prefetch, or one a poll waits for), or null. */
  private Future<Void> inFlightFetch;

  /**
   * A consumer fetching through {@code channel} (its own connection), closed with {@code closeChannel}.
   */
  public DefaultConsumer(ClientCore core, ChannelSource channel, Supplier<Future<Void>> closeChannel) {
    this.core = core;
    this.channel = channel;
    this.closeChannel = closeChannel;
    this.options = core.options();
  }

  @Override
  public synchronized CairnConsumer assign(Collection<TopicPartition> partitions) {
    Set<TopicPartition> wanted = new LinkedHashSet<>(partitions);
    positions.keySet().retainAll(wanted);
    fetchedUpTo.keySet().retainAll(wanted);
    remainder.removeIf(event -> !wanted.contains(new TopicPartition(event.topic(), event.partition())));
    for (TopicPartition partition : wanted) {
      positions.computeIfAbsent(partition, p -> new Position(defaultReset()));
    }
    return this;
  }

  private Reset defaultReset() {
    return options.autoOffsetReset() == AutoOffsetReset.EARLIEST ? Reset.EARLIEST
        : options.autoOffsetReset() == AutoOffsetReset.LATEST ? Reset.LATEST : Reset.NONE;
  }

  @Override
  public synchronized Set<TopicPartition> assignment() {
    return Set.copyOf(positions.keySet());
  }

  @Override
  public synchronized CairnConsumer seek(TopicPartition partition, long offset) {
    if (offset < 0) {
      throw new InvalidInputException("offset", offset, "must be at least 0");
    }
    Position position = assigned(partition);
    position.offset = offset;
    position.reset = null;
    dropRemainder(partition);
    return this;
  }

  @Override
  public synchronized CairnConsumer seekToBeginning(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      seekTo(partition, Reset.EARLIEST);
    }
    return this;
  }

  @Override
  public synchronized CairnConsumer seekToEnd(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      seekTo(partition, Reset.LATEST);
    }
    return this;
  }

  private void seekTo(TopicPartition partition, Reset reset) {
    Position position = assigned(partition);
    position.offset = -1;
    position.reset = reset;
    dropRemainder(partition);
  }

  private Position assigned(TopicPartition partition) {
    Position position = positions.get(Objects.requireNonNull(partition, "partition"));
    if (position == null) {
      throw new IllegalStateException(partition + " is not assigned to this consumer (assigned: "
          + positions.keySet() + ")");
    }
    return position;
  }

  private void dropRemainder(TopicPartition partition) {
    remainder.removeIf(event -> event.partition() == partition.partition() && event.topic().equals(partition.topic()));
    fetchedUpTo.remove(partition);
  }

  @Override
  public Future<Long> position(TopicPartition partition) {
    Promise<Long> result = CallerContext.promise();
    synchronized (this) {
      Position position = positions.get(partition);
      if (position == null) {
        result.fail(new IllegalStateException(partition + " is not assigned to this consumer"));
        return result.future();
      }
      if (position.reset == null) {
        result.complete(position.offset);
        return result.future();
      }
    }
    resolveResets().map(ignored -> currentOffset(partition)).onComplete(result);
    return result.future();
  }

  private synchronized long currentOffset(TopicPartition partition) {
    Position position = positions.get(partition);
    return position == null ? -1 : position.offset;
  }

  @Override
  public Future<List<StoredEvent>> poll(long maxWaitMs) {
    Promise<List<StoredEvent>> result = CallerContext.promise();
    synchronized (this) {
      if (closed) {
        result.fail(new IllegalStateException("the consumer is closed"));
        return result.future();
      }
      if (polling) {
        result.fail(new IllegalStateException("a poll is already running on this consumer"));
        return result.future();
      }
      if (maxWaitMs < 0) {
        result.fail(new InvalidInputException("maxWaitMs", maxWaitMs, "must be at least 0"));
        return result.future();
      }
      if (!remainder.isEmpty()) {
        result.complete(takeFromRemainder());
        return result.future();
      }
      polling = true;
      runningPoll = result;
    }
    long deadlineNanos = System.nanoTime() + maxWaitMs * 1_000_000L;
    resolveResets().compose(ignored -> awaitEvents(deadlineNanos)).onComplete(outcome -> {
      synchronized (this) {
        polling = false;
        runningPoll = null;
      }
      if (outcome.failed() && outcome.cause() instanceof StoreClosedException && isClosed()) {
        result.tryComplete(List.of());
      } else {
        result.handle(outcome);
      }
    });
    return result.future();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** Asks the node for the offsets of partitions waiting for a reset; fails for {@code auto.offset.reset=none}. */
  private Future<Void> resolveResets() {
    Map<TopicPartition, Long> timestamps = new LinkedHashMap<>();
    synchronized (this) {
      for (Map.Entry<TopicPartition, Position> entry : positions.entrySet()) {
        Reset reset = entry.getValue().reset;
        if (reset == Reset.NONE) {
          return Future.failedFuture(new InvalidInputException(ClientOptions.AUTO_OFFSET_RESET, "none",
              "leaves " + entry.getKey() + " without a position: seek it first"));
        }
        if (reset != null) {
          timestamps.put(entry.getKey(), reset == Reset.EARLIEST ? ListOffsets.EARLIEST_TIMESTAMP
              : ListOffsets.LATEST_TIMESTAMP);
        }
      }
    }
    if (timestamps.isEmpty()) {
      return Future.succeededFuture();
    }
    return OffsetLookup.offsets(core.calls(), core.main(), timestamps).map(offsets -> {
      synchronized (this) {
        offsets.forEach((partition, offset) -> {
          Position position = positions.get(partition);
          if (position != null && position.reset != null) {
            position.offset = offset;
            position.reset = null;
          }
        });
      }
      return null;
    });
  }

  /**
   * Events once a fetch brought some, or none at the deadline. Waits for the prefetch already in flight
   * if there is one (at most until the deadline; it goes on after), else sends a fetch whose long poll
   * ends by the deadline.
   */
  private Future<List<StoredEvent>> awaitEvents(long deadlineNanos) {
    Future<Void> fetch;
    long remainingMs = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture(List.of());
      }
      if (!remainder.isEmpty()) {
        return Future.succeededFuture(takeFromRemainder());
      }
      if (inFlightFetch != null) {
        fetch = remainingMs == 0 ? Future.succeededFuture() : bounded(inFlightFetch, remainingMs);
      } else {
        fetch = startFetch((int) Math.min(remainingMs, options.fetchMaxWaitMs()));
        if (fetch == null) {
          return Future.succeededFuture(List.of());
        }
      }
    }
    return fetch.compose(arrived -> {
      synchronized (this) {
        if (!remainder.isEmpty()) {
          return Future.succeededFuture(takeFromRemainder());
        }
      }
      if (System.nanoTime() - deadlineNanos >= 0) {
        return Future.succeededFuture(List.<StoredEvent>of());
      }
      return awaitEvents(deadlineNanos);
    });
  }

  /** {@code fetch}, or a success after {@code waitMs} if it has not completed by then. */
  private Future<Void> bounded(Future<Void> fetch, long waitMs) {
    Promise<Void> bounded = Promise.promise();
    long timer = core.vertx().setTimer(waitMs, id -> bounded.tryComplete());
    fetch.onComplete(outcome -> {
      core.vertx().cancelTimer(timer);
      if (outcome.failed()) {
        bounded.tryFail(outcome.cause());
      } else {
        bounded.tryComplete();
      }
    });
    return bounded.future();
  }

  /**
   * Sends one Fetch for every assigned partition with a position, from that position, with a long poll
   * of {@code waitMs}; its answer goes into the remainder (unless a seek moved the partition meanwhile).
   * Returns it as the fetch in flight, or null when no partition has a position. Under the lock.
   */
  private Future<Void> startFetch(int waitMs) {
    Map<TopicPartition, Long> from = new LinkedHashMap<>();
    positions.forEach((partition, position) -> {
      if (position.reset == null && position.offset >= 0) {
        from.put(partition, position.offset);
      }
    });
    if (from.isEmpty()) {
      return null;
    }
    Map<String, List<Fetch.PartitionData>> byTopic = new LinkedHashMap<>();
    from.forEach((partition, offset) -> byTopic.computeIfAbsent(partition.topic(), t -> new ArrayList<>())
        .add(new Fetch.PartitionData(partition.partition(), offset, options.maxPartitionFetchBytes())));
    Fetch.Request request = new Fetch.Request(waitMs, options.fetchMaxBytes(), TopicItems.of(byTopic));
    Future<Void> fetch = core.calls().<Fetch.Response>call(channel, request, RetryRule.ALWAYS, waitMs)
        .map(response -> {
          keepFetched(from, response);
          return null;
        });
    inFlightFetch = fetch;
    fetch.onComplete(ignored -> {
      synchronized (this) {
        if (inFlightFetch == fetch) {
          inFlightFetch = null;
        }
      }
    });
    return fetch;
  }

  /** Puts the events of {@code response} into the remainder, for partitions still at the offsets fetched from. */
  private synchronized void keepFetched(Map<TopicPartition, Long> from, Fetch.Response response) {
    for (Map.Entry<TopicPartition, Long> entry : from.entrySet()) {
      TopicPartition partition = entry.getKey();
      Position position = positions.get(partition);
      if (position == null || position.reset != null || position.offset != entry.getValue()
          || fetchedUpTo.containsKey(partition)) {
        continue;
      }
      PartitionFetch fetched = PartitionFetch.decode(partition.topic(), entry.getValue(),
          PartitionFetch.find(response, partition.topic(), partition.partition()));
      remainder.addAll(fetched.events());
      fetchedUpTo.put(partition, fetched.nextOffset());
      if (fetched.events().isEmpty()) {
        position.offset = fetched.nextOffset();
        fetchedUpTo.remove(partition);
      }
    }
  }

  /** Up to {@code max.poll.records} events from the remainder, advancing positions past them. Under the lock. */
  private List<StoredEvent> takeFromRemainder() {
    int count = Math.min(options.maxPollRecords(), remainder.size());
    List<StoredEvent> taken = new ArrayList<>(count);
    // events come in runs of one partition: look its position up once per run, not once per event
    TopicPartition run = null;
    Position runPosition = null;
    for (int i = 0; i < count; i++) {
      StoredEvent event = remainder.pollFirst();
      taken.add(event);
      if (!isOf(run, event)) {
        run = new TopicPartition(event.topic(), event.partition());
        runPosition = positions.get(run);
      }
      if (runPosition != null) {
        runPosition.offset = event.offset() + 1;
      }
    }
    Set<TopicPartition> stillBuffered = new LinkedHashSet<>();
    run = null;
    for (StoredEvent event : remainder) {
      if (!isOf(run, event)) {
        run = new TopicPartition(event.topic(), event.partition());
        stillBuffered.add(run);
      }
    }
    fetchedUpTo.entrySet().removeIf(entry -> {
      if (stillBuffered.contains(entry.getKey())) {
        return false;
      }
      Position position = positions.get(entry.getKey());
      if (position != null && position.reset == null) {
        position.offset = Math.max(position.offset, entry.getValue());
      }
      return true;
    });
    if (remainder.isEmpty() && inFlightFetch == null && !closed) {
      // pipelining, as Kafka's consumer: the next events travel while the caller handles these
      startFetch(options.fetchMaxWaitMs());
    }
    return taken;
  }

  /** Whether {@code event} belongs to {@code partition} (false for null). */
  private static boolean isOf(TopicPartition partition, StoredEvent event) {
    return partition != null && partition.partition() == event.partition() && partition.topic().equals(event.topic());
  }

  @Override
  public Future<Void> close() {
    Promise<List<StoredEvent>> running;
    synchronized (this) {
      if (closed) {
        return Future.succeededFuture();
      }
      closed = true;
      running = runningPoll;
    }
    return closeChannel.get().onComplete(ignored -> {
      if (running != null) {
        running.tryComplete(List.of());
      }
    });
  }
}
