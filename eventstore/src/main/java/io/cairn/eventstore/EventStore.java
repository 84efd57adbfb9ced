package io.cairn.eventstore;

import io.vertx.core.Future;
import io.vertx.core.streams.ReadStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

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
   * Appends each request as {@link #append} would, in list order, and returns one future per request, in
   * the same order. Not atomic: each request is checked, stored, answered as a retry, conflicts or fails on
   * its own, exactly as if appended alone, and a later request sees the outcome of an earlier one for the
   * same aggregate. A store may write the requests that go to one partition together, which costs less
   * than as many appends: the local store writes them with one write and, for a durable topic, one fsync
   * wait. This default appends them one by one.
   *
   * @throws InvalidInputException if {@code requests} is null (a null element fails its own future)
   */
  default List<Future<AppendResult>> appendEach(List<AppendRequest> requests) {
    if (requests == null) {
      throw new InvalidInputException("requests", null, "must be a list, not null");
    }
    List<Future<AppendResult>> results = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      AppendRequest request = requests.get(i);
      results.add(request == null
          ? Future.failedFuture(new InvalidInputException("requests[" + i + "]", null, "must not be null"))
          : append(request));
    }
    return results;
  }

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

  /**
   * Hands out a new idempotent-producer identity, never handed out before by this store, also across
   * restarts and crashes (the allocation is durable before the future completes).
   */
  Future<ProducerId> initProducerId();

  /**
   * Kafka-style produce: appends one ready-made record batch (Kafka's v2 format, built with
   * {@link EventBatches#encode}) to one partition, without version checks. The batch may hold events of
   * many aggregates; every record MUST be keyed by an aggregate id that maps to {@code partition} and carry
   * the {@code cairn.e} header with its event id and type. The partition owner re-encodes the batch,
   * stamping each record's stream version into that header (ADR 0001, 0014), so {@link #readStream} sees
   * produced events like appended ones.
   * Producer fields in the batch make it idempotent: a retry of a stored batch is answered with the
   * original offsets, marked duplicate; a sequence gap fails with {@link OutOfOrderSequenceException}, an
   * older epoch with {@link ProducerFencedException}. Record timestamps are the producer's. Bad batches
   * fail with {@link InvalidInputException} naming the field ({@code recordBatch.crc},
   * {@code records[2].key}, {@code records[2].headers.cairn.e}, ...) and nothing is stored. Like an
   * append, the future completes once the batch is acknowledged: durable for a durable topic. The bytes
   * from the buffer's position to its limit are read later, on the partition's owner: the caller MUST NOT
   * change them until the future completes.
   */
  Future<ProduceResult> produce(String topic, int partition, ByteBuffer recordBatch);

  /**
   * Reads raw record batches of a partition from {@code fromOffset}, about {@code maxBytes} at most (at
   * least one batch if any is there), waiting up to {@code maxWaitMs} for acknowledged records at or past
   * {@code fromOffset} to appear (a long poll; 0 answers at once). An empty result after the wait is not
   * an error. As for {@link #read}: only acknowledged records, whole batches (the first may start before
   * {@code fromOffset}), and a {@code fromOffset} below the log start reads from the log start. A
   * waiting fetch fails with {@link StoreClosedException} when the store closes.
   */
  Future<FetchResult> fetch(String topic, int partition, long fromOffset, int maxBytes, long maxWaitMs);

  /**
   * {@link #fetch(String, int, long, int, long)}, reading the records into buffers the caller hands out, so that
   * a caller that serves many fetches (a node answering consumers) can reuse them instead of allocating one per
   * fetch. For each read the store calls {@code buffers} with the bytes it needs, {@code n}, and uses the first
   * {@code n} bytes of the buffer returned (its capacity MUST be at least {@code n}; position and limit do not
   * matter), from any thread. The result's {@link FetchResult#records()} is then a view of that buffer: the caller
   * MUST NOT change or reuse it while it reads the result or anything decoded from it. A read that fails or is
   * retried may leave a buffer unused. Stores that do not support it (the default) allocate as
   * {@link #fetch(String, int, long, int, long)} does and never call {@code buffers}.
   */
  default Future<FetchResult> fetch(String topic, int partition, long fromOffset, int maxBytes, long maxWaitMs,
                                    IntFunction<ByteBuffer> buffers) {
    return fetch(topic, partition, fromOffset, maxBytes, maxWaitMs);
  }

  /** Stops accepting requests, completes or fails what is in flight, flushes and closes files. */
  Future<Void> close();
}
