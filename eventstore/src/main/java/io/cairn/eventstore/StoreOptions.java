package io.cairn.eventstore;

import static io.cairn.eventstore.SettingValues.ensureAtLeast;

import io.cairn.eventstore.spi.StorageIo;
import io.cairn.eventstore.spi.StoreObserver;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Options of a local store. Options style: defaults as named constants, fluent setters that
 * validate, a copy constructor.
 */
public final class StoreOptions {

  public static final String DATA_DIR = "data.dir";
  public static final String STREAM_CACHE_ENTRIES = "stream.cache.entries";
  public static final String STREAM_INDEX_MEMTABLE_ENTRIES = "stream.index.memtable.entries";
  public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
  public static final String PAGE_CACHE_FLUSH_INTERVAL_MS = "flush.interval.ms";
  public static final String PAGE_CACHE_FLUSH_BYTES = "flush.interval.bytes";

  /** Aggregates whose version is cached per partition for the append path. */
  public static final int DEFAULT_STREAM_CACHE_ENTRIES = 100_000;
  /** Stream-index entries kept in memory per partition before they are written to a sorted file. */
  public static final int DEFAULT_STREAM_INDEX_MEMTABLE_ENTRIES = 1_000_000;
  public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 5 * 60 * 1000;
  /** How often page-cache mode fsyncs in the background at the latest. */
  public static final long DEFAULT_PAGE_CACHE_FLUSH_INTERVAL_MS = 1000;
  /**
   * Bytes appended after which page-cache mode fsyncs without waiting for its interval: 4 MiB, a fraction of a
   * second at network rates, so that no single fsync writes back tens of megabytes (docs/benchmarks.md).
   */
  public static final long DEFAULT_PAGE_CACHE_FLUSH_BYTES = 4L * 1024 * 1024;

  private Path dataDir;
  private int streamCacheEntries = DEFAULT_STREAM_CACHE_ENTRIES;
  private int streamIndexMemtableEntries = DEFAULT_STREAM_INDEX_MEMTABLE_ENTRIES;
  private long retentionCheckIntervalMs = DEFAULT_RETENTION_CHECK_INTERVAL_MS;
  private long pageCacheFlushIntervalMs = DEFAULT_PAGE_CACHE_FLUSH_INTERVAL_MS;
  private long pageCacheFlushBytes = DEFAULT_PAGE_CACHE_FLUSH_BYTES;
  private StorageIo storageIo = StorageIo.DEFAULT;
  private StoreObserver observer = StoreObserver.NONE;

  public StoreOptions() {
  }

  public StoreOptions(StoreOptions other) {
    this.dataDir = other.dataDir;
    this.streamCacheEntries = other.streamCacheEntries;
    this.streamIndexMemtableEntries = other.streamIndexMemtableEntries;
    this.retentionCheckIntervalMs = other.retentionCheckIntervalMs;
    this.pageCacheFlushIntervalMs = other.pageCacheFlushIntervalMs;
    this.pageCacheFlushBytes = other.pageCacheFlushBytes;
    this.storageIo = other.storageIo;
    this.observer = other.observer;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The directory holding all topics; created if missing. Required. */
  public StoreOptions setDataDir(Path dataDir) {
    this.dataDir = Objects.requireNonNull(dataDir, DATA_DIR);
    return this;
  }

  public int streamCacheEntries() {
    return streamCacheEntries;
  }

  public StoreOptions setStreamCacheEntries(int streamCacheEntries) {
    ensureAtLeast(STREAM_CACHE_ENTRIES, streamCacheEntries, 16);
    this.streamCacheEntries = streamCacheEntries;
    return this;
  }

  public int streamIndexMemtableEntries() {
    return streamIndexMemtableEntries;
  }

  public StoreOptions setStreamIndexMemtableEntries(int streamIndexMemtableEntries) {
    ensureAtLeast(STREAM_INDEX_MEMTABLE_ENTRIES, streamIndexMemtableEntries, 16);
    this.streamIndexMemtableEntries = streamIndexMemtableEntries;
    return this;
  }

  public long retentionCheckIntervalMs() {
    return retentionCheckIntervalMs;
  }

  public StoreOptions setRetentionCheckIntervalMs(long retentionCheckIntervalMs) {
    ensureAtLeast(RETENTION_CHECK_INTERVAL_MS, retentionCheckIntervalMs, 10);
    this.retentionCheckIntervalMs = retentionCheckIntervalMs;
    return this;
  }

  public long pageCacheFlushIntervalMs() {
    return pageCacheFlushIntervalMs;
  }

  /**
   * Longest time an append to a {@link FlushMode#PAGE_CACHE} topic stays in the page cache before a background
   * fsync covers it (what a machine crash can lose), at least 1 ms; a checkpoint of the recovery point comes
   * with one of these flushes at most once a second.
   */
  public StoreOptions setPageCacheFlushIntervalMs(long pageCacheFlushIntervalMs) {
    ensureAtLeast(PAGE_CACHE_FLUSH_INTERVAL_MS, pageCacheFlushIntervalMs, 1);
    this.pageCacheFlushIntervalMs = pageCacheFlushIntervalMs;
    return this;
  }

  public long pageCacheFlushBytes() {
    return pageCacheFlushBytes;
  }

  /**
   * Bytes appended to a {@link FlushMode#PAGE_CACHE} partition after which it fsyncs in the background before
   * its interval is up, at least 4096; spreads the write-back over many small fsyncs.
   */
  public StoreOptions setPageCacheFlushBytes(long pageCacheFlushBytes) {
    ensureAtLeast(PAGE_CACHE_FLUSH_BYTES, pageCacheFlushBytes, 4096);
    this.pageCacheFlushBytes = pageCacheFlushBytes;
    return this;
  }

  public StorageIo storageIo() {
    return storageIo;
  }

  /** How files are opened; tests inject disk faults here. Defaults to {@link StorageIo#DEFAULT}. */
  public StoreOptions setStorageIo(StorageIo storageIo) {
    this.storageIo = Objects.requireNonNull(storageIo, "storageIo");
    return this;
  }

  public StoreObserver observer() {
    return observer;
  }

  /**
   * Hears what the store's disk work costs (fsync durations), for metrics; defaults to
   * {@link StoreObserver#NONE}. Not a setting with a name: it is code, given by whoever opens the store.
   */
  public StoreOptions setObserver(StoreObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
    return this;
  }

  /** Checks that every required option is set. */
  public StoreOptions validate() {
    if (dataDir == null) {
      throw new InvalidInputException(DATA_DIR, null, "is required");
    }
    return this;
  }
}
