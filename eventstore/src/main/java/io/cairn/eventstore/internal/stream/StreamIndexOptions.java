package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.spi.StorageIo;
import java.util.Objects;

/**
 * Settings of one partition's {@link StreamIndex}. Options style: defaults as named constants,
 * fluent setters that validate and name the setting in their error, a copy constructor. Not
 * thread-safe; an index copies its options when it opens.
 */
public final class StreamIndexOptions {

  public static final String MEMTABLE_MAX_ENTRIES = StoreOptions.STREAM_INDEX_MEMTABLE_ENTRIES;
  public static final String MAX_CHUNK_FILES = "stream.index.max.chunk.files";
  public static final String MERGE_FACTOR = "stream.index.merge.factor";
  public static final String BLOOM_BITS_PER_KEY = "stream.index.bloom.bits.per.key";
  public static final String MAX_FROZEN_MEMTABLES = "stream.index.max.frozen.memtables";
  public static final String JOB_CPU_SHARE = "stream.index.job.cpu.share";

  /** Entries in the in-memory table before it is frozen and written to a chunk file. */
  public static final int DEFAULT_MEMTABLE_MAX_ENTRIES = StoreOptions.DEFAULT_STREAM_INDEX_MEMTABLE_ENTRIES;
  /** Chunk files above which a merge is forced even when the size tiers do not ask for one. */
  public static final int DEFAULT_MAX_CHUNK_FILES = 8;
  /** Adjacent chunks of one size tier that are merged into one. */
  public static final int DEFAULT_MERGE_FACTOR = 4;
  /** Bloom filter bits per distinct hash: 10 bits give about 1% false positives. */
  public static final int DEFAULT_BLOOM_BITS_PER_KEY = 10;
  /** Frozen memtables waiting to be written before the active one stops freezing and keeps growing. */
  public static final int DEFAULT_MAX_FROZEN_MEMTABLES = 2;
  /**
   * Share of one CPU a flush or merge takes while nothing waits for it (ADR 0013): a job then takes four
   * times as long beside the appends instead of a whole vCPU for its own duration.
   */
  public static final double DEFAULT_JOB_CPU_SHARE = 0.25;

  /**
   * Whether open reads every entry block to check its CRC. On by default: a damaged file is then
   * dropped and rebuilt at open instead of failing a lookup later. Costs one sequential read of the
   * files (measured: about 0.2-0.35 s for 10 M entries with a warm page cache).
   */
  public static final boolean DEFAULT_VERIFY_ENTRIES_ON_OPEN = true;

  static final int MIN_MEMTABLE_MAX_ENTRIES = 16;
  static final int MAX_MEMTABLE_MAX_ENTRIES = 1 << 28;
  static final int MIN_MAX_CHUNK_FILES = 2;
  static final int MIN_MERGE_FACTOR = 2;
  static final int MIN_BLOOM_BITS_PER_KEY = 1;
  static final int MAX_BLOOM_BITS_PER_KEY = 64;
  static final int MIN_MAX_FROZEN_MEMTABLES = 1;

  private int memtableMaxEntries = DEFAULT_MEMTABLE_MAX_ENTRIES;
  private int maxChunkFiles = DEFAULT_MAX_CHUNK_FILES;
  private int mergeFactor = DEFAULT_MERGE_FACTOR;
  private int bloomBitsPerKey = DEFAULT_BLOOM_BITS_PER_KEY;
  private int maxFrozenMemtables = DEFAULT_MAX_FROZEN_MEMTABLES;
  private JobCpuBudget jobCpuBudget = new JobCpuBudget(DEFAULT_JOB_CPU_SHARE);
  private boolean verifyEntriesOnOpen = DEFAULT_VERIFY_ENTRIES_ON_OPEN;
  private StorageIo storageIo = StorageIo.DEFAULT;

  /** Options with every default. */
  public StreamIndexOptions() {
  }

  /** A copy of {@code other}. */
  public StreamIndexOptions(StreamIndexOptions other) {
    this.memtableMaxEntries = other.memtableMaxEntries;
    this.maxChunkFiles = other.maxChunkFiles;
    this.mergeFactor = other.mergeFactor;
    this.bloomBitsPerKey = other.bloomBitsPerKey;
    this.maxFrozenMemtables = other.maxFrozenMemtables;
    this.jobCpuBudget = other.jobCpuBudget;
    this.verifyEntriesOnOpen = other.verifyEntriesOnOpen;
    this.storageIo = other.storageIo;
  }

  /** Entries the active memtable holds before {@link StreamIndex#add} freezes it. */
  public int memtableMaxEntries() {
    return memtableMaxEntries;
  }

  /** Sets {@link #memtableMaxEntries()}; between 16 and 2^28. */
  public StreamIndexOptions setMemtableMaxEntries(int memtableMaxEntries) {
    ensureBetween(MEMTABLE_MAX_ENTRIES, memtableMaxEntries, MIN_MEMTABLE_MAX_ENTRIES, MAX_MEMTABLE_MAX_ENTRIES);
    this.memtableMaxEntries = memtableMaxEntries;
    return this;
  }

  /** Chunk files above which {@link StreamIndex#nextJob} proposes a merge whatever the tiers say. */
  public int maxChunkFiles() {
    return maxChunkFiles;
  }

  /** Sets {@link #maxChunkFiles()}; at least 2. */
  public StreamIndexOptions setMaxChunkFiles(int maxChunkFiles) {
    ensureBetween(MAX_CHUNK_FILES, maxChunkFiles, MIN_MAX_CHUNK_FILES, Integer.MAX_VALUE);
    this.maxChunkFiles = maxChunkFiles;
    return this;
  }

  /** Adjacent chunks of the same size tier merged together. */
  public int mergeFactor() {
    return mergeFactor;
  }

  /** Sets {@link #mergeFactor()}; at least 2. */
  public StreamIndexOptions setMergeFactor(int mergeFactor) {
    ensureBetween(MERGE_FACTOR, mergeFactor, MIN_MERGE_FACTOR, Integer.MAX_VALUE);
    this.mergeFactor = mergeFactor;
    return this;
  }

  /** Bloom filter bits per distinct hash in a chunk file. */
  public int bloomBitsPerKey() {
    return bloomBitsPerKey;
  }

  /** Sets {@link #bloomBitsPerKey()}; between 1 and 64. */
  public StreamIndexOptions setBloomBitsPerKey(int bloomBitsPerKey) {
    ensureBetween(BLOOM_BITS_PER_KEY, bloomBitsPerKey, MIN_BLOOM_BITS_PER_KEY, MAX_BLOOM_BITS_PER_KEY);
    this.bloomBitsPerKey = bloomBitsPerKey;
    return this;
  }

  /**
   * Frozen memtables allowed to wait for their chunk file. While that many wait, a full active
   * memtable is not frozen and keeps growing (memory stays visible in {@link StreamIndex#memoryBytes()}).
   */
  public int maxFrozenMemtables() {
    return maxFrozenMemtables;
  }

  /** Sets {@link #maxFrozenMemtables()}; at least 1. */
  public StreamIndexOptions setMaxFrozenMemtables(int maxFrozenMemtables) {
    ensureBetween(MAX_FROZEN_MEMTABLES, maxFrozenMemtables, MIN_MAX_FROZEN_MEMTABLES, Integer.MAX_VALUE);
    this.maxFrozenMemtables = maxFrozenMemtables;
    return this;
  }

  /**
   * Share of one CPU, in (0, 1], that the flush and merge jobs of {@link #jobCpuBudget()} take together while
   * nothing waits for them; 1 runs them flat out. A flush is hurried (runs flat out) once another memtable
   * freezes behind it, and every job once the index is closed or truncated.
   */
  public double jobCpuShare() {
    return jobCpuBudget.share();
  }

  /**
   * Sets {@link #jobCpuShare()}, greater than 0 and at most 1, as a budget of these options' own (shared with their
   * copies, not with other options).
   */
  public StreamIndexOptions setJobCpuShare(double jobCpuShare) {
    this.jobCpuBudget = new JobCpuBudget(jobCpuShare);
    return this;
  }

  /**
   * The budget the index's paced jobs take their share of one CPU from (ADR 0013). By default a budget of
   * {@link #DEFAULT_JOB_CPU_SHARE} of these options' own; a store gives all its partitions one budget.
   */
  public JobCpuBudget jobCpuBudget() {
    return jobCpuBudget;
  }

  /** Sets {@link #jobCpuBudget()}, to share one budget between the indexes of several partitions. */
  public StreamIndexOptions setJobCpuBudget(JobCpuBudget jobCpuBudget) {
    this.jobCpuBudget = Objects.requireNonNull(jobCpuBudget, "jobCpuBudget");
    return this;
  }

  /**
   * Whether {@link StreamIndex#open} checks the CRC and order of every entry block (reads whole
   * files) besides the header and meta section. When off, a damaged block is only found when a
   * lookup reads it: that lookup fails and the file is deleted, to be rebuilt at the next open.
   */
  public boolean verifyEntriesOnOpen() {
    return verifyEntriesOnOpen;
  }

  /** Sets {@link #verifyEntriesOnOpen()}. */
  public StreamIndexOptions setVerifyEntriesOnOpen(boolean verifyEntriesOnOpen) {
    this.verifyEntriesOnOpen = verifyEntriesOnOpen;
    return this;
  }

  /** How chunk files are opened; fault-injection tests wrap it. */
  public StorageIo storageIo() {
    return storageIo;
  }

  /** Sets {@link #storageIo()}. */
  public StreamIndexOptions setStorageIo(StorageIo storageIo) {
    this.storageIo = Objects.requireNonNull(storageIo, "storageIo");
    return this;
  }

  private static void ensureBetween(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new InvalidInputException(name, value, "must be between " + min + " and " + max);
    }
  }
}
