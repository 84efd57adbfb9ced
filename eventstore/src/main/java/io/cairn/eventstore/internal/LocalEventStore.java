package io.cairn.eventstore.internal;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.PartitionPlacement;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import io.cairn.eventstore.UnknownTopicException;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.internal.log.PageCacheWarmer;
import io.cairn.eventstore.internal.partition.Partition;
import io.cairn.eventstore.internal.producer.ProducerIdAllocator;
import io.cairn.eventstore.internal.stream.JobCpuBudget;
import io.cairn.eventstore.internal.stream.StreamIndexOptions;
import io.cairn.eventstore.internal.topic.TopicNames;
import io.cairn.eventstore.internal.topic.TopicRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node store: a data directory of topics, each partition owned by its own Vert.x context
 * ({@link Partition}). This class validates requests on the caller's thread, routes them by
 * {@link Partitioner} to the owning partition, and manages topics. One process at a time may open a data
 * directory (an OS file lock on {@code .lock}).
 *
 * <p>Thread-safe.
 */
public final class LocalEventStore implements EventStore, PartitionPlacement {

  private static final Logger LOG = LoggerFactory.getLogger(LocalEventStore.class);
  /** File in the data directory locked while a store has it open. */
  public static final String LOCK_FILE = ".lock";
  /** Threads that run fsyncs, reads and other short blocking disk work of all partitions. */
  static final int DISK_THREADS = 4;
  /**
   * Threads that run the long background jobs of all partitions (stream-index flushes and merges,
   * compactions), apart from the disk threads: a paced job holds its thread for seconds, and one that hangs
   * on the disk must not starve fsyncs and reads.
   */
  static final int JOB_THREADS = 4;

  private final Vertx vertx;
  private final StoreOptions options;
  private final TopicRegistry registry;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final WorkerExecutor diskExecutor;
  private final WorkerExecutor jobExecutor;
  /**
   * The share of one CPU that the paced stream-index jobs of all partitions take together (ADR 0013, "One budget
   * per store").
   */
  private final JobCpuBudget jobBudget = new JobCpuBudget(StreamIndexOptions.DEFAULT_JOB_CPU_SHARE);
  /** One thread that reads ahead of every partition's active segment into the page cache (ADR 0015). */
  private final PageCacheWarmer warmer;
  private final ProducerIdAllocator producerIds;
  private final Map<String, Partition[]> topics = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private LocalEventStore(Vertx vertx, StoreOptions options, TopicRegistry registry, FileChannel lockChannel,
                          FileLock lock) {
    this.vertx = vertx;
    this.options = options;
    this.registry = registry;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.diskExecutor = vertx.createSharedWorkerExecutor("cairn-disk-" + options.dataDir().getFileName(), DISK_THREADS);
    this.jobExecutor = vertx.createSharedWorkerExecutor("cairn-jobs-" + options.dataDir().getFileName(), JOB_THREADS);
    this.warmer = PageCacheWarmer.start("cairn-warm-" + options.dataDir().getFileName(), options.storageIo());
    try {
      this.producerIds = ProducerIdAllocator.load(options.dataDir().resolve(TopicRegistry.META_DIR)
          .resolve(ProducerIdAllocator.FILE_NAME), options.storageIo(), diskExecutor);
    } catch (RuntimeException e) {
      diskExecutor.close();
      jobExecutor.close();
      warmer.close();
      throw e;
    }
  }

  /** Opens the store in {@code options.dataDir()} and recovers every partition. */
  public static Future<EventStore> open(Vertx vertx, StoreOptions options) {
    return vertx.executeBlocking(() -> lockAndLoad(vertx, options))
        .compose(store -> store.openAllPartitions().map(v -> (EventStore) store)
            .recover(failure -> store.close().transform(ignored -> Future.failedFuture(failure))));
  }

  private static LocalEventStore lockAndLoad(Vertx vertx, StoreOptions options) throws IOException {
    Path dataDir = options.dataDir();
    Files.createDirectories(dataDir);
    FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM already holds it
    }
    if (lock == null) {
      channel.close();
      throw new StorageException("data directory " + dataDir + " is in use by another Cairn process (" + LOCK_FILE
          + " is locked)");
    }
    try {
      return new LocalEventStore(vertx, options, TopicRegistry.load(dataDir, options.storageIo()), channel, lock);
    } catch (RuntimeException e) {
      lock.release();
      channel.close();
      throw e;
    }
  }

  private Future<Void> openAllPartitions() {
    List<Future<?>> opened = new ArrayList<>();
    registry.all().forEach((name, config) -> opened.add(openPartitions(name, config)));
    return Future.all(opened).mapEmpty();
  }

  private Future<Partition[]> openPartitions(String topic, TopicConfig config) {
    List<Future<Partition>> opening = new ArrayList<>();
    for (int p = 0; p < config.partitions(); p++) {
      Path dir = options.dataDir().resolve(TopicNames.partitionDirName(topic, p));
      opening.add(Partition.open(vertx, topic, p, dir, config, options, diskExecutor, jobExecutor, jobBudget,
          warmer));
    }
    return Future.join(opening).transform(done -> {
      if (done.failed()) {
        // close the partitions that did open, then report the first failure
        List<Future<Void>> closing = new ArrayList<>();
        opening.stream().filter(Future::succeeded).forEach(f -> closing.add(f.result().close()));
        return Future.join(closing).transform(ignored -> Future.failedFuture(done.cause()));
      }
      Partition[] partitions = opening.stream().map(Future::result).toArray(Partition[]::new);
      topics.put(topic, partitions);
      return Future.succeededFuture(partitions);
    });
  }

  /** The budget the stream-index jobs of every partition share (ADR 0013), for tests. */
  JobCpuBudget jobBudget() {
    return jobBudget;
  }

  @Override
  public Future<TopicDescription> createTopic(String name, TopicConfig config) {
    if (closed) {
      return Future.failedFuture(new StoreClosedException("store " + options.dataDir()));
    }
    TopicConfig copy = new TopicConfig(config);
    return vertx.executeBlocking(() -> {
      TopicNames.ensureValid(name);
      registry.create(name, copy);
      return copy;
    }).compose(created -> openPartitions(name, created)).compose(partitions -> describeTopic(name));
  }

  @Override
  public Future<Void> deleteTopic(String name) {
    Partition[] partitions = topics.remove(name);
    if (partitions == null) {
      return Future.failedFuture(new UnknownTopicException(name));
    }
    return closeAll(partitions).compose(v -> vertx.executeBlocking(() -> {
      for (int p = 0; p < partitions.length; p++) {
        DurableFiles.deleteTree(options.storageIo(), options.dataDir().resolve(TopicNames.partitionDirName(name, p)));
      }
      registry.delete(name);
      return null;
    }));
  }

  @Override
  public Future<List<String>> listTopics() {
    if (closed) {
      return Future.failedFuture(new StoreClosedException("store " + options.dataDir()));
    }
    return Future.succeededFuture(List.copyOf(registry.all().keySet()));
  }

  @Override
  public Future<TopicDescription> describeTopic(String name) {
    Partition[] partitions;
    try {
      partitions = partitionsOf(name);
    } catch (UnknownTopicException e) {
      return Future.failedFuture(e);
    }
    List<Future<io.cairn.eventstore.PartitionDescription>> described = new ArrayList<>();
    for (Partition partition : partitions) {
      described.add(partition.describe());
    }
    TopicConfig config = registry.find(name).orElseThrow(() -> new UnknownTopicException(name));
    return Future.all(described).map(all -> new TopicDescription(name, config, all.list()));
  }

  @Override
  public Future<AppendResult> append(AppendRequest request) {
    try {
      Partition[] partitions = partitionsOf(request.topic());
      byte[] key = AppendValidator.validate(request, partitions[0].topicConfig());
      return partitions[Partitioner.partitionFor(key, partitions.length)].append(request, key);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Checks every request here, then hands each partition its requests in one {@link Partition#appendEach}. */
  @Override
  public List<Future<AppendResult>> appendEach(List<AppendRequest> requests) {
    if (requests == null) {
      throw new InvalidInputException("requests", null, "must be a list, not null");
    }
    List<Future<AppendResult>> results = new ArrayList<>(requests.size());
    // partitions have identity equality; insertion order keeps the hand-over deterministic
    Map<Partition, List<Partition.KeyedAppend>> byPartition = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      AppendRequest request = requests.get(i);
      Promise<AppendResult> promise = Contexts.callerPromise();
      results.add(promise.future());
      try {
        if (request == null) {
          throw new InvalidInputException("requests[" + i + "]", null, "must not be null");
        }
        Partition[] partitions = partitionsOf(request.topic());
        byte[] key = AppendValidator.validate(request, partitions[0].topicConfig());
        byPartition.computeIfAbsent(partitions[Partitioner.partitionFor(key, partitions.length)],
            partition -> new ArrayList<>()).add(new Partition.KeyedAppend(request, key, promise));
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    }
    byPartition.forEach(Partition::appendEach);
    return results;
  }

  /** The owner context of partition {@code partition} of {@code topic}: see {@link PartitionPlacement}. */
  @Override
  public Context partitionContext(String topic, int partition) {
    Partition[] partitions = partitionsOf(topic);
    if (partition < 0 || partition >= partitions.length) {
      throw new InvalidInputException("partition", partition, "must be 0 to " + (partitions.length - 1)
          + " for topic " + topic);
    }
    return partitions[partition].ownerContext();
  }

  @Override
  public Future<ReadResult> read(String topic, int partition, long fromOffset, int maxBytes) {
    try {
      AppendValidator.ensureReadRange(fromOffset, maxBytes);
      return partition(topic, partition).read(fromOffset, maxBytes);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<StreamSlice> readStream(String topic, String aggregateId, long fromVersionInclusive, int maxCount) {
    try {
      Partition[] partitions = partitionsOf(topic);
      byte[] key = AppendValidator.ensureAggregateId(aggregateId);
      AppendValidator.ensureStreamRange(fromVersionInclusive, maxCount);
      return partitions[Partitioner.partitionFor(key, partitions.length)]
          .readStream(aggregateId, key, fromVersionInclusive, maxCount);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<Long> streamVersion(String topic, String aggregateId) {
    try {
      Partition[] partitions = partitionsOf(topic);
      byte[] key = AppendValidator.ensureAggregateId(aggregateId);
      return partitions[Partitioner.partitionFor(key, partitions.length)].streamVersion(key);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<Long> offsetForTimestamp(String topic, int partition, long timestampMs) {
    try {
      return partition(topic, partition).offsetForTimestamp(timestampMs);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public ReadStream<StoredEvent> subscribe(String topic, int partition, StartPosition start) {
    return new PartitionSubscription(vertx, partition(topic, partition), start);
  }

  @Override
  public Future<ProducerId> initProducerId() {
    if (closed) {
      return Future.failedFuture(new StoreClosedException("store " + options.dataDir()));
    }
    return producerIds.next();
  }

  @Override
  public Future<ProduceResult> produce(String topic, int partition, ByteBuffer recordBatch) {
    try {
      Objects.requireNonNull(recordBatch, "recordBatch");
      // a view of its own: the owner reads it later, whatever the caller does to position and limit meanwhile
      return partition(topic, partition).produce(recordBatch.duplicate());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<FetchResult> fetch(String topic, int partition, long fromOffset, int maxBytes, long maxWaitMs) {
    return fetch(topic, partition, fromOffset, maxBytes, maxWaitMs, ByteBuffer::allocate);
  }

  @Override
  public Future<FetchResult> fetch(String topic, int partition, long fromOffset, int maxBytes, long maxWaitMs,
                                   IntFunction<ByteBuffer> buffers) {
    try {
      Objects.requireNonNull(buffers, "buffers");
      AppendValidator.ensureReadRange(fromOffset, maxBytes);
      AppendValidator.ensureMaxWait(maxWaitMs);
      return partition(topic, partition).fetch(fromOffset, maxBytes, maxWaitMs, buffers);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    List<Partition> all = new ArrayList<>();
    topics.values().forEach(partitions -> all.addAll(List.of(partitions)));
    topics.clear();
    return closeAll(all.toArray(Partition[]::new))
        .eventually(() -> diskExecutor.close())
        .eventually(() -> jobExecutor.close())
        .eventually(() -> vertx.executeBlocking(() -> {
          warmer.close();
          lock.release();
          lockChannel.close();
          return null;
        }));
  }

  private Future<Void> closeAll(Partition[] partitions) {
    List<Future<Void>> closing = new ArrayList<>();
    for (Partition partition : partitions) {
      closing.add(partition.close().onFailure(e -> LOG.error("closing {} failed", partition, e)));
    }
    return Future.join(closing).mapEmpty();
  }

  private Partition[] partitionsOf(String topic) {
    if (closed) {
      throw new StoreClosedException("store " + options.dataDir());
    }
    Partition[] partitions = topics.get(topic);
    if (partitions == null) {
      throw new UnknownTopicException(topic);
    }
    return partitions;
  }

  private Partition partition(String topic, int partition) {
    Partition[] partitions = partitionsOf(topic);
    if (partition < 0 || partition >= partitions.length) {
      throw new UnknownTopicException(topic, partition, partitions.length);
    }
    return partitions[partition];
  }
}
