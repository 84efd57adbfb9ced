package io.cairn.eventstore.internal.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeIndexTest {

  private static final long BASE = 500;

  @TempDir
  Path dir;

  private TimeIndex index() {
    return new TimeIndex(SegmentFiles.timeIndexFile(dir, BASE), BASE);
  }

  @Test
  void onlyLargerTimestampsAreAppended() {
    // given
    TimeIndex index = index();

    // when
    index.maybeAppend(100, BASE);
    index.maybeAppend(100, BASE + 5);
    index.maybeAppend(90, BASE + 6);
    index.maybeAppend(200, BASE + 7);

    // then
    assertThat(index.entryCount()).isEqualTo(2);
    assertThat(index.lastEntry()).contains(new TimestampOffset(200, BASE + 7));
    assertThat(index.lastTimestamp()).isEqualTo(200);
  }

  @Test
  void floorOffsetGivesWhereToStartScanningForATimestamp() {
    // given
    TimeIndex index = index();
    index.maybeAppend(100, BASE);
    index.maybeAppend(200, BASE + 10);
    index.maybeAppend(300, BASE + 20);

    // when / then
    assertThat(index.floorOffset(50)).as("before every entry: the segment start").isEqualTo(BASE);
    assertThat(index.floorOffset(100)).isEqualTo(BASE);
    assertThat(index.floorOffset(250)).isEqualTo(BASE + 10);
    assertThat(index.floorOffset(300)).isEqualTo(BASE + 20);
    assertThat(index.floorOffset(Long.MAX_VALUE)).isEqualTo(BASE + 20);
  }

  @Test
  void truncateDropsEntriesAtOrAfterTheOffset() {
    // given
    TimeIndex index = index();
    index.maybeAppend(100, BASE);
    index.maybeAppend(200, BASE + 10);
    index.maybeAppend(300, BASE + 20);

    // when
    index.truncateTo(BASE + 10);

    // then
    assertThat(index.entryCount()).isEqualTo(1);
    assertThat(index.lastTimestamp()).isEqualTo(100);
  }

  @Test
  void writtenFileHasTwelveByteEntriesAndValidates() throws IOException {
    // given
    TimeIndex index = index();
    index.maybeAppend(1_700_000_000_000L, BASE);
    index.maybeAppend(1_700_000_000_500L, BASE + 3);

    // when
    index.writeFile(StorageIo.DEFAULT);
    TimeIndex loaded = index();
    loaded.load(StorageIo.DEFAULT);

    // then
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(SegmentFiles.timeIndexFile(dir, BASE)));
    assertThat(bytes.limit()).isEqualTo(2 * TimeIndex.ENTRY_SIZE);
    assertThat(bytes.getLong(TimeIndex.ENTRY_SIZE + TimeIndex.TIMESTAMP_OFFSET)).isEqualTo(1_700_000_000_500L);
    assertThat(bytes.getInt(TimeIndex.ENTRY_SIZE + TimeIndex.RELATIVE_OFFSET_OFFSET)).isEqualTo(3);
    assertThat(loaded.validate(false, BASE + 4)).isEmpty();
    assertThat(loaded.validate(false, BASE + 3)).hasValueSatisfying(p -> assertThat(p).contains("outside the segment"));
    assertThat(loaded.validate(true, -1)).hasValueSatisfying(p -> assertThat(p).contains("the segment is empty"));
  }

  @Test
  void decreasingTimestampsAreInvalid() throws IOException {
    // given
    ByteBuffer entries = ByteBuffer.allocate(2 * TimeIndex.ENTRY_SIZE);
    entries.putLong(200).putInt(0).putLong(100).putInt(1);
    Files.write(SegmentFiles.timeIndexFile(dir, BASE), entries.array());
    TimeIndex loaded = index();

    // when
    loaded.load(StorageIo.DEFAULT);

    // then
    assertThat(loaded.validate(false, -1)).hasValueSatisfying(p -> assertThat(p).contains("entry 1").contains("does not follow"));
  }
}
