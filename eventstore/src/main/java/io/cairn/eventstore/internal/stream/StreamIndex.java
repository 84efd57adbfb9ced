package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.spi.StorageIo;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream index of one partition: which batches hold the events of an aggregate, found by the
 * 64-bit {@link StreamHash} of its id, so that reading a stream and finding its current version
 * cost I/O proportional to that stream, never a partition scan. Shaped like an LSM tree
 * (KurrentDB's PTables): an in-memory <em>memtable</em> takes new entries; when full it is frozen
 * (still searched) and written by a worker thread to an immutable sorted <em>chunk file</em>
 * {@code <20-digit fromOffset>.streams} (layout in {@link StreamChunkFile}); adjacent chunk files
 * are merged so that a lookup touches few of them, and a Bloom filter per file skips the rest.
 *
 * <p>Coverage invariant: the chunk files cover the contiguous offsets
 * {@code [first chunk's fromOffset, last chunk's toOffset)}, the frozen memtables continue that
 * range and the active memtable continues it up to {@link #indexedUpToOffset()}; every batch of the
 * log below that offset that the caller fed through {@link #add} is in exactly one of them. At open,
 * the caller MUST feed every batch from {@code indexedUpToOffset()} to the log end (a log scan of
 * the tail), after which the index is complete.
 *
 * <p>Hash collisions: the index stores no keys. Lookups may return entries of other aggregates with
 * the same hash; the caller checks the record key at the entry's offset and skips them.
 *
 * <p>Durability rule: a chunk file may only describe batches that are durable in the log, so the
 * caller MUST have fsynced the log up to {@link StreamIndexJob#requiredDurableOffset()} before it
 * runs a flush job ({@link #nextJob(long)} only hands out such jobs). At open, chunk files that are
 * corrupt or reach past the log end are deleted (and every later one, since coverage must stay
 * contiguous); the unwritten memtables of a crashed process are rebuilt from the log by the re-feed.
 * After a log truncation the caller MUST call {@link #truncateFrom} before appending again.
 *
 * <p>Memory: a memtable costs about 40-48 bytes per entry (32 bytes of entry, a 4-byte link, the
 * hash map at most 70% full); a chunk file keeps only its meta section on the heap, about 1.4 bytes
 * per entry with 10 Bloom bits per key. {@link #memoryBytes()} reports the total.
 *
 * <p>Thread-safety: one owner thread (the partition's context) calls every method; only
 * {@link StreamIndexJob#run()} runs elsewhere. No method blocks on I/O except lookups that read a
 * 4 KiB block of a chunk file (page cache), {@link #open}, {@link #writeMemtables},
 * {@link #truncateFrom} (file deletes) and {@link #close}.
 */
public final class StreamIndex implements Closeable {

  /** Suffix of chunk files. */
  public static final String FILE_SUFFIX = ".streams";
  /** Digits of the zero-padded first offset in a chunk file's name. */
  public static final int FILE_NAME_DIGITS = 20;
  static final String TEMPORARY_SUFFIX = ".tmp";
  private static final Pattern CHUNK_NAME =
      Pattern.compile("\\d{" + FILE_NAME_DIGITS + "}" + Pattern.quote(FILE_SUFFIX));
  private static final Pattern TEMPORARY_NAME = Pattern.compile(
      "\\d{" + FILE_NAME_DIGITS + "}" + Pattern.quote(FILE_SUFFIX) + "\\.\\d+" + Pattern.quote(TEMPORARY_SUFFIX));
  /** Rough bytes of this object and its lists, for {@link #memoryBytes()}. */
  private static final int OBJECT_OVERHEAD_BYTES = 256;

  private static final Logger LOG = LoggerFactory.getLogger(StreamIndex.class);

  private final Path directory;
  private final StreamIndexOptions options;
  /** Serialises renames of job outputs with truncation and corruption handling (worker vs owner). */
  private final Object fileLock = new Object();
  private final List<StreamChunkFile> chunks = new ArrayList<>();
  private final List<Memtable> frozen = new ArrayList<>();
  /** Chunk files that left the index and wait for {@link #takeRetiredFiles} to hand them over for closing. */
  private final List<Closeable> retiredFiles = new ArrayList<>();
  private final BlockReader reader = new BlockReader();
  private Memtable active;
  private long indexedUpToOffset;
  private long logStartOffset;
  private StreamIndexJob.Flush flushInFlight;
  private StreamIndexJob.Merge mergeInFlight;
  private long jobSequence;
  private boolean closed;
  private boolean warnedMemtableGrowing;

  private StreamIndex(Path directory, StreamIndexOptions options, long logStartOffset) {
    this.directory = directory;
    this.options = options;
    this.logStartOffset = logStartOffset;
  }

  /** The file name of the chunk whose first offset is {@code fromOffset}: 20 zero-padded digits + {@code .streams}. */
  public static String chunkFileName(long fromOffset) {
    return String.format("%0" + FILE_NAME_DIGITS + "d%s", fromOffset, FILE_SUFFIX);
  }

  /**
   * Opens the stream index in {@code partitionDir} (created if missing) for a log holding offsets
   * {@code [logStartOffset, logEndOffset)}. Loads and validates the chunk files; deletes leftover
   * temporary files, invalid or corrupt chunk files, chunk files reaching past {@code logEndOffset},
   * files wholly below {@code logStartOffset} or contained in another, and every file after a gap.
   * Afterwards the caller MUST feed the batches from {@link #indexedUpToOffset()} to the log end.
   */
  public static StreamIndex open(Path partitionDir, StreamIndexOptions options, long logStartOffset,
      long logEndOffset) {
    if (logStartOffset < 0) {
      throw new InvalidInputException("logStartOffset", logStartOffset, "must not be negative");
    }
    if (logEndOffset < logStartOffset) {
      throw new InvalidInputException("logEndOffset", logEndOffset,
          "must not be below logStartOffset " + logStartOffset);
    }
    StreamIndex index = new StreamIndex(partitionDir, new StreamIndexOptions(options), logStartOffset);
    try {
      Files.createDirectories(partitionDir);
      index.load(logEndOffset);
    } catch (IOException e) {
      index.close();
      throw new StorageException("cannot open the stream index in " + partitionDir + ": " + e, e);
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
    return index;
  }

  private void load(long logEndOffset) throws IOException {
    List<StreamChunkFile> candidates = new ArrayList<>();
    try {
      loadChain(logEndOffset, candidates);
    } catch (IOException | RuntimeException e) {
      for (StreamChunkFile candidate : candidates) {
        candidate.close();
      }
      throw e;
    }
    indexedUpToOffset = chunks.isEmpty() ? logStartOffset : chunks.get(chunks.size() - 1).toOffset();
    active = new Memtable(indexedUpToOffset, options.memtableMaxEntries());
    LOG.debug("Opened the stream index in {}: {} chunk files, indexed up to offset {}", directory, chunks.size(),
        indexedUpToOffset);
  }

  private void loadChain(long logEndOffset, List<StreamChunkFile> candidates) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (TEMPORARY_NAME.matcher(name).matches()) {
          LOG.info("Deleting leftover temporary stream index file {}", file);
          Files.deleteIfExists(file);
        } else if (CHUNK_NAME.matcher(name).matches()) {
          loadCandidate(file, logEndOffset, candidates);
        }
      }
    }
    candidates.sort(Comparator.comparingLong(StreamChunkFile::fromOffset)
        .thenComparing(Comparator.comparingLong(StreamChunkFile::toOffset).reversed()));
    long coveredTo = -1;
    boolean chainBroken = false;
    for (StreamChunkFile chunk : candidates) {
      if (chunk.toOffset() <= coveredTo) {
        drop(chunk, "its offsets are covered by the merged chunk before it");
      } else if (chunk.toOffset() <= logStartOffset) {
        drop(chunk, "it lies wholly below the log start offset " + logStartOffset);
      } else if (chainBroken) {
        drop(chunk, "an earlier chunk is missing, so coverage would not be contiguous");
      } else if (chunks.isEmpty() && chunk.fromOffset() > logStartOffset) {
        chainBroken = true;
        drop(chunk, "the first chunk starts at " + chunk.fromOffset() + ", above the log start offset "
            + logStartOffset);
      } else if (!chunks.isEmpty() && chunk.fromOffset() != coveredTo) {
        chainBroken = true;
        drop(chunk, "it starts at " + chunk.fromOffset() + " but the previous chunk ends at " + coveredTo);
      } else {
        chunks.add(chunk);
        coveredTo = chunk.toOffset();
      }
    }
  }

  private void loadCandidate(Path file, long logEndOffset, List<StreamChunkFile> candidates) throws IOException {
    StreamChunkFile chunk;
    try {
      chunk = StreamChunkFile.open(file, options.storageIo(), options.verifyEntriesOnOpen());
    } catch (StorageException e) {
      LOG.warn("Deleting invalid stream index chunk {} (it is rebuilt from the log): {}", file, e.getMessage());
      Files.deleteIfExists(file);
      return;
    }
    if (chunk.toOffset() > logEndOffset) {
      LOG.warn("Deleting stream index chunk {}: it reaches offset {}, past the log end offset {}", file,
          chunk.toOffset(), logEndOffset);
      chunk.close();
      Files.deleteIfExists(file);
      return;
    }
    candidates.add(chunk);
  }

  private void drop(StreamChunkFile chunk, String reason) throws IOException {
    LOG.info("Deleting stream index chunk {}: {}", chunk.path(), reason);
    chunk.close();
    Files.deleteIfExists(chunk.path());
  }

  /**
   * The offset up to which every batch has been fed: the next batch fed MUST start at or after it.
   * After {@link #open} and {@link #truncateFrom} the caller re-feeds the log from here.
   */
  public long indexedUpToOffset() {
    return indexedUpToOffset;
  }

  /** The log start offset last given to {@link #open} or {@link #deleteBelow}. */
  public long logStartOffset() {
    return logStartOffset;
  }

  /**
   * A hint that runs of the streams with hashes {@code hashes[0, count)} are about to be {@link #add}ed: their
   * places in the active memtable are brought into the CPU cache together. Owner thread; changes nothing.
   */
  public void prefetch(long[] hashes, int count) {
    ensureOpen();
    active.prefetch(hashes, count);
  }

  /**
   * Records one run of one aggregate (see {@link StreamIndexEntry}): events with versions
   * {@code [firstVersion, firstVersion + eventCount)} at offsets {@code [baseOffset, baseOffset +
   * eventCount)}, in the batch at byte {@code position} of its segment file. Runs MUST come in offset
   * order from {@link #indexedUpToOffset()} on. O(1) amortised; allocates only when the memtable's arrays grow.
   * Freezes the memtable when it is full (unless {@link StreamIndexOptions#maxFrozenMemtables()}
   * frozen ones already wait for their jobs).
   */
  public void add(long hash, long firstVersion, int eventCount, long baseOffset, int position) {
    ensureOpen();
    if (baseOffset < indexedUpToOffset) {
      throw new InvalidInputException("baseOffset", baseOffset,
          "must be at least the indexed-up-to offset " + indexedUpToOffset + " (batches are fed in offset order)");
    }
    if (eventCount < 1) {
      throw new InvalidInputException("eventCount", eventCount, "must be at least 1");
    }
    if (firstVersion < 1 || firstVersion > Long.MAX_VALUE - eventCount) {
      throw new InvalidInputException("firstVersion", firstVersion, "must be at least 1 (and leave room for "
          + eventCount + " events)");
    }
    if (position < 0) {
      throw new InvalidInputException("position", position, "must not be negative");
    }
    active.add(hash, firstVersion, eventCount, baseOffset, position);
    indexedUpToOffset = baseOffset + eventCount;
    if (active.size() >= options.memtableMaxEntries()) {
      if (frozen.size() < options.maxFrozenMemtables()) {
        freeze();
      } else if (!warnedMemtableGrowing) {
        warnedMemtableGrowing = true;
        LOG.warn("Stream index in {}: {} frozen memtables wait for their chunk files, so the active memtable grows "
            + "past {} entries", directory, frozen.size(), options.memtableMaxEntries());
      }
    }
  }

  /**
   * Declares that the batches up to {@code offsetExclusive} hold no stream entries (control
   * batches, batches without keys), so coverage advances without an entry.
   */
  public void advanceTo(long offsetExclusive) {
    ensureOpen();
    if (offsetExclusive < indexedUpToOffset) {
      throw new InvalidInputException("offsetExclusive", offsetExclusive,
          "must be at least the indexed-up-to offset " + indexedUpToOffset);
    }
    indexedUpToOffset = offsetExclusive;
  }

  /**
   * Freezes the active memtable (it stays searchable) and starts a new one, if it covers any
   * offsets. Returns whether it froze. The frozen memtable is written by the next flush job.
   */
  public boolean freeze() {
    ensureOpen();
    if (active.isEmpty() && indexedUpToOffset == active.fromOffset()) {
      return false;
    }
    active.freeze(indexedUpToOffset);
    frozen.add(active);
    if (flushInFlight != null) {
      // the memtable just frozen waits for the running flush
      flushInFlight.hurry();
    }
    active = new Memtable(indexedUpToOffset, options.memtableMaxEntries());
    warnedMemtableGrowing = false;
    return true;
  }

  /**
   * Collects into {@code out} (cleared first) the entries of {@code hash} whose versions meet
   * {@code [fromVersionInclusive, fromVersionInclusive + maxEvents)}, sorted by (firstVersion,
   * baseOffset); returns how many. Every entry of the wanted aggregate in that range is included;
   * entries of other aggregates with the same hash may be too, and entries below the log start
   * offset may still appear after retention (skip both). Reads the memtables and, among the chunk
   * files, only those whose Bloom filter admits the hash; usually one 4 KiB block per such file. In a
   * memtable the walk starts at the aggregate's newest entry, so it costs one step per batch newer
   * than the window (a long stream read from its start while still in memory walks its whole chain).
   */
  public int find(long hash, long fromVersionInclusive, int maxEvents, StreamEntryBuffer out) {
    ensureOpen();
    out.clear();
    if (maxEvents <= 0) {
      return 0;
    }
    long from = Math.max(1, fromVersionInclusive);
    long to = from > Long.MAX_VALUE - maxEvents ? Long.MAX_VALUE : from + maxEvents;
    for (int i = 0; i < chunks.size(); i++) {
      StreamChunkFile chunk = chunks.get(i);
      if (chunk.mightContain(hash)) {
        ensureNotCorrupt(chunk);
        try {
          chunk.find(hash, from, to, reader, out);
        } catch (StorageException e) {
          throw handleReadFailure(chunk, e);
        }
      }
    }
    for (int i = 0; i < frozen.size(); i++) {
      frozen.get(i).find(hash, from, to, out);
    }
    active.find(hash, from, to, out);
    out.sortByVersion(0);
    return out.size();
  }

  /**
   * Collects into {@code out} (cleared first) up to {@code maxCandidates} entries of {@code hash},
   * newest source first, after skipping {@code skipCandidates}; returns how many. For every
   * aggregate with this hash, its entries come newest first, so the first candidate whose record
   * key matches is that aggregate's latest batch (its current version = that entry's last version).
   * With a collision, ask again with {@code skipCandidates} advanced past the candidates seen.
   */
  public int newestFirst(long hash, int skipCandidates, int maxCandidates, StreamEntryBuffer out) {
    ensureOpen();
    out.clear();
    if (maxCandidates <= 0) {
      return 0;
    }
    int skip = Math.max(0, skipCandidates);
    skip -= active.newestFirst(hash, skip, maxCandidates, out);
    for (int i = frozen.size() - 1; i >= 0 && out.size() < maxCandidates; i--) {
      skip -= frozen.get(i).newestFirst(hash, skip, maxCandidates, out);
    }
    for (int i = chunks.size() - 1; i >= 0 && out.size() < maxCandidates; i--) {
      StreamChunkFile chunk = chunks.get(i);
      if (chunk.mightContain(hash)) {
        ensureNotCorrupt(chunk);
        try {
          skip -= chunk.newestFirst(hash, skip, maxCandidates, reader, out);
        } catch (StorageException e) {
          throw handleReadFailure(chunk, e);
        }
      }
    }
    return out.size();
  }

  /**
   * The next maintenance job, if any: first the oldest frozen memtable whose offsets are durable
   * ({@code toOffset <= durableLogOffset}), unless a flush is already running; else a merge of
   * adjacent chunk files when {@link #mergeCandidates()} proposes one, unless a merge is running.
   * The caller runs the job on a worker thread and MUST then call {@link #install} on the owner.
   */
  public Optional<StreamIndexJob> nextJob(long durableLogOffset) {
    ensureOpen();
    if (flushInFlight == null && !frozen.isEmpty() && frozen.get(0).toOffset() <= durableLogOffset) {
      // another frozen memtable waiting behind this one: no time to spare
      flushInFlight = newFlushJob(frozen.get(0), frozen.size() > 1 ? WorkPacer.unpaced() : backgroundPacer());
      return Optional.of(flushInFlight);
    }
    if (mergeInFlight == null) {
      List<StreamChunkFile> inputs = mergeCandidates();
      if (!inputs.isEmpty()) {
        for (StreamChunkFile input : inputs) {
          input.pin();
        }
        mergeInFlight = new StreamIndexJob.Merge(this, inputs, temporaryFor(inputs.get(0).path()), logStartOffset,
            options.bloomBitsPerKey(), backgroundPacer());
        return Optional.of(mergeInFlight);
      }
    }
    return Optional.empty();
  }

  /**
   * Takes the result of a job whose {@link StreamIndexJob#run()} has returned: a written memtable
   * is replaced by its chunk file, merged chunk files by the merged one. Returns whether the index
   * changed; false for a cancelled job (its range was truncated) or a failed one (logged; a failed
   * flush is retried by a later {@link #nextJob}, its memtable stays searchable meanwhile). A job
   * that never ran is abandoned (it may be offered again); one still running is refused.
   */
  public boolean install(StreamIndexJob job) {
    if (job.index != this) {
      throw new InvalidInputException("job", job, "belongs to another stream index");
    }
    if (!job.hasRun()) {
      // never handed to a worker (e.g. the executor refused it): abandon it
      job.abandon();
    } else if (!job.isFinished()) {
      throw new IllegalStateException("stream index job " + job + " is still running; install it once run() returned");
    }
    if (job instanceof StreamIndexJob.Flush flush) {
      if (flushInFlight == flush) {
        flushInFlight = null;
      }
      return installFlush(flush);
    }
    StreamIndexJob.Merge merge = (StreamIndexJob.Merge) job;
    if (mergeInFlight == merge) {
      mergeInFlight = null;
    }
    return installMerge(merge);
  }

  /**
   * Hands over, to be closed off the owner thread, the chunk files that left the index since the last
   * call: merged into a new chunk, deleted by retention, or dropped by a truncation once no merge reads
   * them. Their files are already renamed over or deleted; closing the last handle of such a file makes
   * the kernel free its page cache there and then, milliseconds for a chunk of tens of megabytes, which
   * would stall the appends queued behind it. Reading through a handed-over file is no longer possible
   * once it is closed, which is safe: no lookup uses it any more. {@link #close} closes any not taken.
   * Owner thread.
   */
  public List<Closeable> takeRetiredFiles() {
    List<Closeable> taken = List.copyOf(retiredFiles);
    retiredFiles.clear();
    return taken;
  }

  private boolean installFlush(StreamIndexJob.Flush job) {
    StreamChunkFile result = job.result();
    if (closed || job.cancelled || frozen.isEmpty() || frozen.get(0) != job.frozen) {
      closeIfPresent(result);
      return false;
    }
    if (job.failure().isPresent() || result == null) {
      LOG.error("Writing stream index chunk {} failed; its memtable stays in memory and is retried",
          job.target, job.failure().orElse(null));
      return false;
    }
    frozen.remove(0);
    chunks.add(result);
    applyRetentionToChunks();
    return true;
  }

  private boolean installMerge(StreamIndexJob.Merge job) {
    StreamChunkFile result = job.result();
    for (StreamChunkFile input : job.inputs) {
      if (input.unpin()) {
        closeLater(input);
      }
    }
    if (closed || job.cancelled) {
      closeIfPresent(result);
      return false;
    }
    if (job.failure().isPresent() || result == null) {
      LOG.error("Merging stream index chunks {} failed", job.inputs, job.failure().orElse(null));
      for (StreamChunkFile input : job.inputs) {
        if (input.isCorrupt()) {
          deleteCorrupt(input);
        }
      }
      return false;
    }
    int first = chunks.indexOf(job.inputs.get(0));
    boolean adjacent = first >= 0 && first + job.inputs.size() <= chunks.size();
    for (int i = 0; adjacent && i < job.inputs.size(); i++) {
      adjacent = chunks.get(first + i) == job.inputs.get(i);
    }
    if (!adjacent) {
      closeIfPresent(result);
      throw new IllegalStateException("merge inputs " + job.inputs + " are no longer adjacent in " + chunks);
    }
    for (int i = 0; i < job.inputs.size(); i++) {
      closeLater(chunks.remove(first));
    }
    chunks.add(first, result);
    reader.invalidate();
    applyRetentionToChunks();
    return true;
  }

  /**
   * Writes every frozen memtable (after freezing the active one) whose offsets are durable
   * ({@code toOffset <= durableLogOffset}) on the calling thread and installs it: for a clean
   * shutdown, so that the next open needs no re-feed. Blocks. Skipped while a flush job runs
   * elsewhere. Returns how many chunk files were written.
   */
  public int writeMemtables(long durableLogOffset) {
    ensureOpen();
    if (indexedUpToOffset <= durableLogOffset) {
      freeze();
    }
    int written = 0;
    while (flushInFlight == null && !frozen.isEmpty() && frozen.get(0).toOffset() <= durableLogOffset) {
      StreamIndexJob.Flush job = newFlushJob(frozen.get(0), WorkPacer.unpaced());
      flushInFlight = job;
      job.run();
      if (!install(job)) {
        throw job.failure().orElseGet(() -> new StorageException("writing " + job + " did not complete"));
      }
      written++;
    }
    return written;
  }

  private StreamIndexJob.Flush newFlushJob(Memtable memtable, WorkPacer pacer) {
    Path target = directory.resolve(chunkFileName(memtable.fromOffset()));
    return new StreamIndexJob.Flush(this, memtable, target, temporaryFor(target), logStartOffset,
        options.bloomBitsPerKey(), pacer);
  }

  private WorkPacer backgroundPacer() {
    return WorkPacer.inBudget(options.jobCpuBudget());
  }

  /** Lets the running flush and merge jobs, if any, finish flat out instead of at their CPU share. */
  private void hurryJobs() {
    if (flushInFlight != null) {
      flushInFlight.hurry();
    }
    if (mergeInFlight != null) {
      mergeInFlight.hurry();
    }
  }

  /**
   * Forgets every entry at or after {@code offset} because the log was truncated there; returns the
   * new {@link #indexedUpToOffset()}, from which the caller MUST re-feed the log. A chunk file that
   * reaches {@code offset} is deleted whole (with everything newer), so the re-feed may start below
   * {@code offset}; running jobs over the range are cancelled. Deletes files (blocking).
   */
  public long truncateFrom(long offset) {
    ensureOpen();
    if (offset < 0) {
      throw new InvalidInputException("offset", offset, "must not be negative");
    }
    if (offset >= indexedUpToOffset) {
      return indexedUpToOffset;
    }
    hurryJobs();
    long cut = offset;
    boolean droppedChunk = false;
    boolean deletedFiles = false;
    synchronized (fileLock) {
      int firstDropped = chunks.size();
      for (int i = 0; i < chunks.size(); i++) {
        if (chunks.get(i).toOffset() > offset) {
          firstDropped = i;
          break;
        }
      }
      StreamIndexJob.Merge merge = mergeInFlight;
      if (merge != null && !merge.cancelled && merge.toOffset > offset) {
        merge.cancelled = true;
        if (merge.renamed) {
          // the merged file already replaced its inputs on disk, so all of them go
          deleteFile(merge.target);
          deletedFiles = true;
          int firstInput = chunks.indexOf(merge.inputs.get(0));
          if (firstInput >= 0) {
            firstDropped = Math.min(firstDropped, firstInput);
          }
        }
      }
      StreamIndexJob.Flush flush = flushInFlight;
      if (flush != null && !flush.cancelled && flush.toOffset > offset) {
        flush.cancelled = true;
        if (flush.renamed) {
          deleteFile(flush.target);
          deletedFiles = true;
        }
      }
      for (int i = chunks.size() - 1; i >= firstDropped; i--) {
        StreamChunkFile chunk = chunks.remove(i);
        cut = Math.min(cut, chunk.fromOffset());
        deleteFile(chunk.path());
        retire(chunk);
        droppedChunk = true;
        deletedFiles = true;
      }
    }
    reader.invalidate();
    if (droppedChunk) {
      frozen.clear();
      active = new Memtable(cut, options.memtableMaxEntries());
    } else if (!frozen.isEmpty() && frozen.get(frozen.size() - 1).toOffset() > offset) {
      cut = Math.min(cut, dropFrozenFrom(offset));
      active = new Memtable(cut, options.memtableMaxEntries());
    } else {
      cut = Math.min(cut, active.truncateFrom(offset));
    }
    indexedUpToOffset = cut;
    if (deletedFiles) {
      // a deleted chunk that came back after a crash would describe batches that no longer exist
      syncDirectory();
    }
    return cut;
  }

  /** Drops every frozen memtable reaching {@code offset} or beyond; returns the lowest fromOffset dropped or offset. */
  private long dropFrozenFrom(long offset) {
    long cut = offset;
    while (!frozen.isEmpty() && frozen.get(frozen.size() - 1).toOffset() > offset) {
      cut = Math.min(cut, frozen.remove(frozen.size() - 1).fromOffset());
    }
    return cut;
  }

  /**
   * Applies retention: chunk files wholly below {@code newLogStartOffset} are deleted (those a
   * running merge reads are deleted when it is installed), and memtable entries wholly below it are
   * dropped; a chunk that straddles the start stays, so lookups may still return entries below it.
   * Later flushes and merges leave such entries out. Returns the number of chunk files deleted.
   */
  public int deleteBelow(long newLogStartOffset) {
    ensureOpen();
    if (newLogStartOffset > logStartOffset) {
      logStartOffset = newLogStartOffset;
    }
    int deleted = applyRetentionToChunks();
    active = active.withoutEntriesBelow(logStartOffset);
    return deleted;
  }

  private int applyRetentionToChunks() {
    int deleted = 0;
    while (!chunks.isEmpty() && chunks.get(0).toOffset() <= logStartOffset && !chunks.get(0).isPinned()) {
      StreamChunkFile chunk = chunks.remove(0);
      deleteFile(chunk.path());
      closeLater(chunk);
      deleted++;
    }
    if (deleted > 0) {
      reader.invalidate();
    }
    return deleted;
  }

  /**
   * The adjacent chunk files the merge policy wants merged now, or an empty list. Size tiers: a
   * chunk's tier is log base {@code mergeFactor} of its entries per memtable; the newest run of
   * {@code mergeFactor} adjacent chunks in one tier is merged (each entry is rewritten about
   * log(n) times). If none and there are more than {@code maxChunkFiles} files, the adjacent window
   * with the fewest entries that brings the count back to the limit is merged. Corrupt files are never merged.
   */
  List<StreamChunkFile> mergeCandidates() {
    int count = chunks.size();
    int factor = options.mergeFactor();
    if (count < 2) {
      return List.of();
    }
    for (int end = count; end - factor >= 0; end--) {
      int tier = tierOf(chunks.get(end - 1));
      boolean sameTier = true;
      for (int i = end - factor; i < end && sameTier; i++) {
        sameTier = tierOf(chunks.get(i)) == tier && !chunks.get(i).isCorrupt();
      }
      if (sameTier) {
        return List.copyOf(chunks.subList(end - factor, end));
      }
    }
    if (count > options.maxChunkFiles()) {
      int window = count - options.maxChunkFiles() + 1;
      int bestStart = -1;
      long bestEntries = Long.MAX_VALUE;
      for (int start = 0; start + window <= count; start++) {
        long entries = 0;
        boolean usable = true;
        for (int i = start; i < start + window; i++) {
          entries += chunks.get(i).entryCount();
          usable &= !chunks.get(i).isCorrupt();
        }
        if (usable && entries < bestEntries && entries <= Integer.MAX_VALUE) {
          bestEntries = entries;
          bestStart = start;
        }
      }
      if (bestStart >= 0) {
        return List.copyOf(chunks.subList(bestStart, bestStart + window));
      }
    }
    return List.of();
  }

  private int tierOf(StreamChunkFile chunk) {
    long perMemtable = options.memtableMaxEntries();
    long size = chunk.entryCount();
    int tier = 0;
    long bound = perMemtable;
    while (size > bound && tier < Long.SIZE) {
      tier++;
      bound = bound > Long.MAX_VALUE / options.mergeFactor() ? Long.MAX_VALUE : bound * options.mergeFactor();
    }
    return tier;
  }

  /** Heap bytes held by the index: memtables, chunk meta sections, the block buffer. */
  public long memoryBytes() {
    long bytes = OBJECT_OVERHEAD_BYTES + reader.memoryBytes() + active.memoryBytes();
    for (Memtable memtable : frozen) {
      bytes += memtable.memoryBytes();
    }
    for (StreamChunkFile chunk : chunks) {
      bytes += chunk.memoryBytes();
    }
    return bytes;
  }

  /** Entries in the active memtable. */
  public int activeEntries() {
    return active.size();
  }

  /** Frozen memtables waiting to be written. */
  public int frozenMemtables() {
    return frozen.size();
  }

  /** Entries in frozen memtables. */
  public long frozenEntries() {
    long entries = 0;
    for (Memtable memtable : frozen) {
      entries += memtable.size();
    }
    return entries;
  }

  /** Chunk files in use. */
  public int chunkFiles() {
    return chunks.size();
  }

  /** Entries in chunk files. */
  public long chunkEntries() {
    long entries = 0;
    for (StreamChunkFile chunk : chunks) {
      entries += chunk.entryCount();
    }
    return entries;
  }

  /**
   * One chunk file as seen from outside: it covers offsets {@code [fromOffset, toOffsetExclusive)}
   * and holds {@code entries} entries.
   */
  public record ChunkRange(long fromOffset, long toOffsetExclusive, int entries) {
  }

  /** The chunk files in use, oldest first (for tests, metrics and tools). */
  public List<ChunkRange> chunkRanges() {
    List<ChunkRange> ranges = new ArrayList<>(chunks.size());
    for (StreamChunkFile chunk : chunks) {
      ranges.add(new ChunkRange(chunk.fromOffset(), chunk.toOffset(), chunk.entryCount()));
    }
    return ranges;
  }

  /** 4 KiB entry blocks read from chunk files so far. */
  public long blocksRead() {
    return reader.blocksRead();
  }

  /**
   * Closes the chunk files. Memtables that were not written are dropped: the next open re-feeds
   * them from the log (call {@link #writeMemtables} first after a flush of the log to avoid that).
   * Running jobs are cancelled unless their output already carries its final name (such a file is
   * complete and durable and is picked up at the next open). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    hurryJobs();
    synchronized (fileLock) {
      if (flushInFlight != null) {
        flushInFlight.cancelled = true;
      }
      if (mergeInFlight != null) {
        mergeInFlight.cancelled = true;
      }
    }
    for (StreamChunkFile chunk : chunks) {
      chunk.close();
    }
    chunks.clear();
    takeRetiredFiles().forEach(StreamChunkFile::closeQuietly);
    frozen.clear();
    active = null;
    reader.invalidate();
  }

  // ---- called by jobs on the worker thread ----

  StorageIo storageIo() {
    return options.storageIo();
  }

  /**
   * Gives a job's temporary file its final name unless the job was cancelled; a merge also deletes
   * its other inputs. Returns whether the rename happened.
   */
  boolean renameInto(StreamIndexJob job) {
    synchronized (fileLock) {
      if (job.cancelled) {
        return false;
      }
      try {
        StreamIndexJob.moveAtomically(job.temporary, job.target);
      } catch (IOException e) {
        throw new StorageException("cannot rename " + job.temporary + " to " + job.target + ": " + e, e);
      }
      job.renamed = true;
      if (job instanceof StreamIndexJob.Merge merge) {
        for (int i = 1; i < merge.inputs.size(); i++) {
          deleteFile(merge.inputs.get(i).path());
        }
      }
      return true;
    }
  }

  /** Fsyncs the partition directory so that renames and deletes survive a crash. */
  void syncDirectory() {
    try (FileChannel channel = options.storageIo().open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      throw new StorageException("cannot fsync directory " + directory + ": " + e, e);
    }
  }

  // ---- owner-thread helpers ----

  private Path temporaryFor(Path target) {
    return target.resolveSibling(target.getFileName() + "." + (++jobSequence) + TEMPORARY_SUFFIX);
  }

  private void ensureNotCorrupt(StreamChunkFile chunk) {
    if (chunk.isCorrupt()) {
      deleteCorrupt(chunk);
      throw new StorageException("stream index chunk " + chunk.path() + " is corrupt; it was deleted and is rebuilt "
          + "from the log when the partition is reopened");
    }
  }

  /** A chunk read failed: if a block CRC was wrong, the file is deleted so that the next open rebuilds it. */
  private StorageException handleReadFailure(StreamChunkFile chunk, StorageException failure) {
    reader.invalidate();
    if (chunk.isCorrupt()) {
      deleteCorrupt(chunk);
      return new StorageException(failure.getMessage() + "; the file was deleted and is rebuilt from the log when "
          + "the partition is reopened", failure);
    }
    return failure;
  }

  /** Deletes a corrupt chunk's file (the next open drops it and everything after, and re-feeds). */
  private void deleteCorrupt(StreamChunkFile chunk) {
    synchronized (fileLock) {
      StreamIndexJob.Merge merge = mergeInFlight;
      if (merge != null && merge.inputs.contains(chunk)) {
        merge.cancelled = true;
        if (merge.renamed) {
          deleteFile(merge.target);
        }
      }
      if (Files.exists(chunk.path())) {
        LOG.error("Deleting corrupt stream index chunk {}; reopen the partition to rebuild it from the log",
            chunk.path());
        deleteFile(chunk.path());
      }
    }
  }

  private void retire(StreamChunkFile chunk) {
    if (chunk.isPinned()) {
      chunk.retire();
    } else {
      closeLater(chunk);
    }
  }

  /**
   * Keeps a chunk file that left the index for {@link #takeRetiredFiles}, or closes it at once if the index
   * is already closed (owner).
   */
  private void closeLater(StreamChunkFile chunk) {
    if (closed) {
      chunk.close();
    } else {
      retiredFiles.add(chunk);
    }
  }

  private static void deleteFile(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete stream index file " + path, e);
    }
  }

  private static void closeIfPresent(StreamChunkFile chunk) {
    if (chunk != null) {
      chunk.close();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the stream index in " + directory + " is closed");
    }
  }
}
