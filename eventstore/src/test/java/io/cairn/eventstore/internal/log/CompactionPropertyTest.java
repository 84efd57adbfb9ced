package io.cairn.eventstore.internal.log;

import static io.cairn.eventstore.internal.log.CompactionTestSupport.Rec;
import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CleanupPolicy;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Compaction law, against a model map: after any sequence of appends (Cairn-style batches of one
 * key, with tombstones and null keys) interleaved with compactions and reopenings, for every key
 * the last visible record has the last written value; a key whose last write is a tombstone is
 * either absent or ends in that tombstone (absent only once delete.retention.ms has passed); every
 * visible record is exactly what was written at its offset; null-key records all survive.
 * jqwik prints the seed of a failure.
 */
class CompactionPropertyTest {

  @Property(tries = 30)
  void afterCompactionEveryKeyShowsItsLastWrittenValue(@ForAll Random random) throws IOException {
    Path root = Files.createTempDirectory("cairn-compaction-property");
    try (RecordBatchBuilder builder = new RecordBatchBuilder()) {
      check(random, root.resolve("prop-0"), builder);
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static void check(Random random, Path dir, RecordBatchBuilder builder) throws IOException {
    var config = CompactionTestSupport.compactConfig(1024 + random.nextInt(2048));
    long deleteRetentionMs = random.nextInt(3) == 0 ? 0 : 1_000;
    CompressionType compression = CompressionType.values()[random.nextInt(CompressionType.values().length)];
    int keys = 1 + random.nextInt(20);
    Map<Long, Rec> byOffset = new HashMap<>();
    Map<String, Rec> model = new HashMap<>();
    List<Rec> nullKeyed = new ArrayList<>();
    long nowMs = START_MS;
    PartitionLog log = PartitionLog.open(dir, config, StorageIo.DEFAULT, () -> START_MS);
    try {
      int steps = 50 + random.nextInt(250);
      for (int step = 0; step < steps; step++) {
        nowMs += random.nextInt(200);
        int action = random.nextInt(40);
        if (action == 0) {
          CompactionTestSupport.compact(log, nowMs, deleteRetentionMs);
          continue;
        }
        if (action == 1) {
          log.close();
          log = PartitionLog.open(dir, config, StorageIo.DEFAULT, () -> START_MS);
          continue;
        }
        String key = random.nextInt(15) == 0 ? null : "key-" + random.nextInt(keys);
        int count = 1 + random.nextInt(3);
        String[] batchKeys = new String[count];
        String[] values = new String[count];
        for (int r = 0; r < count; r++) {
          batchKeys[r] = key;
          values[r] = random.nextInt(6) == 0 ? null : "v" + step + "." + r + "x".repeat(random.nextInt(40));
        }
        for (Rec rec : CompactionTestSupport.append(log, builder, compression, nowMs, batchKeys, values)) {
          byOffset.put(rec.offset(), rec);
          if (rec.key() == null) {
            nullKeyed.add(rec);
          } else {
            model.put(rec.key(), rec);
          }
        }
      }
      CompactionTestSupport.compact(log, nowMs, deleteRetentionMs);

      List<Rec> visible = CompactionTestSupport.readAll(log);
      for (Rec rec : visible) {
        assertThat(rec).as("record at offset %d", rec.offset()).isEqualTo(byOffset.get(rec.offset()));
      }
      assertThat(visible.stream().filter(r -> r.key() == null).toList()).isEqualTo(nullKeyed);
      Map<String, Rec> lastVisible = CompactionTestSupport.lastPerKey(visible);
      for (Map.Entry<String, Rec> entry : model.entrySet()) {
        Rec last = entry.getValue();
        Rec seen = lastVisible.get(entry.getKey());
        if (last.value() != null) {
          assertThat(seen).as("key %s", entry.getKey()).isEqualTo(last);
        } else if (seen != null) {
          assertThat(seen).as("tombstoned key %s", entry.getKey()).isEqualTo(last);
        } else {
          assertThat(last.timestampMs()).as("tombstone of %s removed before its retention", entry.getKey())
              .isLessThan(nowMs - deleteRetentionMs);
        }
      }
    } finally {
      log.close();
    }
    CompactionTestSupport.writeTopicMeta(dir.getParent(), "prop", CleanupPolicy.COMPACT);
    assertThat(LogVerifier.verify(dir.getParent()).problems()).isEmpty();
  }
}
