package io.cairn.eventstore.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.record.BatchHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;

/** Shared helpers of the partition-log tests. */
final class LogTestSupport {

  /** A wall-clock start far from zero so that ages and retention are realistic. */
  static final long START_MS = 1_700_000_000_000L;

  private LogTestSupport() {
  }

  /** A config with small segments and a dense offset index, suited to tests. */
  static TopicConfig smallSegments(int segmentBytes) {
    return new TopicConfig().setSegmentBytes(segmentBytes).setIndexIntervalBytes(256);
  }

  /** Appends one batch of {@code records} records with values of {@code valueBytes} at {@code timestampMs}. */
  static LogAppendInfo append(PartitionLog log, int records, int valueBytes, long timestampMs) {
    return log.append(TestBatches.batch(log.logEndOffset(), records, timestampMs, valueBytes));
  }

  /** Appends {@code count} batches of one 60-byte record each. */
  static List<LogAppendInfo> appendBatches(PartitionLog log, int count) {
    List<LogAppendInfo> infos = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      infos.add(append(log, 1, 60, START_MS + log.logEndOffset()));
    }
    return infos;
  }

  /** Bytes of the batches in {@code infos} that went to the segment starting at {@code segmentBaseOffset}. */
  static long dataBytes(List<LogAppendInfo> infos, long segmentBaseOffset) {
    return infos.stream().filter(i -> i.segmentBaseOffset() == segmentBaseOffset)
        .mapToLong(LogAppendInfo::sizeInBytes).sum();
  }

  /**
   * Checks that every segment file of {@code dir} ends at its last batch (the sizes that {@code infos} give) and
   * that Kafka's own reader finds valid batches in it; returns the records Kafka counted.
   */
  static long closedSegmentsReadByKafka(Path dir, long[] segmentBaseOffsets, List<LogAppendInfo> infos)
      throws IOException {
    long records = 0;
    for (long base : segmentBaseOffsets) {
      Path file = SegmentFiles.logFile(dir, base);
      assertThat(Files.size(file)).as("segment %d", base).isEqualTo(dataBytes(infos, base));
      try (FileRecords kafka = FileRecords.open(file.toFile(), false)) {
        for (FileChannelRecordBatch batch : kafka.batches()) {
          batch.ensureValid();
          records += batch.countOrNull();
        }
      }
    }
    return records;
  }

  /** Base offsets of the batches in {@code batches} (position 0 to limit). */
  static List<Long> baseOffsets(ByteBuffer batches) {
    List<Long> offsets = new ArrayList<>();
    int at = 0;
    while (at < batches.limit()) {
      assertThat(BatchHeader.invalidReason(batches, at, batches.limit())).as("batch at %d", at).isNull();
      offsets.add(BatchHeader.baseOffset(batches, at));
      at += BatchHeader.sizeInBytes(batches, at);
    }
    return offsets;
  }

  /** Reads the whole log batch by batch and checks dense offsets and CRCs; returns every base offset. */
  static List<Long> readAll(PartitionLog log) {
    List<Long> offsets = new ArrayList<>();
    long next = log.logStartOffset();
    while (next < log.logEndOffset()) {
      ByteBuffer batches = log.readBatches(next, 4096, Long.MAX_VALUE);
      assertThat(batches.remaining()).as("read from %d", next).isPositive();
      int at = 0;
      while (at < batches.limit()) {
        assertThat(BatchHeader.invalidReason(batches, at, batches.limit())).isNull();
        assertThat(BatchHeader.baseOffset(batches, at)).isEqualTo(next);
        offsets.add(next);
        next = BatchHeader.lastOffset(batches, at) + 1;
        at += BatchHeader.sizeInBytes(batches, at);
      }
    }
    return offsets;
  }

  /** SHA-256 of every regular file in {@code dir} by name, to prove that nothing was modified. */
  static Map<String, String> fingerprint(Path dir) {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file)) {
          byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
          hashes.put(file.getFileName().toString(), HexFormat.of().formatHex(digest));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return hashes;
  }

  /** Flips one bit of the byte at {@code position} of {@code file}. */
  static void flipBit(Path file, long position) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) position] ^= 0x10;
    Files.write(file, bytes);
  }

  /**
   * Bytes of {@code file} in the page cache now, as util-linux's {@code fincore} reports them, or empty when
   * {@code fincore} cannot be run here.
   */
  static OptionalLong residentBytes(Path file) throws IOException, InterruptedException {
    Process fincore;
    try {
      fincore = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", file.toString())
          .redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      return OptionalLong.empty();
    }
    String output = new String(fincore.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (fincore.waitFor() != 0 || !output.matches("\\d+")) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(output));
  }

  /** Cuts {@code file} to {@code size} bytes. */
  static void cut(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }
}
