package io.cairn.eventstore.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Helpers of the compaction tests: keyed batches, a full read that follows offset gaps, a model. */
final class CompactionTestSupport {

  private CompactionTestSupport() {
  }

  /** One record as written or read: its offset, key (null = none) and value (null = tombstone). */
  record Rec(long offset, String key, String value, long timestampMs) {
  }

  /** A compacted-topic config with small segments. */
  static TopicConfig compactConfig(int segmentBytes) {
    return new TopicConfig().setCleanupPolicy(CleanupPolicy.COMPACT).setSegmentBytes(segmentBytes)
        .setIndexIntervalBytes(256);
  }

  /** Writes {@code <dataDir>/meta/topics/<topic>.properties} with the given policy, as the registry does. */
  static void writeTopicMeta(Path dataDir, String topic, CleanupPolicy policy) throws IOException {
    Path dir = dataDir.resolve("meta").resolve("topics");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(topic + ".properties"), "cleanup.policy=" + policy.configName() + "\n");
  }

  /** Appends one batch whose records have the given keys and values (null = null) at {@code timestampMs}. */
  static List<Rec> append(PartitionLog log, RecordBatchBuilder builder, CompressionType compression, long timestampMs,
                          String[] keys, String[] values) {
    long base = log.logEndOffset();
    builder.reset(base, 0, compression, BatchHeader.NO_PRODUCER_ID, BatchHeader.NO_PRODUCER_EPOCH,
        BatchHeader.NO_SEQUENCE, timestampMs);
    List<Rec> written = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      builder.addRecord(timestampMs, bytes(keys[i]), bytes(values[i]), List.of());
      written.add(new Rec(base + i, keys[i], values[i], timestampMs));
    }
    log.append(builder.build());
    return written;
  }

  /** Appends one single-record batch. */
  static Rec append(PartitionLog log, RecordBatchBuilder builder, long timestampMs, String key, String value) {
    return append(log, builder, CompressionType.NONE, timestampMs, new String[] {key}, new String[] {value}).get(0);
  }

  private static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads every record of the log through {@link PartitionLog#readBatches}, following gaps;
   * checks CRCs, that batch offsets strictly increase, and that record offsets strictly increase.
   */
  static List<Rec> readAll(PartitionLog log) {
    List<Rec> records = new ArrayList<>();
    long next = log.logStartOffset();
    long previousLast = -1;
    try (RecordBatchReader reader = new RecordBatchReader()) {
      while (next < log.logEndOffset()) {
        ByteBuffer batches = log.readBatches(next, 4096, Long.MAX_VALUE);
        if (batches.remaining() == 0) {
          break;
        }
        int at = 0;
        while (at < batches.limit()) {
          long base = BatchHeader.baseOffset(batches, at);
          assertThat(base).as("batch base offset after last offset %d", previousLast).isGreaterThan(previousLast);
          reader.reset(batches, at, true);
          while (reader.next()) {
            assertThat(reader.offset()).isGreaterThan(records.isEmpty() ? -1 : records.get(records.size() - 1).offset());
            records.add(new Rec(reader.offset(), reader.keyAsString().orElse(null),
                reader.value().map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null), reader.timestampMs()));
          }
          previousLast = BatchHeader.lastOffset(batches, at);
          next = previousLast + 1;
          at += BatchHeader.sizeInBytes(batches, at);
        }
      }
    }
    return records;
  }

  /** The last record per key (null keys ignored). */
  static Map<String, Rec> lastPerKey(List<Rec> records) {
    Map<String, Rec> last = new HashMap<>();
    for (Rec rec : records) {
      if (rec.key() != null) {
        last.put(rec.key(), rec);
      }
    }
    return last;
  }

  /** Plans, runs and installs one compaction; empty if there was nothing to do. */
  static Optional<CompactionResult> compact(PartitionLog log, long nowMs, long deleteRetentionMs) {
    Optional<CompactionJob> job = log.prepareCompaction(nowMs, deleteRetentionMs);
    if (job.isEmpty()) {
      return Optional.empty();
    }
    job.get().run();
    return Optional.of(log.installCompaction(job.get()));
  }
}
