package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import io.cairn.eventstore.internal.stream.StreamHash;
import io.cairn.eventstore.internal.stream.StreamIndex;
import java.util.Arrays;

/**
 * The runs of one record batch: maximal sequences of records of one aggregate with consecutive offsets
 * and consecutive stream versions. Each run is one stream-index entry (ADR 0007): an appended batch is
 * one run; a produced batch holding aggregates A B A C is four. Records without a key or a version
 * belong to no run.
 *
 * <p>Reused batch after batch: primitive arrays that only grow. Not thread-safe: one thread (the
 * partition owner, or the disk thread that re-feeds the index at open).
 */
final class StreamRuns {

  private static final int INITIAL_RUNS = 16;
  private static final int INITIAL_KEY_BYTES = 64;

  private long[] hashes = new long[INITIAL_RUNS];
  private long[] firstVersions = new long[INITIAL_RUNS];
  private long[] baseOffsets = new long[INITIAL_RUNS];
  private int[] counts = new int[INITIAL_RUNS];
  private int size;
  /** Key of the last run, for {@link #collect}. */
  private byte[] lastKey = new byte[INITIAL_KEY_BYTES];
  private int lastKeyLength;

  /** Forgets every run. */
  void clear() {
    size = 0;
  }

  /** Number of runs. */
  int size() {
    return size;
  }

  long hash(int run) {
    return hashes[run];
  }

  long firstVersion(int run) {
    return firstVersions[run];
  }

  long baseOffset(int run) {
    return baseOffsets[run];
  }

  int count(int run) {
    return counts[run];
  }

  /** Starts a run of one record. */
  void start(long hash, long firstVersion, long baseOffset) {
    if (size == hashes.length) {
      int capacity = 2 * size;
      hashes = Arrays.copyOf(hashes, capacity);
      firstVersions = Arrays.copyOf(firstVersions, capacity);
      baseOffsets = Arrays.copyOf(baseOffsets, capacity);
      counts = Arrays.copyOf(counts, capacity);
    }
    hashes[size] = hash;
    firstVersions[size] = firstVersion;
    baseOffsets[size] = baseOffset;
    counts[size] = 1;
    size++;
  }

  /** Adds the next record (next offset, next version) to the last run. */
  void extendLast() {
    counts[size - 1]++;
  }

  /**
   * Collects the runs of the stored batch {@code reader} was reset to (the re-feed of a batch at open,
   * and the index rebuild). A batch Cairn wrote gives the records of one aggregate consecutive versions
   * in record order, so when its first and last records have the same key and versions exactly
   * {@code recordsCount - 1} apart, every record is that aggregate's: one run, found by reading two
   * records and skipping the length prefixes in between ({@link RecordBatchReader#skipRecords}). Every
   * appended batch takes that path; other batches are read record by record. Allocates only when a key
   * is longer than any before.
   */
  void collect(RecordBatchReader reader) {
    clear();
    int records = reader.recordsCount();
    if (!reader.next()) {
      return;
    }
    long firstVersion = EventHeaders.version(reader);
    int keyLength = reader.keyLength();
    if (records > 1 && keyLength >= 0 && firstVersion >= 1) {
      long firstOffset = reader.offset();
      rememberKey(reader, keyLength);
      reader.skipRecords(records - 2);
      if (reader.next() && reader.keyEquals(lastKey, 0, lastKeyLength)
          && EventHeaders.version(reader) == firstVersion + records - 1
          && reader.offset() == firstOffset + records - 1) {
        start(StreamHash.hash64(lastKey, 0, lastKeyLength, StreamHash.SEED), firstVersion, firstOffset);
        counts[0] = records;
        return;
      }
      reader.rewind(); // several runs: read again, record by record
      reader.next();
    }
    collectEach(reader);
  }

  /** Collects runs record by record, from the record {@code reader} is on to the end of the batch. */
  private void collectEach(RecordBatchReader reader) {
    boolean extendable = false;
    do {
      long version = EventHeaders.version(reader);
      int keyLength = reader.keyLength();
      if (keyLength < 0 || version < 1) {
        extendable = false;
        continue;
      }
      long offset = reader.offset();
      int last = size - 1;
      if (extendable && offset == baseOffsets[last] + counts[last] && version == firstVersions[last] + counts[last]
          && reader.keyEquals(lastKey, 0, lastKeyLength)) {
        counts[last]++;
      } else {
        rememberKey(reader, keyLength);
        start(StreamHash.hash64(lastKey, 0, keyLength, StreamHash.SEED), version, offset);
      }
      extendable = true;
    } while (reader.next());
  }

  private void rememberKey(RecordBatchReader reader, int keyLength) {
    if (keyLength > lastKey.length) {
      lastKey = new byte[Math.max(keyLength, 2 * lastKey.length)];
    }
    reader.copyKey(lastKey, 0);
    lastKeyLength = keyLength;
  }

  /**
   * Feeds the runs that start at or after {@code fromOffset} to {@code index}, all in the batch at byte
   * {@code position} of its segment (runs below were indexed before; see {@link StreamIndex#add}).
   */
  void addTo(StreamIndex index, int position, long fromOffset) {
    index.prefetch(hashes, size);
    for (int run = 0; run < size; run++) {
      if (baseOffsets[run] >= fromOffset) {
        index.add(hashes[run], firstVersions[run], counts[run], baseOffsets[run], position);
      }
    }
  }

  /**
   * The first version of the batch for the producer state: the run's when the batch of {@code records}
   * records is that one run (one aggregate, as every append), else -1 (several streams or none).
   */
  long firstVersionIfOneRun(int records) {
    return size == 1 && counts[0] == records ? firstVersions[0] : -1;
  }

  /** The last version of the batch if it is one run (see {@link #firstVersionIfOneRun}), else -1. */
  long lastVersionIfOneRun(int records) {
    return size == 1 && counts[0] == records ? firstVersions[0] + counts[0] - 1 : -1;
  }
}
