package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.PartitionReadOnlyException;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.Contexts;
import io.cairn.eventstore.internal.log.PageCacheWarmer;
import io.cairn.eventstore.internal.producer.ProducerStateManager;
import io.cairn.eventstore.internal.stream.JobCpuBudget;
import io.cairn.eventstore.internal.stream.StreamIndexJob;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.internal.VertxInternal;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition and its owner: a verticle whose event-loop context runs every append, produce, version
 * check and index update of the partition, so ordering and optimistic concurrency need no locks.
 * Blocking disk work (fsync, reads of batches) runs on the store's disk executor, long background jobs
 * (stream-index chunk writes and merges, compactions) on its job executor, and both report back to the
 * owner context. Long-polling fetches wait on the owner ({@link FetchWaiters}); one released by an append
 * reads on the owner.
 *
 * <p>Visibility: readers see records below the high watermark only. In {@link FlushMode#DURABLE} that is
 * the end of the last fsync, so a reader never sees an event that a crash could take back; in
 * {@link FlushMode#PAGE_CACHE} it is the end of the log.
 *
 * <p>Public methods are safe to call from any thread; they hop to the owner context.
 */
public final class Partition extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Partition.class);
  /**
   * How often the owner checkpoints the recovery point and producer state and looks for retention and
   * stream-index work; a page-cache partition whose {@link StoreOptions#pageCacheFlushIntervalMs()} is shorter
   * runs its maintenance at that interval instead (checkpoints stay at most this often).
   */
  static final long MAINTENANCE_INTERVAL_MS = 1000;
  /** Most fsyncs one group-commit run does back to back before it gives its disk thread back. */
  static final int MAX_FLUSH_ROUNDS = 16;

  private final String topic;
  private final int partition;
  private final Path dir;
  private final TopicConfig config;
  private final StoreOptions options;
  private final WorkerExecutor diskExecutor;
  /** Long background jobs (stream-index flushes and merges, compactions), apart from {@link #diskExecutor}. */
  private final WorkerExecutor jobExecutor;
  /** The store's budget of CPU for stream-index jobs, shared by all its partitions (ADR 0013). */
  private final JobCpuBudget jobBudget;
  /** Keeps the page cache ahead of the active segment's end filled (ADR 0015); the store's, shared. */
  private final PageCacheWarmer warmer;
  private final String name;

  private PartitionStorage storage;
  private GroupCommit groupCommit;
  private FetchWaiters fetchWaiters;
  private final List<Promise<Long>> highWatermarkWaiters = new ArrayList<>();
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private int inFlightBackgroundTasks;
  private volatile long highWatermark;
  private volatile long logStartOffset;
  private long maintenanceTimer = -1;
  private long lastRetentionCheckMs;
  /** Timed flushes so far; every {@link #flushesPerCheckpoint()}-th one, from the first, checkpoints. */
  private long timedFlushes;
  /** When the last timed flush began (the page-cache interval counts from there). */
  private long lastTimedFlushMs;
  private boolean maintenanceRunning;
  /** A page-cache flush started by {@link #maybeFlushEarly()} runs. */
  private boolean earlyFlushRunning;
  private boolean compacting;
  private volatile boolean closing;

  private Partition(String topic, int partition, Path dir, TopicConfig config, StoreOptions options,
                    WorkerExecutor diskExecutor, WorkerExecutor jobExecutor, JobCpuBudget jobBudget,
                    PageCacheWarmer warmer) {
    this.topic = topic;
    this.partition = partition;
    this.dir = dir;
    this.config = new TopicConfig(config);
    this.options = options;
    this.diskExecutor = diskExecutor;
    this.jobExecutor = jobExecutor;
    this.jobBudget = jobBudget;
    this.warmer = warmer;
    this.name = topic + "-" + partition;
  }

  /**
   * Deploys the owner of one partition, recovering its files (blocking work off the event loop). The
   * deployment is made from a fresh context that belongs to no deployment: deployed from the caller's
   * verticle it would become that verticle's child and be undeployed with it, behind the store's back.
   */
  public static Future<Partition> open(Vertx vertx, String topic, int partition, Path dir, TopicConfig config,
                                       StoreOptions options, WorkerExecutor diskExecutor,
                                       WorkerExecutor jobExecutor, JobCpuBudget jobBudget,
                                       PageCacheWarmer warmer) {
    Partition owner = new Partition(topic, partition, dir, config, options, diskExecutor, jobExecutor, jobBudget,
        warmer);
    Promise<Partition> opened = Contexts.callerPromise();
    ((VertxInternal) vertx).createEventLoopContext()
        .runOnContext(v -> vertx.deployVerticle(owner).map(id -> owner).onComplete(opened));
    return opened.future();
  }

  @Override
  public Future<?> start() {
    return diskExecutor.executeBlocking(
            () -> PartitionStorage.open(topic, partition, dir, config, options, jobBudget, warmer))
        .map(opened -> {
          storage = opened;
          fetchWaiters = new FetchWaiters(vertx);
          logStartOffset = storage.logStartOffset();
          highWatermark = storage.logEndOffset();
          groupCommit = new GroupCommit(this::flushOffLoop, this::onDurable, this::maybeSignalIdle);
          lastTimedFlushMs = System.currentTimeMillis();
          maintenanceTimer = vertx.setPeriodic(maintenanceIntervalMs(), id -> maintain());
          LOG.info("opened {}: {}", name, storage.recoverySummary());
          return null;
        });
  }

  /** The context that owns this partition: work run there reaches it without a hop. */
  public Context ownerContext() {
    return context;
  }

  /** The topic's configuration (a shared copy: do not change). */
  public TopicConfig topicConfig() {
    return config;
  }

  /** First offset still stored. Any thread. */
  public long logStartOffset() {
    return logStartOffset;
  }

  /** End of what readers may see. Any thread. */
  public long highWatermark() {
    return highWatermark;
  }

  // ---------------------------------------------------------------- append

  /** Appends one aggregate's events as one batch; {@code key} is the aggregate id's UTF-8 bytes. */
  public Future<AppendResult> append(AppendRequest request, byte[] key) {
    Promise<AppendResult> promise = Contexts.callerPromise();
    Contexts.runOn(context, () -> appendEachOnOwner(List.of(new KeyedAppend(request, key, promise))));
    return promise.future();
  }

  /**
   * Appends each of {@code appends} as {@link #append} would, in list order, and completes its promise. Those
   * that pass their checks are written together: one log write (more only when they exceed
   * {@code max.message.bytes} or one must wait for another, see {@link StagedAppends}) and, for a durable
   * topic, one fsync wait.
   */
  public void appendEach(List<KeyedAppend> appends) {
    Contexts.runOn(context, () -> appendEachOnOwner(appends));
  }

  /**
   * One append of {@link #appendEach}.
   *
   * @param request what to append
   * @param key     the aggregate id's UTF-8 bytes
   * @param promise completed with its result
   */
  public record KeyedAppend(AppendRequest request, byte[] key, Promise<AppendResult> promise) {
  }

  /**
   * Checks and stages each append, writes the staged ones, then answers them all. Nothing is answered while
   * appends are staged: an answer runs its listeners, which may append again on this thread.
   */
  private void appendEachOnOwner(List<KeyedAppend> appends) {
    List<Runnable> answers = new ArrayList<>(appends.size());
    List<KeyedAppend> staged = new ArrayList<>(appends.size());
    for (KeyedAppend append : appends) {
      try {
        ensureWritable();
        if (storage.mustWriteStagedBefore(append.request())) {
          writeStaged(staged, answers);
        }
        checkAndStage(append, staged, answers);
      } catch (RuntimeException e) {
        answers.add(() -> append.promise().tryFail(e));
      }
    }
    writeStaged(staged, answers);
    answers.forEach(Runnable::run);
  }

  /** Answers a producer retry or a version mismatch, or stages the append; throws for bad input. */
  private void checkAndStage(KeyedAppend append, List<KeyedAppend> staged, List<Runnable> answers) {
    AppendRequest request = append.request();
    byte[] key = append.key();
    Promise<AppendResult> promise = append.promise();
    ProducerInfo producer = request.producer();
    if (producer.isIdempotent()) {
      Optional<ProducerStateManager.BatchMetadata> duplicate = storage.producers().checkSequence(producer,
          request.events().size());
      if (duplicate.isPresent()) {
        ProducerStateManager.BatchMetadata batch = duplicate.get();
        AppendResult.Appended original = new AppendResult.Appended(partition, batch.firstOffset(), batch.lastOffset(),
            batch.firstVersion(), batch.newVersion(), true);
        answers.add(() -> answer(original.lastOffset(), original, promise));
        return;
      }
    }
    long currentVersion = storage.currentVersion(key);
    ExpectedVersion expected = request.expectedVersion();
    if (!expected.matches(currentVersion)) {
      long appended = storage.logEndOffsetWithStaged();
      if (expected instanceof ExpectedVersion.Exact exact && exact.version() > appended) {
        throw new InvalidInputException("expectedVersion", exact.version(), "exceeds the number of records ever"
            + " appended to partition " + name + " (" + appended + "), so no stream can have it");
      }
      Optional<AppendResult.Appended> retry = storage.findEventIdRetry(request, key, currentVersion);
      if (retry.isPresent()) {
        answers.add(() -> answer(retry.get().lastOffset(), retry.get(), promise));
      } else {
        AppendResult conflict = new AppendResult.VersionConflict(partition, expected, currentVersion);
        answers.add(() -> promise.complete(conflict));
      }
      return;
    }
    if (!storage.stage(request, key, currentVersion)) {
      writeStaged(staged, answers);
      // alone, a batch within max.message.bytes always fits
      storage.stage(request, key, currentVersion);
    }
    staged.add(append);
  }

  /** Writes the staged appends and queues their answers (results, or the write's failure for all of them). */
  private void writeStaged(List<KeyedAppend> staged, List<Runnable> answers) {
    if (staged.isEmpty()) {
      return;
    }
    try {
      List<AppendResult.Appended> results = storage.writeStaged();
      for (int i = 0; i < staged.size(); i++) {
        AppendResult.Appended result = results.get(i);
        Promise<AppendResult> promise = staged.get(i).promise();
        answers.add(() -> answer(result.lastOffset(), result, promise));
      }
    } catch (RuntimeException e) {
      for (KeyedAppend append : staged) {
        answers.add(() -> append.promise().tryFail(e));
      }
    } finally {
      staged.clear();
    }
  }

  /**
   * Stores one produced record batch (Kafka-style, many aggregates, no version check); the caller MUST
   * NOT change {@code recordBatch} until the future completes. Answered like an append: when durable for
   * a durable topic, at once for a page-cache topic.
   */
  public Future<ProduceResult> produce(ByteBuffer recordBatch) {
    Promise<ProduceResult> promise = Contexts.callerPromise();
    Contexts.runOn(context, () -> {
      try {
        ensureWritable();
        ProduceResult result = storage.produce(recordBatch);
        answer(result.lastOffset(), result, promise);
      } catch (RuntimeException e) {
        promise.tryFail(e);
      }
    });
    return promise.future();
  }

  /** Answers now if {@code lastOffset} is already visible, else when it becomes durable (or visible). */
  private <T> void answer(long lastOffset, T result, Promise<T> promise) {
    if (lastOffset < highWatermark) {
      promise.complete(result);
    } else if (config.flushMode() == FlushMode.DURABLE) {
      groupCommit.await(lastOffset, result, promise);
    } else {
      advanceHighWatermark(storage.logEndOffset());
      promise.complete(result);
      maybeFlushEarly();
    }
  }

  /**
   * Page-cache mode: starts a flush on a disk thread once {@link StoreOptions#pageCacheFlushBytes()} bytes
   * were appended since the last one began, unless a flush runs. Many small fsyncs instead of one per
   * interval: a one-second fsync of tens of megabytes held up the appends written meanwhile for tens of
   * milliseconds (docs/benchmarks.md). Owner thread.
   */
  private void maybeFlushEarly() {
    if (earlyFlushRunning || maintenanceRunning || closing
        || storage.bytesSinceFlush() < options.pageCacheFlushBytes()) {
      return;
    }
    earlyFlushRunning = true;
    onDisk(storage::flush, ar -> {
      earlyFlushRunning = false;
      if (ar.failed()) {
        failBackgroundFlush(ar.cause());
        return;
      }
      maybeRunStreamIndexJobs();
    });
  }

  /** A background flush failed: the log is read-only now; appends waiting for an fsync fail. Owner thread. */
  private void failBackgroundFlush(Throwable cause) {
    LOG.error("{}: background flush failed; the partition is read-only", name, cause);
    groupCommit.failAll(new PartitionReadOnlyException(name, cause));
  }

  /**
   * The maintenance timer's period: {@value #MAINTENANCE_INTERVAL_MS} ms, or the page-cache flush interval
   * if that is shorter.
   */
  private long maintenanceIntervalMs() {
    return config.flushMode() == FlushMode.PAGE_CACHE
        ? Math.min(MAINTENANCE_INTERVAL_MS, options.pageCacheFlushIntervalMs())
        : MAINTENANCE_INTERVAL_MS;
  }

  private void ensureWritable() {
    if (closing) {
      throw new StoreClosedException("partition " + name);
    }
    storage.failure().ifPresent(cause -> {
      throw new PartitionReadOnlyException(name, cause);
    });
  }

  /**
   * One group-commit run on a disk thread: fsyncs, and while appends keep arriving fsyncs again at once
   * (up to {@value #MAX_FLUSH_ROUNDS} rounds), posting each round's acknowledgements to the owner
   * meanwhile, so back-to-back fsyncs need no round trip through the event loop.
   */
  private Future<Long> flushOffLoop() {
    Promise<Long> flushed = Promise.promise();
    onDisk(() -> {
      long durable = storage.flush();
      for (int round = 1; round < MAX_FLUSH_ROUNDS && storage.logEndOffset() > durable && !closing; round++) {
        long covered = durable;
        context.runOnContext(v -> groupCommit.acknowledge(covered));
        durable = storage.flush();
      }
      return durable;
    }, flushed::handle);
    return flushed.future();
  }

  /**
   * Runs blocking work of the owner on a disk thread, then {@code then} on the owner context. The task
   * counts as in flight until {@code then} has run, so close waits for both. Owner thread.
   */
  private <T> void onDisk(Callable<T> work, Handler<AsyncResult<T>> then) {
    onExecutor(diskExecutor, work, then);
  }

  /** As {@link #onDisk}, on the job threads: for work that takes seconds. */
  private <T> void asJob(Callable<T> work, Handler<AsyncResult<T>> then) {
    onExecutor(jobExecutor, work, then);
  }

  private <T> void onExecutor(WorkerExecutor executor, Callable<T> work, Handler<AsyncResult<T>> then) {
    inFlightBackgroundTasks++;
    executor.executeBlocking(work, false).onComplete(ar -> {
      try {
        then.handle(ar);
      } finally {
        inFlightBackgroundTasks--;
        maybeSignalIdle();
      }
    });
  }

  private void maybeSignalIdle() {
    if (inFlightBackgroundTasks == 0 && !groupCommit.busy() && !idleWaiters.isEmpty()) {
      List<Promise<Void>> waiters = new ArrayList<>(idleWaiters);
      idleWaiters.clear();
      waiters.forEach(Promise::complete);
    }
  }

  private void onDurable(long durableOffset) {
    advanceHighWatermark(durableOffset);
    maybeRunStreamIndexJobs();
  }

  private void advanceHighWatermark(long offset) {
    if (offset <= highWatermark) {
      return;
    }
    highWatermark = offset;
    fetchWaiters.release(offset);
    if (!highWatermarkWaiters.isEmpty()) {
      List<Promise<Long>> waiters = new ArrayList<>(highWatermarkWaiters);
      highWatermarkWaiters.clear();
      waiters.forEach(waiter -> waiter.complete(offset));
    }
  }

  /** Completes once the high watermark is above {@code offset}; fails with {@link StoreClosedException} on close. */
  public Future<Long> awaitHighWatermarkAbove(long offset) {
    Promise<Long> promise = Contexts.callerPromise();
    Contexts.runOn(context, () -> {
      if (closing) {
        promise.tryFail(new StoreClosedException("partition " + name));
      } else if (highWatermark > offset) {
        promise.complete(highWatermark);
      } else {
        highWatermarkWaiters.add(promise);
      }
    });
    return promise.future();
  }

  // ---------------------------------------------------------------- reads

  /** Acknowledged records from {@code fromOffset}, whole batches, about {@code maxBytes} at most. */
  public Future<ReadResult> read(long fromOffset, int maxBytes) {
    long visibleEnd = highWatermark;
    long start = Math.max(fromOffset, logStartOffset);
    if (start >= visibleEnd) {
      return Future.succeededFuture(new ReadResult(topic, partition, List.of(), Math.max(start, fromOffset),
          visibleEnd, logStartOffset));
    }
    return diskExecutor.executeBlocking(() -> {
      List<StoredEvent> events = storage.readEvents(topic, start, maxBytes, visibleEnd);
      long next = events.isEmpty() ? start : events.get(events.size() - 1).offset() + 1;
      return new ReadResult(topic, partition, events, next, visibleEnd, logStartOffset);
    }, false);
  }

  /**
   * Raw whole batches from the one holding {@code fromOffset} (or the log start, if that is later) up to
   * the high watermark, about {@code maxBytes} at most. If nothing there is visible yet, waits up to
   * {@code maxWaitMs} for the high watermark to pass it (0 answers at once); empty after the wait. The records are
   * read into a buffer of {@code buffers}, as {@code EventStore.fetch} with buffers describes.
   */
  public Future<FetchResult> fetch(long fromOffset, int maxBytes, long maxWaitMs, IntFunction<ByteBuffer> buffers) {
    if (maxWaitMs == 0 || Math.max(fromOffset, logStartOffset) < highWatermark) {
      return readForFetch(fromOffset, maxBytes, buffers);
    }
    Promise<FetchResult> promise = Contexts.callerPromise();
    Contexts.runOn(context, () -> {
      if (closing) {
        promise.tryFail(new StoreClosedException("partition " + name));
      } else if (Math.max(fromOffset, logStartOffset) < highWatermark) {
        readForFetch(fromOffset, maxBytes, buffers).onComplete(promise);
      } else {
        fetchWaiters.await(Math.max(fromOffset, logStartOffset), maxWaitMs)
            .compose(released -> released ? readJustAppended(fromOffset, maxBytes, buffers)
                : readForFetch(fromOffset, maxBytes, buffers))
            .onComplete(promise);
      }
    });
    return promise.future();
  }

  /**
   * A long poll released by an append: reads on the owner, at once. What it reads was written moments ago (it
   * starts at or after the log end the poll waited at), so it is in the page cache and the read is a copy of
   * at most {@code maxBytes}; a hand-over to a disk thread and back would cost more than that, and the
   * consumer at the log end would wait for two thread wake-ups on every batch.
   */
  private Future<FetchResult> readJustAppended(long fromOffset, int maxBytes, IntFunction<ByteBuffer> buffers) {
    return readVisible(fromOffset, maxBytes, buffers, Partition::callNow);
  }

  private Future<FetchResult> readForFetch(long fromOffset, int maxBytes, IntFunction<ByteBuffer> buffers) {
    return readVisible(fromOffset, maxBytes, buffers, read -> diskExecutor.executeBlocking(read, false));
  }

  /**
   * What a fetch from {@code fromOffset} may see now (below the high watermark, from the log start), read by
   * {@code reader} into a buffer of {@code buffers}; an empty result without reading when there is nothing to see.
   * Owner thread.
   */
  private Future<FetchResult> readVisible(long fromOffset, int maxBytes, IntFunction<ByteBuffer> buffers,
                                          Function<Callable<FetchResult>, Future<FetchResult>> reader) {
    long visibleEnd = highWatermark;
    long logStart = logStartOffset;
    long start = Math.max(fromOffset, logStart);
    if (start >= visibleEnd) {
      return Future.succeededFuture(new FetchResult(topic, partition, fromOffset, ByteBuffer.allocate(0), visibleEnd,
          logStart));
    }
    return reader.apply(() -> new FetchResult(topic, partition, fromOffset,
        storage.readBatches(start, maxBytes, visibleEnd, buffers), visibleEnd, logStart));
  }

  private static <T> Future<T> callNow(Callable<T> work) {
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /** Up to {@code maxCount} events of one aggregate from {@code fromVersion}, I/O proportional to them. */
  public Future<StreamSlice> readStream(String aggregateId, byte[] key, long fromVersion, int maxCount) {
    Promise<StreamSlice> promise = Contexts.callerPromise();
    Contexts.runOn(context, () -> {
      try {
        long visibleEnd = highWatermark;
        StreamReadPlan plan = storage.planStreamRead(aggregateId, key, fromVersion, maxCount, visibleEnd);
        diskExecutor.executeBlocking(() -> storage.executeStreamRead(topic, plan), false)
            .onComplete(promise);
      } catch (RuntimeException e) {
        promise.tryFail(e);
      }
    });
    return promise.future();
  }

  /** The stream's version as readers see it (acknowledged events only). */
  public Future<Long> streamVersion(byte[] key) {
    Promise<Long> promise = Contexts.callerPromise();
    Contexts.runOn(context, () -> {
      try {
        promise.complete(storage.visibleVersion(key, highWatermark));
      } catch (RuntimeException e) {
        promise.tryFail(e);
      }
    });
    return promise.future();
  }

  /** First offset with a timestamp at or after {@code timestampMs}, or the high watermark. */
  public Future<Long> offsetForTimestamp(long timestampMs) {
    long visibleEnd = highWatermark;
    return diskExecutor.executeBlocking(() -> Math.min(storage.offsetForTimestamp(timestampMs), visibleEnd), false);
  }

  /** Offsets, size and state. */
  public Future<PartitionDescription> describe() {
    Promise<PartitionDescription> promise = Contexts.callerPromise();
    Contexts.runOn(context, () -> promise.complete(new PartitionDescription(partition, logStartOffset, highWatermark,
        storage.logEndOffset(), storage.sizeInBytes(), storage.segmentCount(), storage.failure().isPresent())));
    return promise.future();
  }

  // ---------------------------------------------------------------- maintenance

  /**
   * Hands durable stream-index work (memtable flushes, chunk merges) to a job thread. A job that changed the
   * index issues the work it made due (the next frozen memtable, a merge of the chunk it wrote) at once, so a
   * backlog drains without waiting for appends or maintenance ticks; a failed one waits for those, and so
   * does not retry in a loop.
   */
  private void maybeRunStreamIndexJobs() {
    Optional<StreamIndexJob> next;
    while (!closing && (next = storage.nextStreamIndexJob()).isPresent()) {
      StreamIndexJob job = next.get();
      asJob(() -> {
        job.run();
        return job;
      }, ar -> {
        boolean changed = storage.installStreamIndexJob(job);
        closeRetiredFiles();
        if (changed) {
          maybeRunStreamIndexJobs();
        }
      });
    }
  }

  /**
   * Closes the files that left the log and the stream index on a job thread: the close of a deleted or
   * replaced file frees its page cache, which must not hold up the appends queued on the owner, nor reads.
   */
  private void closeRetiredFiles() {
    List<Closeable> retired = storage.takeFilesToClose();
    if (!retired.isEmpty()) {
      asJob(() -> {
        retired.forEach(Partition::closeQuietly);
        return null;
      }, ignored -> {
      });
    }
  }

  private static void closeQuietly(Closeable file) {
    try {
      file.close();
    } catch (IOException e) {
      LOG.warn("Closing a file that left the log or the stream index failed", e);
    }
  }

  /**
   * One tick of the maintenance timer: flushes (page-cache mode: when its interval has passed) and checkpoints
   * with the flush, then issues stream-index jobs and applies retention when due.
   */
  private void maintain() {
    if (maintenanceRunning || closing || storage.failure().isPresent()) {
      return;
    }
    long nowMs = System.currentTimeMillis();
    boolean retentionDue = nowMs - lastRetentionCheckMs >= options.retentionCheckIntervalMs();
    if (!timedFlushDue(nowMs)) {
      runDueWork(nowMs, retentionDue);
      return;
    }
    maintenanceRunning = true;
    lastTimedFlushMs = nowMs;
    // a checkpoint needs the log durable up to it, so it comes with a flush, at most once per MAINTENANCE_INTERVAL_MS
    Checkpoint checkpoint = timedFlushes++ % flushesPerCheckpoint() == 0 ? storage.prepareCheckpoint() : null;
    onDisk(() -> {
      long durable = storage.flush();
      if (checkpoint != null) {
        storage.writeCheckpoint(checkpoint);
      }
      return durable;
    }, ar -> {
      maintenanceRunning = false;
      if (ar.failed()) {
        failBackgroundFlush(ar.cause());
        return;
      }
      if (config.flushMode() == FlushMode.PAGE_CACHE) {
        advanceHighWatermark(storage.logEndOffset());
      }
      runDueWork(nowMs, retentionDue);
    });
  }

  /**
   * Whether this tick flushes: always in durable mode (the group commit has usually flushed already) and when
   * the timer runs at the page-cache interval; else once that interval has passed since the last timed flush.
   */
  private boolean timedFlushDue(long nowMs) {
    return config.flushMode() == FlushMode.DURABLE
        || options.pageCacheFlushIntervalMs() <= MAINTENANCE_INTERVAL_MS
        || nowMs - lastTimedFlushMs >= options.pageCacheFlushIntervalMs();
  }

  /** Timed flushes per checkpoint: one, more when the timer runs faster than {@value #MAINTENANCE_INTERVAL_MS} ms. */
  private long flushesPerCheckpoint() {
    return Math.max(1, MAINTENANCE_INTERVAL_MS / maintenanceIntervalMs());
  }

  /** Stream-index jobs whose data is durable, and retention (with compaction) when its check is due. */
  private void runDueWork(long nowMs, boolean retentionDue) {
    maybeRunStreamIndexJobs();
    if (retentionDue) {
      lastRetentionCheckMs = nowMs;
      storage.applyRetention(nowMs);
      closeRetiredFiles();
      logStartOffset = storage.logStartOffset();
      maybeCompact(nowMs);
    }
  }

  /** Starts a compaction of a compacted topic's closed segments if one is due and none is running. */
  private void maybeCompact(long nowMs) {
    if (compacting) {
      return;
    }
    storage.prepareCompaction(nowMs).ifPresent(job -> {
      compacting = true;
      asJob(() -> {
        job.run();
        return job;
      }, ar -> {
        compacting = false;
        storage.installCompaction(job);
        closeRetiredFiles();
      });
    });
  }

  // ---------------------------------------------------------------- close

  /** Stops accepting appends, waits for pending fsyncs, writes indexes and the clean-shutdown marker. */
  public Future<Void> close() {
    Promise<Void> promise = Contexts.callerPromise();
    Contexts.runOn(context, () -> {
      if (closing) {
        promise.complete();
        return;
      }
      closing = true;
      storage.hurryStreamIndexJobs();
      vertx.cancelTimer(maintenanceTimer);
      List<Promise<Long>> waiters = new ArrayList<>(highWatermarkWaiters);
      highWatermarkWaiters.clear();
      waiters.forEach(w -> w.tryFail(new StoreClosedException("partition " + name)));
      fetchWaiters.failAll(new StoreClosedException("partition " + name));
      awaitIdle().compose(v -> diskExecutor.executeBlocking(() -> {
        storage.close();
        return null;
      }, false)).compose(v -> vertx.undeploy(deploymentID())).onComplete(ar -> {
        if (ar.failed()) {
          promise.tryFail(ar.cause());
        } else {
          promise.tryComplete();
        }
      });
    });
    return promise.future();
  }

  /** Completes when no fsync, checkpoint or index job of this partition is running or queued (owner). */
  private Future<Void> awaitIdle() {
    Promise<Void> idle = Promise.promise();
    idleWaiters.add(idle);
    maybeSignalIdle();
    return idle.future();
  }

  @Override
  public String toString() {
    return "Partition[" + name + "]";
  }
}
