package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.internal.log.CompactionJob;
import io.cairn.eventstore.internal.log.CompactionResult;
import io.cairn.eventstore.internal.log.LogAppendInfo;
import io.cairn.eventstore.internal.log.PageCacheWarmer;
import io.cairn.eventstore.internal.log.PartitionLog;
import io.cairn.eventstore.internal.log.RecoveryReport;
import io.cairn.eventstore.internal.producer.ProducerStateManager;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import io.cairn.eventstore.internal.record.StoredEvents;
import io.cairn.eventstore.internal.stream.JobCpuBudget;
import io.cairn.eventstore.internal.stream.StreamEntryBuffer;
import io.cairn.eventstore.internal.stream.StreamHash;
import io.cairn.eventstore.internal.stream.StreamIndex;
import io.cairn.eventstore.internal.stream.StreamIndexEntry;
import io.cairn.eventstore.internal.stream.StreamIndexJob;
import io.cairn.eventstore.internal.stream.StreamIndexOptions;
import io.cairn.eventstore.internal.stream.StreamVersionCache;
import io.cairn.eventstore.spi.StorageIo;
import io.cairn.eventstore.spi.StoreObserver;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files and in-memory state of one partition: the log, the stream index, the version cache and
 * the idempotent-producer state, kept consistent with each other. {@link Partition} decides when each
 * method runs: owner-thread methods are marked "owner", the others may run on a disk thread
 * concurrently with the owner.
 *
 * <p>Recovery at open: the log recovers itself ({@link PartitionLog#open}); then the stream index and
 * the producer state are brought up to the log end with one scan of the batches after the older of
 * their two durable points (none after a clean shutdown).
 *
 * <p>Stream-index entries are per run (ADR 0007): an appended batch is one run of one aggregate, a
 * produced batch may hold runs of many aggregates, interleaved. An entry's {@code baseOffset} is its
 * run's first offset, which may lie inside its batch, and its position is the batch's; every reader of
 * entries here reads the batch holding that offset and skips to the run.
 */
final class PartitionStorage {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionStorage.class);
  /** Producer-state snapshot, rewritten at every checkpoint. */
  static final String PRODUCER_SNAPSHOT_FILE = "producer-state.snapshot";
  /** Candidates fetched per stream-index lookup round; more only on hash collisions. */
  private static final int CANDIDATES_PER_ROUND = 4;
  /** Partition leader epoch stamped into batches by a single node. */
  static final int SINGLE_NODE_LEADER_EPOCH = 0;

  private final String topic;
  private final String name;
  private final int partitionId;
  private final Path dir;
  private final StorageIo io;
  private final TopicConfig config;
  private final PartitionLog log;
  private final StreamIndexOptions streamIndexOptions;
  private StreamIndex streamIndex;
  private final StreamVersionCache versions;
  /** The produce path's view of {@link #versions}: cached versions first, then the stream index. */
  private final ProducedBatchEncoder.VersionLookup versionLookup = new ProducedBatchEncoder.VersionLookup() {
    @Override
    public long currentVersion(long hash, byte[] key, int keyLength) {
      return PartitionStorage.this.currentVersion(hash, key, keyLength);
    }

    @Override
    public void prefetch(long[] hashes, int count) {
      versions.prefetch(hashes, count);
    }
  };
  private final ProducerStateManager producers;
  private final RecordBatchBuilder builder = new RecordBatchBuilder();
  private final StagedAppends staged = new StagedAppends();
  private final RecordBatchReader ownerReader = new RecordBatchReader();
  private final ProducedBatchEncoder producedBatches = new ProducedBatchEncoder(builder);
  private final StoreObserver observer;
  private boolean observerFailureLogged;
  private final StreamEntryBuffer candidates = new StreamEntryBuffer(CANDIDATES_PER_ROUND);
  private final String recoverySummary;
  /** Jobs the current stream index handed out and that were not installed yet (owner). */
  private final Set<StreamIndexJob> issuedIndexJobs = new HashSet<>();
  private long lastCheckpointOffset = -1;

  private PartitionStorage(String topic, int partitionId, Path dir, StoreOptions options, TopicConfig config,
                           PartitionLog log, StreamIndexOptions streamIndexOptions, StreamIndex streamIndex,
                           ProducerStateManager producers, String recoverySummary) {
    this.topic = topic;
    this.name = topic + "-" + partitionId;
    this.partitionId = partitionId;
    this.dir = dir;
    this.io = options.storageIo();
    this.observer = options.observer();
    this.config = config;
    this.log = log;
    this.streamIndexOptions = streamIndexOptions;
    this.streamIndex = streamIndex;
    this.versions = new StreamVersionCache(options.streamCacheEntries());
    this.producers = producers;
    this.recoverySummary = recoverySummary;
  }

  /**
   * Opens and recovers partition {@code partitionId} of {@code topic} in {@code dir}; its stream index's jobs take
   * their CPU from {@code jobBudget}. Blocking: a disk thread.
   */
  static PartitionStorage open(String topic, int partitionId, Path dir, TopicConfig config, StoreOptions options,
                               JobCpuBudget jobBudget, PageCacheWarmer warmer) {
    long startNanos = System.nanoTime();
    PartitionLog log = PartitionLog.open(dir, config, options.storageIo(), System::currentTimeMillis, warmer);
    StreamIndex streamIndex = null;
    StreamIndexOptions indexOptions = new StreamIndexOptions()
        .setMemtableMaxEntries(options.streamIndexMemtableEntries())
        .setJobCpuBudget(jobBudget)
        .setStorageIo(options.storageIo());
    try {
      streamIndex = StreamIndex.open(dir, indexOptions, log.logStartOffset(), log.logEndOffset());
      ProducerStateManager producers = new ProducerStateManager();
      long producersFrom = restoreProducers(dir, producers, log);
      long indexFrom = streamIndex.indexedUpToOffset();
      long rescanned = refeed(log, streamIndex, producers, indexFrom, producersFrom);
      // a tail recovered after a crash may still sit only in the page cache: readers see it once durable
      log.flush();
      RecoveryReport report = log.recoveryReport();
      String summary = report + ", stream index and producer state re-fed from offset "
          + Math.min(indexFrom, producersFrom) + " (" + rescanned + " batches), log end " + log.logEndOffset()
          + ", opened in " + (System.nanoTime() - startNanos) / 1_000_000 + " ms";
      return new PartitionStorage(topic, partitionId, dir, options, config, log, indexOptions, streamIndex, producers,
          summary);
    } catch (RuntimeException e) {
      closeQuietly(streamIndex);
      closeQuietly(log);
      throw e;
    }
  }

  private static long restoreProducers(Path dir, ProducerStateManager producers, PartitionLog log) {
    Path file = dir.resolve(PRODUCER_SNAPSHOT_FILE);
    if (!Files.exists(file)) {
      return log.logStartOffset();
    }
    try {
      long covered = producers.restore(Files.readAllBytes(file), file.toString());
      if (covered <= log.logEndOffset()) {
        return Math.max(covered, log.logStartOffset());
      }
      LOG.warn("{} covers offsets up to {} but the log ends at {}; rebuilding producer state from the log",
          file, covered, log.logEndOffset());
    } catch (IOException | StorageException e) {
      LOG.warn("ignoring unreadable producer-state snapshot {}: {}", file, e.getMessage());
    }
    producers.clear();
    return log.logStartOffset();
  }

  /**
   * Feeds the batches from the older durable point to the log end into the index and producer state.
   * Each batch is cut into runs ({@link StreamRuns#collect}: two records of an appended batch, every
   * record of a produced batch of several aggregates), each run its own index entry. The index may have
   * stopped inside a batch (a memtable froze between two of its runs), so only runs from
   * {@code indexFrom} on are fed.
   */
  private static long refeed(PartitionLog log, StreamIndex streamIndex, ProducerStateManager producers,
                             long indexFrom, long producersFrom) {
    long from = Math.min(indexFrom, producersFrom);
    if (from >= log.logEndOffset()) {
      return 0;
    }
    long[] batches = {0};
    StreamRuns runs = new StreamRuns();
    try (RecordBatchReader reader = new RecordBatchReader()) {
      log.scan(from, (batch, segmentBaseOffset, position) -> {
        batches[0]++;
        int at = batch.position();
        long baseOffset = BatchHeader.baseOffset(batch, at);
        long lastOffset = BatchHeader.lastOffset(batch, at);
        long producerId = BatchHeader.producerId(batch, at);
        boolean feedIndex = lastOffset >= indexFrom;
        boolean feedProducer = baseOffset >= producersFrom && producerId >= 0;
        if (!feedIndex && !feedProducer) {
          return true;
        }
        reader.reset(batch, at, false);
        runs.collect(reader);
        if (feedIndex) {
          runs.addTo(streamIndex, position, indexFrom);
          if (streamIndex.indexedUpToOffset() <= lastOffset) {
            streamIndex.advanceTo(lastOffset + 1);
          }
        }
        if (feedProducer) {
          int count = BatchHeader.recordsCount(batch, at);
          producers.record(producerId, BatchHeader.producerEpoch(batch, at), BatchHeader.baseSequence(batch, at),
              count, baseOffset, lastOffset, runs.firstVersionIfOneRun(count), runs.lastVersionIfOneRun(count));
        }
        return true;
      });
    }
    return batches[0];
  }

  // ---------------------------------------------------------------- state

  long logStartOffset() {
    return log.logStartOffset();
  }

  long logEndOffset() {
    return log.logEndOffset();
  }

  long sizeInBytes() {
    return log.sizeInBytes();
  }

  int segmentCount() {
    return log.segmentCount();
  }

  Optional<Throwable> failure() {
    return log.failure();
  }

  ProducerStateManager producers() {
    return producers;
  }

  String recoverySummary() {
    return recoverySummary;
  }

  // ---------------------------------------------------------------- append path (owner)

  /** The stream's version including appends not yet durable (owner); {@code key} is the UTF-8 id. */
  long currentVersion(byte[] key) {
    return currentVersion(StreamHash.hash64(key), key, key.length);
  }

  /**
   * {@link #currentVersion(byte[])} of the aggregate whose UTF-8 id is {@code key[0, keyLength)} and whose
   * stream hash is {@code hash} (owner).
   */
  private long currentVersion(long hash, byte[] key, int keyLength) {
    long cached = versions.version(hash, key, 0, keyLength);
    if (cached != StreamVersionCache.ABSENT) {
      return cached;
    }
    StreamIndexEntry latest = latestEntry(hash, key, keyLength, Long.MAX_VALUE);
    long version = latest == null ? 0 : latest.lastVersion();
    versions.put(hash, key, 0, keyLength, version, latest == null ? -1 : latest.nextOffset() - 1);
    return version;
  }

  /** The stream's version counting only batches below {@code visibleEnd} (owner). */
  long visibleVersion(byte[] key, long visibleEnd) {
    StreamIndexEntry latest = latestEntry(StreamHash.hash64(key), key, key.length, visibleEnd);
    return latest == null ? 0 : latest.lastVersion();
  }

  /**
   * The newest run of the aggregate below {@code endOffsetExclusive}, checking record keys against hash
   * collisions, or null if it has none. One small positional read per candidate, normally one.
   */
  private StreamIndexEntry latestEntry(long hash, byte[] key, int keyLength, long endOffsetExclusive) {
    int skip = 0;
    while (true) {
      int skipped = skip;
      int found = withIndexRebuildOnCorruption(() -> streamIndex.newestFirst(hash, skipped, CANDIDATES_PER_ROUND,
          candidates));
      for (int i = 0; i < found; i++) {
        StreamIndexEntry entry = candidates.get(i);
        if (entry.baseOffset() >= endOffsetExclusive) {
          continue;
        }
        if (entry.baseOffset() < log.logStartOffset()) {
          // deleted by retention: its key cannot be checked; a 64-bit hash match is the best evidence left
          return entry;
        }
        if (keyMatches(ownerReader, entry, key, keyLength)) {
          return entry;
        }
      }
      if (found < CANDIDATES_PER_ROUND) {
        return null;
      }
      skip += found;
    }
  }

  private boolean keyMatches(RecordBatchReader reader, StreamIndexEntry entry, byte[] key, int keyLength) {
    Optional<ByteBuffer> batch = readIndexedBatch(entry);
    return batch.isPresent() && seekRun(reader, batch.get(), entry, false)
        && reader.keyEquals(key, 0, keyLength);
  }

  /**
   * Points {@code reader} at the first record of {@code entry}'s run in {@code batch} (the batch holding
   * the entry's offsets); false if compaction left none of the run's records.
   */
  private boolean seekRun(RecordBatchReader reader, ByteBuffer batch, StreamIndexEntry entry, boolean verifyCrc) {
    reader.reset(batch, batch.position(), verifyCrc, name, entry.position());
    while (reader.next()) {
      long offset = reader.offset();
      if (offset >= entry.nextOffset()) {
        return false;
      }
      if (offset >= entry.baseOffset()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The batch holding a stream-index entry's run (the entry's base offset may lie inside it). Compaction
   * rewrites closed segments: kept batches keep their offsets but move, and removed ones are gone. So on
   * a compacted topic a batch not found at its indexed position is looked up by offset, and empty means
   * compaction removed it. On other topics a mismatch is corruption and fails.
   */
  private Optional<ByteBuffer> readIndexedBatch(StreamIndexEntry entry) {
    if (config.cleanupPolicy() != CleanupPolicy.COMPACT) {
      return Optional.of(log.readBatchAt(entry.baseOffset(), entry.position()));
    }
    try {
      return Optional.of(log.readBatchAt(entry.baseOffset(), entry.position()));
    } catch (StorageException moved) {
      ByteBuffer batches = log.readBatches(entry.baseOffset(), 1, log.logEndOffset());
      int at = batches.position();
      if (!batches.hasRemaining() || BatchHeader.baseOffset(batches, at) > entry.baseOffset()
          || BatchHeader.lastOffset(batches, at) < entry.baseOffset()) {
        return Optional.empty();
      }
      return Optional.of(batches.limit(at + BatchHeader.sizeInBytes(batches, at)));
    }
  }

  /**
   * If the version check failed, whether the request is a retry: it expected an exact version and the
   * events stored right after it carry exactly the request's event ids (owner; reads the log).
   */
  Optional<AppendResult.Appended> findEventIdRetry(AppendRequest request, byte[] key, long currentVersion) {
    if (!(request.expectedVersion() instanceof ExpectedVersion.Exact exact)) {
      return Optional.empty();
    }
    List<EventData> events = request.events();
    long fromVersion = exact.version() + 1;
    if (fromVersion + events.size() - 1 > currentVersion) {
      return Optional.empty();
    }
    StreamReadPlan plan = planStreamRead(request.aggregateId(), key, fromVersion, events.size(), Long.MAX_VALUE);
    List<StoredEvent> stored = readPlanned(request.topic(), plan, ownerReader);
    if (stored.size() != events.size()) {
      return Optional.empty();
    }
    for (int i = 0; i < events.size(); i++) {
      if (!events.get(i).eventId().equals(stored.get(i).eventId())) {
        return Optional.empty();
      }
    }
    return Optional.of(new AppendResult.Appended(partitionId, stored.get(0).offset(),
        stored.get(stored.size() - 1).offset(), fromVersion, fromVersion + events.size() - 1, true));
  }

  /** The log end offset counting the staged appends as written (owner). */
  long logEndOffsetWithStaged() {
    return staged.nextOffset(log.logEndOffset());
  }

  /**
   * Whether the staged appends must be written before {@code request} is checked (owner): see
   * {@link StagedAppends#mustWriteBefore}.
   */
  boolean mustWriteStagedBefore(AppendRequest request) {
    return staged.mustWriteBefore(request);
  }

  /**
   * Builds the batch of an append whose version check passed against {@code currentVersion} and stages it
   * after the staged ones, for {@link #writeStaged} to write (owner). {@link #mustWriteStagedBefore} MUST
   * have been false for it when it was checked.
   *
   * @return false, staging nothing, if the staged bytes would then exceed {@code max.message.bytes}: write
   *     the staged appends first
   * @throws InvalidInputException if the batch alone exceeds {@code max.message.bytes}; nothing is staged
   */
  boolean stage(AppendRequest request, byte[] key, long currentVersion) {
    long baseOffset = logEndOffsetWithStaged();
    long nowMs = System.currentTimeMillis();
    ProducerInfo producer = request.producer();
    builder.reset(baseOffset, SINGLE_NODE_LEADER_EPOCH, config.compressionType(), producer.producerId(),
        producer.producerEpoch(), producer.baseSequence(), nowMs);
    long version = currentVersion;
    for (EventData event : request.events()) {
      version++;
      EventHeaders.addEvent(builder, nowMs, key, version, event.eventId(), event.type(), event.payload(),
          event.headers());
    }
    ByteBuffer batch = builder.build();
    if (batch.remaining() > config.maxMessageBytes()) {
      throw new InvalidInputException("events", request.events().size() + " events (" + batch.remaining() + " bytes)",
          "one append is one batch and must fit max.message.bytes = " + config.maxMessageBytes());
    }
    if (!staged.isEmpty() && (long) staged.sizeInBytes() + batch.remaining() > config.maxMessageBytes()) {
      return false;
    }
    staged.add(request, key, currentVersion + 1, baseOffset, baseOffset + request.events().size() - 1, batch);
    return true;
  }

  /**
   * Writes the staged appends with one log write, updates every index and returns their results in staging
   * order (owner). Either all are written or, on an exception, none; either way nothing stays staged.
   */
  List<AppendResult.Appended> writeStaged() {
    try {
      if (staged.isEmpty()) {
        return List.of();
      }
      LogAppendInfo info = log.appendAll(staged.batches());
      List<AppendResult.Appended> results = new ArrayList<>(staged.appends().size());
      for (StagedAppends.Staged append : staged.appends()) {
        results.add(indexWritten(append, info.positionInSegment() + append.position()));
      }
      return results;
    } finally {
      staged.clear();
    }
  }

  /** Updates every index for a written append whose batch is at {@code position} in the active segment. */
  private AppendResult.Appended indexWritten(StagedAppends.Staged append, int position) {
    byte[] key = append.key();
    long hash = StreamHash.hash64(key);
    int count = (int) (append.lastOffset() - append.baseOffset() + 1);
    streamIndex.add(hash, append.firstVersion(), count, append.baseOffset(), position);
    versions.put(hash, key, 0, key.length, append.lastVersion(), append.lastOffset());
    ProducerInfo producer = append.request().producer();
    if (producer.isIdempotent()) {
      producers.record(producer.producerId(), producer.producerEpoch(), producer.baseSequence(), count,
          append.baseOffset(), append.lastOffset(), append.firstVersion(), append.lastVersion());
    }
    return new AppendResult.Appended(partitionId, append.baseOffset(), append.lastOffset(), append.firstVersion(),
        append.lastVersion(), false);
  }

  /**
   * Stores a produced batch (owner): checks it, answers a producer retry with the original offsets,
   * else re-encodes it with stream versions ({@link ProducedBatchEncoder}), writes it to the log and
   * updates the stream index (an entry per run), the version cache and the producer state.
   */
  ProduceResult produce(ByteBuffer recordBatch) {
    producedBatches.open(recordBatch);
    ProducerInfo producer = producedBatches.producer();
    int count = producedBatches.recordsCount();
    if (producer.isIdempotent()) {
      Optional<ProducerStateManager.BatchMetadata> duplicate = producers.checkSequence(producer, count);
      if (duplicate.isPresent()) {
        return new ProduceResult(partitionId, duplicate.get().firstOffset(), duplicate.get().lastOffset(), true);
      }
    }
    long baseOffset = log.logEndOffset();
    ByteBuffer batch = producedBatches.encode(baseOffset, SINGLE_NODE_LEADER_EPOCH, config, partitionId,
        versionLookup);
    if (batch.remaining() > config.maxMessageBytes()) {
      throw new InvalidInputException("recordBatch", count + " records (" + batch.remaining()
          + " bytes once re-encoded)", "must fit max.message.bytes = " + config.maxMessageBytes());
    }
    LogAppendInfo info = log.append(batch);
    StreamRuns runs = producedBatches.runs();
    runs.addTo(streamIndex, info.positionInSegment(), baseOffset);
    producedBatches.pending().applyTo(versions);
    if (producer.isIdempotent()) {
      producers.record(producer.producerId(), producer.producerEpoch(), producer.baseSequence(), count, baseOffset,
          info.lastOffset(), runs.firstVersionIfOneRun(count), runs.lastVersionIfOneRun(count));
    }
    return new ProduceResult(partitionId, baseOffset, info.lastOffset(), false);
  }

  // ---------------------------------------------------------------- durability (disk thread)

  /** Bytes appended since the last {@link #flush()} began; any thread. */
  long bytesSinceFlush() {
    return log.bytesSinceFlush();
  }

  /**
   * Fsyncs the log; returns the offset below which everything is durable. A flush that made new
   * records durable is reported to the {@link StoreObserver} with its duration.
   */
  long flush() {
    long durableBefore = log.flushedOffset();
    long startNanos = System.nanoTime();
    long durable = log.flush();
    if (durable > durableBefore) {
      observeFlush(System.nanoTime() - startNanos);
    }
    return durable;
  }

  private void observeFlush(long durationNanos) {
    try {
      observer.logFlushed(topic, partitionId, durationNanos);
    } catch (RuntimeException e) {
      // a metrics hook must not fail a flush; logged once per partition, then at debug level
      if (!observerFailureLogged) {
        observerFailureLogged = true;
        LOG.warn("{}: the store observer failed in logFlushed, ignored (later failures are logged at debug): {}",
            name, e.toString(), e);
      } else {
        LOG.debug("{}: the store observer failed in logFlushed: {}", name, e.toString());
      }
    }
  }

  /** Captures what the next checkpoint will make durable, or null if nothing changed (owner). */
  Checkpoint prepareCheckpoint() {
    long end = log.logEndOffset();
    if (end == lastCheckpointOffset) {
      return null;
    }
    lastCheckpointOffset = end;
    return new Checkpoint(end, producers.snapshot(end));
  }

  /** Writes the producer snapshot and the recovery point; the log MUST be durable past the checkpoint. */
  void writeCheckpoint(Checkpoint checkpoint) throws IOException {
    DurableFiles.writeAtomically(io, dir.resolve(PRODUCER_SNAPSHOT_FILE), checkpoint.producerSnapshot());
    log.checkpointRecoveryPoint(checkpoint.logEndOffset());
  }

  /** The next stream-index flush or merge whose data is durable (owner). */
  Optional<StreamIndexJob> nextStreamIndexJob() {
    Optional<StreamIndexJob> job = streamIndex.nextJob(log.flushedOffset());
    job.ifPresent(issuedIndexJobs::add);
    return job;
  }

  /** Lets every issued stream-index job finish flat out (owner): a close waits for them. */
  void hurryStreamIndexJobs() {
    issuedIndexJobs.forEach(StreamIndexJob::hurry);
  }

  /**
   * The files that left the log and the stream index since the last call (segments deleted by retention or
   * replaced by compaction, merged-away chunks), to be closed off the owner (owner).
   */
  List<Closeable> takeFilesToClose() {
    List<Closeable> all = new ArrayList<>(log.takeSegmentsToClose());
    all.addAll(streamIndex.takeRetiredFiles());
    return all;
  }

  /**
   * Installs a finished stream-index job (owner); a job of an index since rebuilt is dropped. Returns whether
   * the index changed (false for a dropped, cancelled or failed job).
   */
  boolean installStreamIndexJob(StreamIndexJob job) {
    return issuedIndexJobs.remove(job) && streamIndex.install(job);
  }

  /**
   * Runs a stream-index lookup; if it finds a damaged chunk file (the index has deleted it), rebuilds the
   * index in place and tries once more. Damage found at open is handled by the index itself; this covers a
   * chunk that rots while the store runs (owner; the rebuild re-reads the log after the damage, blocking).
   */
  private int withIndexRebuildOnCorruption(IntSupplier lookup) {
    try {
      return lookup.getAsInt();
    } catch (StorageException damaged) {
      LOG.error("{}: stream index lookup failed, rebuilding the index from the log: {}", name, damaged.getMessage());
      rebuildStreamIndex();
      return lookup.getAsInt();
    }
  }

  private void rebuildStreamIndex() {
    long startNanos = System.nanoTime();
    issuedIndexJobs.clear(); // jobs of the damaged index finish on their own and are dropped at install
    closeQuietly(streamIndex);
    streamIndex = StreamIndex.open(dir, streamIndexOptions, log.logStartOffset(), log.logEndOffset());
    long from = streamIndex.indexedUpToOffset();
    long batches = refeed(log, streamIndex, producers, from, Long.MAX_VALUE);
    versions.clear();
    LOG.warn("{}: stream index rebuilt from offset {} ({} batches) in {} ms", name, from, batches,
        (System.nanoTime() - startNanos) / 1_000_000);
  }

  // ---------------------------------------------------------------- reads

  /** Raw whole batches from the one holding {@code fromOffset}, below {@code visibleEnd} (any thread). */
  ByteBuffer readBatches(long fromOffset, int maxBytes, long visibleEnd, IntFunction<ByteBuffer> buffers) {
    return log.readBatches(fromOffset, maxBytes, visibleEnd, buffers);
  }

  /** Events of whole batches from {@code fromOffset}, below {@code visibleEnd} (disk thread). */
  List<StoredEvent> readEvents(String topic, long fromOffset, int maxBytes, long visibleEnd) {
    ByteBuffer batches = log.readBatches(fromOffset, maxBytes, visibleEnd);
    List<StoredEvent> events = new ArrayList<>();
    try (RecordBatchReader reader = new RecordBatchReader()) {
      int at = batches.position();
      while (at < batches.limit()) {
        int size = BatchHeader.sizeInBytes(batches, at);
        reader.reset(batches, at, true, name, at);
        while (reader.next()) {
          if (reader.offset() >= fromOffset && reader.offset() < visibleEnd) {
            events.add(StoredEvents.from(topic, partitionId, reader));
          }
        }
        at += size;
      }
    }
    return events;
  }

  /** Picks the batches a stream read needs from the index (owner). */
  StreamReadPlan planStreamRead(String aggregateId, byte[] key, long fromVersion, int maxCount, long visibleEnd) {
    StreamEntryBuffer found = new StreamEntryBuffer();
    long hash = StreamHash.hash64(key);
    int count = withIndexRebuildOnCorruption(() -> streamIndex.find(hash, fromVersion, maxCount, found));
    long start = log.logStartOffset();
    List<StreamIndexEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      StreamIndexEntry entry = found.get(i);
      if (entry.baseOffset() >= start && entry.nextOffset() <= visibleEnd) {
        entries.add(entry);
      }
    }
    long visibleVersion = visibleEnd == Long.MAX_VALUE ? currentVersion(key) : visibleVersion(key, visibleEnd);
    return new StreamReadPlan(aggregateId, key, fromVersion, maxCount, entries, visibleVersion, visibleEnd);
  }

  /** Reads the planned batches and keeps the aggregate's events in range (disk thread). */
  StreamSlice executeStreamRead(String topic, StreamReadPlan plan) {
    List<StoredEvent> events;
    try (RecordBatchReader reader = new RecordBatchReader()) {
      events = readPlanned(topic, plan, reader);
    }
    long next = events.isEmpty() ? plan.fromVersion() : events.get(events.size() - 1).version() + 1;
    return new StreamSlice(topic, plan.aggregateId(), events, next, plan.visibleVersion(),
        next > plan.visibleVersion());
  }

  /**
   * The events of the planned runs in the version range. Runs of one batch (a produced batch holding
   * several runs of the aggregate) reuse the batch read for the first of them.
   */
  private List<StoredEvent> readPlanned(String topic, StreamReadPlan plan, RecordBatchReader reader) {
    List<StoredEvent> events = new ArrayList<>(Math.min(plan.maxCount(), 256));
    long toVersionExclusive = plan.fromVersion() + plan.maxCount();
    ByteBuffer batch = null;
    long batchBaseOffset = -1;
    long batchLastOffset = -1;
    for (StreamIndexEntry entry : plan.entries()) {
      if (events.size() == plan.maxCount()) {
        break;
      }
      boolean reuse = batch != null && entry.baseOffset() >= batchBaseOffset && entry.baseOffset() <= batchLastOffset;
      if (!reuse) {
        Optional<ByteBuffer> found = readIndexedBatch(entry);
        if (found.isEmpty()) {
          continue; // removed by compaction
        }
        batch = found.get();
        batchBaseOffset = BatchHeader.baseOffset(batch, batch.position());
        batchLastOffset = BatchHeader.lastOffset(batch, batch.position());
      }
      if (!seekRun(reader, batch, entry, !reuse)) {
        continue; // compaction removed the run's records
      }
      do {
        if (!reader.keyEquals(plan.key())) {
          break; // a hash collision: the run belongs to another aggregate
        }
        long version = EventHeaders.version(reader);
        if (version >= plan.fromVersion() && version < toVersionExclusive) {
          events.add(StoredEvents.from(topic, partitionId, reader));
        }
      } while (events.size() < plan.maxCount() && reader.next() && reader.offset() < entry.nextOffset());
    }
    return events;
  }

  /** First offset with a timestamp at or after {@code timestampMs}, or the log end (disk thread). */
  long offsetForTimestamp(long timestampMs) {
    return log.offsetForTimestamp(timestampMs);
  }

  // ---------------------------------------------------------------- retention and close

  /** Deletes whole segments past retention and the index entries below the new log start (owner). */
  void applyRetention(long nowMs) {
    if (config.cleanupPolicy() != CleanupPolicy.DELETE) {
      return;
    }
    var result = log.applyRetention(config.retentionMs(), config.retentionBytes(), nowMs);
    if (!result.deletedBaseOffsets().isEmpty()) {
      streamIndex.deleteBelow(result.logStartOffset());
      LOG.info("{}: retention deleted segments {} ({} bytes); log starts at {}", name, result.deletedBaseOffsets(),
          result.bytesDeleted(), result.logStartOffset());
    }
  }

  /** The next compaction of a compacted topic's closed segments, if one is due (owner). */
  Optional<CompactionJob> prepareCompaction(long nowMs) {
    return log.prepareCompaction(nowMs, config.deleteRetentionMs());
  }

  /**
   * Swaps a finished compaction in (owner). Stream-index entries of rewritten segments keep pointing at
   * old positions, which {@link #readIndexedBatch} tolerates; cached versions are dropped because a
   * removed tombstone can end a stream.
   */
  CompactionResult installCompaction(CompactionJob job) {
    CompactionResult result = log.installCompaction(job);
    if (result.installed() && result.recordsRemoved() > 0) {
      versions.clear();
      LOG.info("{}: compaction removed {} records ({} bytes) from segments {}", name, result.recordsRemoved(),
          result.bytesReclaimed(), result.rewrittenBaseOffsets());
    } else if (!result.installed()) {
      LOG.warn("{}: compaction not installed: {}", name, result.problem().orElse("unknown reason"));
    }
    return result;
  }

  /**
   * Writes the stream-index memtables and the producer snapshot, then closes the log, which writes the
   * clean-shutdown marker last (disk thread, once the owner is idle).
   */
  void close() throws IOException {
    try {
      if (log.failure().isEmpty()) {
        long durable = log.flush();
        try {
          streamIndex.writeMemtables(durable);
        } catch (RuntimeException e) {
          LOG.warn("{}: writing the stream index at close failed; the next open re-reads the tail instead: {}",
              name, e.getMessage());
        }
        DurableFiles.writeAtomically(io, dir.resolve(PRODUCER_SNAPSHOT_FILE), producers.snapshot(log.logEndOffset()));
      }
    } finally {
      closeQuietly(streamIndex);
      builder.close();
      ownerReader.close();
      producedBatches.close();
      log.close();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("closing {} failed: {}", closeable, e.toString());
    }
  }
}
