package io.cairn.eventstore.internal.partition;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import io.cairn.eventstore.internal.stream.StreamHash;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How the re-feed cuts a stored batch into stream-index runs (ADR 0007). */
class StreamRunsTest {

  private static final long BASE_OFFSET = 100;
  private final RecordBatchBuilder builder = new RecordBatchBuilder();
  private final RecordBatchReader reader = new RecordBatchReader();
  private final StreamRuns runs = new StreamRuns();

  /** One record: its key (null = none) and its version (-1 = no version header). */
  private record Rec(String key, long version) {
  }

  @AfterEach
  void close() {
    builder.close();
    reader.close();
  }

  private ByteBuffer batch(CompressionType compression, Rec... records) {
    builder.reset(BASE_OFFSET, 0, compression, BatchHeader.NO_PRODUCER_ID, BatchHeader.NO_PRODUCER_EPOCH,
        BatchHeader.NO_SEQUENCE, 1_000L);
    for (Rec rec : records) {
      if (rec.version() < 0) {
        builder.addRecord(1_000L, rec.key() == null ? null : rec.key().getBytes(UTF_8), new byte[] {1}, List.of());
      } else {
        EventHeaders.addEvent(builder, 1_000L, rec.key().getBytes(UTF_8), rec.version(), UUID.randomUUID(), "E",
            new byte[] {1}, List.of());
      }
    }
    ByteBuffer built = builder.build();
    return ByteBuffer.allocate(built.remaining()).put(built).flip();
  }

  private List<String> collect(ByteBuffer batch) {
    reader.reset(batch, 0, true);
    runs.collect(reader);
    List<String> found = new ArrayList<>();
    for (int run = 0; run < runs.size(); run++) {
      found.add(runs.hash(run) + ":v" + runs.firstVersion(run) + "x" + runs.count(run) + "@" + runs.baseOffset(run));
    }
    return found;
  }

  private static String run(String key, long firstVersion, int count, long offset) {
    return StreamHash.hash64(key) + ":v" + firstVersion + "x" + count + "@" + offset;
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = {"NONE", "LZ4", "ZSTD"})
  void anAppendedBatchIsOneRun(CompressionType compression) {
    List<String> found = collect(batch(compression, new Rec("a", 7), new Rec("a", 8), new Rec("a", 9),
        new Rec("a", 10)));

    assertThat(found).containsExactly(run("a", 7, 4, BASE_OFFSET));
    assertThat(runs.firstVersionIfOneRun(4)).isEqualTo(7);
    assertThat(runs.lastVersionIfOneRun(4)).isEqualTo(10);
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "SNAPPY"})
  void interleavedAggregatesGiveOneRunPerContiguousStretch(CompressionType compression) {
    List<String> found = collect(batch(compression, new Rec("a", 3), new Rec("b", 1), new Rec("a", 4),
        new Rec("c", 1), new Rec("c", 2), new Rec("a", 5)));

    assertThat(found).containsExactly(run("a", 3, 1, 100), run("b", 1, 1, 101), run("a", 4, 1, 102),
        run("c", 1, 2, 103), run("a", 5, 1, 105));
    assertThat(runs.firstVersionIfOneRun(6)).isEqualTo(-1);
    assertThat(runs.lastVersionIfOneRun(6)).isEqualTo(-1);
  }

  @Test
  void sameKeyAtBothEndsWithOtherKeysBetweenIsNotTakenForOneRun() {
    List<String> found = collect(batch(CompressionType.NONE, new Rec("a", 1), new Rec("b", 1), new Rec("a", 2)));

    assertThat(found).containsExactly(run("a", 1, 1, 100), run("b", 1, 1, 101), run("a", 2, 1, 102));
  }

  @Test
  void aVersionGapOrRecordsWithoutKeyOrVersionBreakRuns() {
    List<String> found = collect(batch(CompressionType.NONE, new Rec("a", 1), new Rec("a", 5), new Rec(null, -1),
        new Rec("a", 6), new Rec("k", -1), new Rec("a", 7)));

    assertThat(found).containsExactly(run("a", 1, 1, 100), run("a", 5, 1, 101), run("a", 6, 1, 103),
        run("a", 7, 1, 105));
  }

  @Test
  void aSingleRecordBatchIsOneRun() {
    assertThat(collect(batch(CompressionType.NONE, new Rec("solo", 42)))).containsExactly(run("solo", 42, 1, 100));
    assertThat(collect(batch(CompressionType.NONE, new Rec(null, -1)))).isEmpty();
  }
}
