package io.cairn.eventstore.internal.record;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.StorageException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link RecordBatchReader#skipRecords} and {@link RecordBatchReader#rewind}: cheap partial scans of a batch. */
class RecordSkippingTest {

  private final RecordBatchBuilder builder = new RecordBatchBuilder();
  private final RecordBatchReader reader = new RecordBatchReader();

  @AfterEach
  void close() {
    builder.close();
    reader.close();
  }

  private ByteBuffer batchOf(CompressionType compression, int records) {
    builder.reset(50, 0, compression, -1, (short) -1, -1, 1_000L);
    for (int i = 0; i < records; i++) {
      builder.addRecord(1_000L + i, ("k" + i).getBytes(UTF_8), ("value-" + i).repeat(20).getBytes(UTF_8), List.of());
    }
    ByteBuffer built = builder.build();
    return ByteBuffer.allocate(built.remaining()).put(built).flip();
  }

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void skippingLandsOnTheRightRecordAndRewindStartsOver(CompressionType compression) {
    // given
    reader.reset(batchOf(compression, 10), 0);

    // when / then
    assertThat(reader.skipRecords(3)).isEqualTo(3);
    assertThatThrownBy(reader::offset).as("no current record right after a skip")
        .isInstanceOf(IllegalStateException.class);
    assertThat(reader.next()).isTrue();
    assertThat(reader.offset()).isEqualTo(53);
    assertThat(reader.keyAsString()).contains("k3");
    assertThat(reader.skipRecords(100)).isEqualTo(6);
    assertThat(reader.next()).isFalse();
    reader.rewind();
    assertThat(reader.next()).isTrue();
    assertThat(reader.offset()).isEqualTo(50);
    assertThat(reader.skipRecords(8)).isEqualTo(8);
    assertThat(reader.next()).isTrue();
    assertThat(reader.keyAsString()).contains("k9");
    reader.ensureValid();
  }

  @ParameterizedTest
  @EnumSource(value = CompressionType.class, names = {"NONE", "LZ4"})
  void aLengthRunningPastTheRecordsIsReportedWhileSkipping(CompressionType compression) {
    // given: a batch whose records section claims one record more than it holds
    ByteBuffer batch = batchOf(compression, 3);
    batch.putInt(BatchHeader.RECORDS_COUNT_OFFSET, 4);
    batch.putInt(BatchHeader.LAST_OFFSET_DELTA_OFFSET, 3);
    reader.reset(batch, 0, false);

    // when / then
    assertThatThrownBy(() -> reader.skipRecords(4)).isInstanceOf(StorageException.class)
        .hasMessageContaining("records section ends after 3 of 4 records");
  }
}
