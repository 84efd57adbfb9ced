package io.cairn.eventstore.internal.log;

import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own segment reader ({@code kafka-clients}, test scope only) is the oracle: it must read
 * our {@code .log} files as valid Kafka segments, and its timestamp search must agree with ours.
 */
class KafkaSegmentOracleTest {

  private static final long SEED = 20_240_917L;

  @TempDir
  Path tempDir;

  @Test
  void kafkaReadsOurSegmentFilesAndFindsTheSameOffsetsForTimestamps() throws IOException {
    // given: one segment of batches with random, partly decreasing record timestamps; Kafka reads the
    // active segment while it is open, so without preallocated zeros after its end
    Random random = new Random(SEED);
    Path dir = tempDir.resolve("oracle-0");
    List<long[]> timestamps = new ArrayList<>();
    TopicConfig config = new TopicConfig().setIndexIntervalBytes(300).setPreallocate(false);
    try (PartitionLog log = PartitionLog.open(dir, config, StorageIo.DEFAULT,
        () -> START_MS)) {
      for (int i = 0; i < 200; i++) {
        long[] recordTimestamps = new long[1 + random.nextInt(4)];
        for (int r = 0; r < recordTimestamps.length; r++) {
          recordTimestamps[r] = START_MS + random.nextInt(10_000);
        }
        timestamps.add(recordTimestamps);
        log.append(TestBatches.batch(log.logEndOffset(), recordTimestamps, random.nextInt(50)));
      }
      long end = log.logEndOffset();

      try (FileRecords kafka = FileRecords.open(SegmentFiles.logFile(dir, 0).toFile(), false)) {
        // then: Kafka sees every batch, valid, with dense offsets
        long next = 0;
        int batches = 0;
        for (FileChannelRecordBatch batch : kafka.batches()) {
          batch.ensureValid();
          assertThat(batch.baseOffset()).as("seed %d", SEED).isEqualTo(next);
          next = batch.lastOffset() + 1;
          batches++;
        }
        assertThat(batches).isEqualTo(200);
        assertThat(next).isEqualTo(end);

        // and: the first record at or after a time is the same for Kafka and for us
        for (int probe = 0; probe < 300; probe++) {
          long target = START_MS - 10 + random.nextInt(10_020);
          FileRecords.TimestampAndOffset expected = kafka.searchForTimestamp(target, 0, 0);
          long expectedOffset = expected == null ? end : expected.offset;
          assertThat(log.offsetForTimestamp(target)).as("seed %d, target %d", SEED, target).isEqualTo(expectedOffset);
        }
      }
    }
  }
}
