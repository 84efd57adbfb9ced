package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.testing.FaultyStorageIo;

import static io.cairn.eventstore.internal.log.LogTestSupport.START_MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.record.BatchHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Recovery law: after a crash and any damage at or after the recovery point, the reopened log is
 * exactly a prefix (by offset and by bytes) of what was appended, reaching at least the recovery
 * point, and it ends right before the first damaged batch. jqwik prints the seed of a failure.
 */
class PartitionLogRecoveryPropertyTest {

  private enum Damage { NONE, CUT, FLIP, GARBAGE }

  @Property(tries = 40)
  void recoveryKeepsExactlyAPrefixOfWhatWasWritten(@ForAll Random random) throws IOException {
    Path root = Files.createTempDirectory("cairn-log-property");
    try {
      check(random, root.resolve("prop-0"));
    } finally {
      deleteTree(root);
    }
  }

  private static void check(Random random, Path dir) throws IOException {
    // given: random batches over random segment sizes, with random flush + checkpoint points
    TopicConfig config = new TopicConfig().setSegmentBytes(1024 + random.nextInt(3 * 1024))
        .setIndexIntervalBytes(random.nextInt(600));
    FaultyStorageIo io = new FaultyStorageIo();
    PartitionLog log = PartitionLog.open(dir, config, io, () -> START_MS);
    List<ByteBuffer> written = new ArrayList<>();
    List<LogAppendInfo> infos = new ArrayList<>();
    int batchCount = 1 + random.nextInt(50);
    for (int i = 0; i < batchCount; i++) {
      ByteBuffer batch = TestBatches.batch(log.logEndOffset(), 1 + random.nextInt(4), START_MS + random.nextInt(1000),
          random.nextInt(300));
      infos.add(log.append(batch));
      written.add(batch);
      if (random.nextInt(8) == 0) {
        log.checkpointRecoveryPoint(log.flush());
      }
    }
    long recoveryPoint = log.recoveryPoint();
    io.crash();

    // and: damage one batch at or after the recovery point
    List<Integer> damageable = new ArrayList<>();
    for (int i = 0; i < infos.size(); i++) {
      if (infos.get(i).baseOffset() >= recoveryPoint) {
        damageable.add(i);
      }
    }
    Damage damage = damageable.isEmpty() ? Damage.GARBAGE : Damage.values()[random.nextInt(Damage.values().length)];
    long expectedEnd = log.logEndOffset();
    if (damage == Damage.CUT || damage == Damage.FLIP) {
      LogAppendInfo victim = infos.get(damageable.get(random.nextInt(damageable.size())));
      Path file = SegmentFiles.logFile(dir, victim.segmentBaseOffset());
      if (damage == Damage.CUT) {
        LogTestSupport.cut(file, victim.positionInSegment() + random.nextInt(victim.sizeInBytes()));
      } else {
        int inBatch = randomCrcCoveredByte(random, victim.sizeInBytes());
        LogTestSupport.flipBit(file, victim.positionInSegment() + inBatch);
      }
      expectedEnd = victim.baseOffset();
    } else if (damage == Damage.GARBAGE) {
      byte[] garbage = new byte[1 + random.nextInt(200)];
      random.nextBytes(garbage);
      long lastSegment = infos.get(infos.size() - 1).segmentBaseOffset();
      Files.write(SegmentFiles.logFile(dir, lastSegment), garbage, StandardOpenOption.APPEND);
    }

    // when
    PartitionLog recovered = PartitionLog.open(dir, config, new FaultyStorageIo(), () -> START_MS);

    // then
    try {
      assertThat(recovered.logEndOffset()).as("damage %s", damage).isEqualTo(expectedEnd);
      assertThat(recovered.logEndOffset()).isGreaterThanOrEqualTo(recoveryPoint);
      int index = 0;
      long next = 0;
      while (next < recovered.logEndOffset()) {
        ByteBuffer batches = recovered.readBatches(next, 1 << 16, Long.MAX_VALUE);
        int at = 0;
        while (at < batches.limit()) {
          int size = BatchHeader.sizeInBytes(batches, at);
          assertThat(batches.slice(at, size)).as("batch %d", index).isEqualTo(written.get(index));
          next = BatchHeader.lastOffset(batches, at) + 1;
          at += size;
          index++;
        }
      }
      assertThat(LogVerifier.verify(dir).problems()).isEmpty();
    } finally {
      recovered.close();
    }
  }

  /** A byte the CRC covers, or the base offset (checked by density); not the leader epoch, which no check covers. */
  private static int randomCrcCoveredByte(Random random, int batchBytes) {
    int uncoveredStart = BatchHeader.PARTITION_LEADER_EPOCH_OFFSET;
    int uncoveredEnd = BatchHeader.MAGIC_OFFSET;
    while (true) {
      int candidate = random.nextInt(batchBytes);
      if (candidate < uncoveredStart || candidate >= uncoveredEnd) {
        return candidate;
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
