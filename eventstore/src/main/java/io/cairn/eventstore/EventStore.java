package io.cairn.eventstore;

import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;
import java.util.List;

/**
 * The log: topics of partitions of events keyed by aggregate id. The same contract is served by the
 * local store ({@link EventStores#openLocal}) and, later, by the network client and the cluster.
 *
 * <p>Every method returns at once; the work happens on the partition's owner context. Failures come
 * back as failed futures carrying a {@link CairnException}: {@link InvalidInputException} for bad
 * input (nothing stored), {@link UnknownTopicException}, {@link StorageException} and its
 * {@link PartitionReadOnlyException}, {@link StoreClosedException}. A version conflict is not a
 * failure but an {@link AppendResult.VersionConflict}.
 *
 * <p>Implementations MUST be safe to call from any thread.
 */
public interface EventStore {

  /** Creates a topic; fails with {@link TopicExistsException} if the name is taken. */
  Future<TopicDescription> createTopic(String name, TopicConfig config);

  /** Deletes a topic and all its data. */
  Future<Void> deleteTopic(String name);

  /** Names of all topics, sorted. */
  Future<List<String>> listTopics();

  /** A topic's configuration and the state of each partition. */
  Future<TopicDescription> describeTopic(String name);

  /**
   * Appends the events of one aggregate atomically, in one batch, after checking the expected
   * version. A retry is recognised and answered with the original result, marked duplicate: by the
   * producer's sequence, or, when the version no longer matches, because the events stored after
   * the expected version carry exactly the request's event ids.
   */
  Future<AppendResult> append(AppendRequest request);

  /**
   * Reads acknowledged events of a partition from {@code fromOffset}, whole batches, about
   * {@code maxBytes} at most (at least one batch is returned if any is there).
   */
  Future<ReadResult> read(String topic, int partition, long fromOffset, int maxBytes);

  /**
   * Reads up to {@code maxCount} events of one aggregate from {@code fromVersionInclusive}, in
   * version order, with I/O proportional to the events returned (never a partition scan).
   */
  Future<StreamSlice> readStream(String topic, String aggregateId, long fromVersionInclusive, int maxCount);

  /** The current version of a stream (0 if it has no events), without reading the stream. */
  Future<Long> streamVersion(String topic, String aggregateId);

  /**
   * The first offset whose record has a timestamp at or after {@code timestampMs}, or the high
   * watermark if there is none.
   */
  Future<Long> offsetForTimestamp(String topic, int partition, long timestampMs);

  /**
   * Reads a partition from {@code start} and then follows it live. The stream is backpressured:
   * it reads ahead only while the handler's demand allows ({@code pause}, {@code resume},
   * {@code fetch}). Handlers run on the context that called {@code subscribe}. Setting the handler to
   * {@code null} ends the subscription (the end handler is called); it also ends when the store closes.
   * A failure (unknown partition, storage error) is reported to the exception handler, then the stream ends.
   */
  ReadStream<StoredEvent> subscribe(String topic, int partition, StartPosition start);

  /** Stops accepting requests, completes or fails what is in flight, flushes and closes files. */
  Future<Void> close();
}
