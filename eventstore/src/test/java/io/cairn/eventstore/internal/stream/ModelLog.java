package io.cairn.eventstore.internal.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A reference model of a partition log for stream-index tests: batches of one aggregate each,
 * dense offsets, versions counted per aggregate, truncation and retention. It plays the caller's
 * part: it feeds the index and, like the real caller, resolves a candidate entry to its record key.
 * The hash of a key is given by a function so that tests can force collisions.
 */
final class ModelLog {

  /** One batch: {@code count} events of {@code key} with versions from {@code firstVersion}. */
  record Batch(String key, long hash, long firstVersion, int count, long baseOffset, int position) {

    long endVersion() {
      return firstVersion + count;
    }

    StreamIndexEntry entry() {
      return new StreamIndexEntry(hash, firstVersion, count, baseOffset, position);
    }
  }

  /** Hash function under test: real XXH64 or a deliberately colliding one. */
  interface KeyHasher {
    long hash(String key);
  }

  private final KeyHasher hasher;
  private final TreeMap<Long, Batch> byOffset = new TreeMap<>();
  private long logStartOffset;
  private long logEndOffset;

  ModelLog(KeyHasher hasher) {
    this.hasher = hasher;
  }

  static ModelLog withRealHashes() {
    return new ModelLog(StreamHash::hash64);
  }

  long logStartOffset() {
    return logStartOffset;
  }

  long logEndOffset() {
    return logEndOffset;
  }

  long hash(String key) {
    return hasher.hash(key);
  }

  /** Appends a batch of {@code count} events of {@code key} and feeds it to {@code index}. */
  Batch append(StreamIndex index, String key, int count) {
    Batch batch = appendToLogOnly(key, count);
    index.add(batch.hash(), batch.firstVersion(), batch.count(), batch.baseOffset(), batch.position());
    return batch;
  }

  /** Appends a batch without telling the index (the index lags, as after a crash). */
  Batch appendToLogOnly(String key, int count) {
    long version = currentVersion(key);
    // positions are fake but distinct, so a stale entry never matches a new batch by accident
    int position = (int) (logEndOffset * 7 + 3);
    Batch batch = new Batch(key, hasher.hash(key), version + 1, count, logEndOffset, position);
    byOffset.put(logEndOffset, batch);
    logEndOffset += count;
    return batch;
  }

  /** Version of {@code key} = its number of events in the log (including those below the start). */
  long currentVersion(String key) {
    long version = 0;
    for (Batch batch : byOffset.values()) {
      if (batch.key().equals(key)) {
        version = batch.endVersion() - 1;
      }
    }
    return version;
  }

  /** Feeds every batch at or after {@code fromOffset} to {@code index}. */
  void refeed(StreamIndex index, long fromOffset) {
    for (Batch batch : byOffset.tailMap(fromOffset, true).values()) {
      index.add(batch.hash(), batch.firstVersion(), batch.count(), batch.baseOffset(), batch.position());
    }
    if (index.indexedUpToOffset() < logEndOffset) {
      index.advanceTo(logEndOffset);
    }
  }

  /** Drops the batches at and after {@code offset} (a batch boundary). */
  void truncateTo(long offset) {
    byOffset.tailMap(offset, true).clear();
    logEndOffset = offset;
  }

  /** Moves the log start to {@code offset} (a batch boundary). */
  void advanceStart(long offset) {
    logStartOffset = offset;
  }

  /** Batch boundaries in [from, to]. */
  List<Long> boundaries(long fromInclusive, long toInclusive) {
    List<Long> offsets = new ArrayList<>(byOffset.subMap(fromInclusive, true, toInclusive, true).keySet());
    if (logEndOffset >= fromInclusive && logEndOffset <= toInclusive) {
      offsets.add(logEndOffset);
    }
    return offsets;
  }

  List<String> keys() {
    Map<String, Boolean> keys = new HashMap<>();
    for (Batch batch : byOffset.values()) {
      keys.put(batch.key(), true);
    }
    return new ArrayList<>(keys.keySet());
  }

  /** The batch the caller would find at {@code baseOffset}, as the record key check does. */
  Optional<Batch> batchAt(long baseOffset) {
    return Optional.ofNullable(byOffset.get(baseOffset));
  }

  /** What a correct find must yield for {@code key} once foreign and below-start entries are skipped. */
  List<StreamIndexEntry> expectedFind(String key, long fromVersion, int maxEvents) {
    long from = Math.max(1, fromVersion);
    long to = from + maxEvents;
    List<StreamIndexEntry> expected = new ArrayList<>();
    for (Batch batch : byOffset.tailMap(logStartOffset, true).values()) {
      if (batch.key().equals(key) && batch.firstVersion() < to && batch.endVersion() > from) {
        expected.add(batch.entry());
      }
    }
    return expected;
  }

  /**
   * Resolves lookup results like the caller: every entry MUST be a batch of the log (same offset,
   * version, position), otherwise the index returned a stale entry; keeps those of {@code key} at
   * or above the log start.
   */
  List<StreamIndexEntry> resolve(String key, List<StreamIndexEntry> candidates) {
    List<StreamIndexEntry> resolved = new ArrayList<>();
    for (StreamIndexEntry candidate : candidates) {
      Batch batch = byOffset.get(candidate.baseOffset());
      if (batch == null || !batch.entry().equals(candidate)) {
        if (candidate.baseOffset() < logStartOffset && batch == null) {
          continue;
        }
        throw new AssertionError("stale or unknown entry " + candidate + " (log has " + batch + ")");
      }
      if (batch.key().equals(key) && batch.baseOffset() >= logStartOffset) {
        resolved.add(candidate);
      }
    }
    return resolved;
  }

  /** The newest batch of {@code key} in the log, if it has one at or above the start. */
  Optional<Batch> newest(String key) {
    Batch newest = null;
    for (Batch batch : byOffset.values()) {
      if (batch.key().equals(key)) {
        newest = batch;
      }
    }
    return newest == null || newest.baseOffset() < logStartOffset ? Optional.empty() : Optional.of(newest);
  }
}
