package io.cairn.eventstore.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetIndexTest {

  private static final long BASE = 1000;

  @TempDir
  Path dir;

  private OffsetIndex index() {
    return new OffsetIndex(SegmentFiles.offsetIndexFile(dir, BASE), BASE);
  }

  /** Entries (1000, 0), (1010, 100), ..., (1090, 900). */
  private OffsetIndex filled() {
    OffsetIndex index = index();
    for (int i = 0; i < 10; i++) {
      index.append(BASE + 10L * i, 100 * i);
    }
    return index;
  }

  @Test
  void floorPositionFindsTheLastEntryAtOrBeforeTheOffset() {
    // given
    OffsetIndex index = filled();

    // when / then
    assertThat(index.floorPosition(BASE)).isZero();
    assertThat(index.floorPosition(BASE + 9)).isZero();
    assertThat(index.floorPosition(BASE + 10)).isEqualTo(100);
    assertThat(index.floorPosition(BASE + 55)).isEqualTo(500);
    assertThat(index.floorPosition(BASE + 5000)).isEqualTo(900);
    assertThat(index.floorPosition(BASE - 1)).as("below the segment").isZero();
    assertThat(index().floorPosition(BASE + 3)).as("empty index").isZero();
  }

  @Test
  void entriesMustIncrease() {
    // given
    OffsetIndex index = filled();

    // when / then
    assertThatThrownBy(() -> index.append(BASE + 90, 1000)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> index.append(BASE + 95, 900)).isInstanceOf(IllegalStateException.class);
    assertThat(index.entryCount()).isEqualTo(10);
  }

  @Test
  void truncateDropsEntriesAtOrAfterTheOffset() {
    // given
    OffsetIndex index = filled();

    // when
    index.truncateTo(BASE + 30);

    // then
    assertThat(index.entryCount()).isEqualTo(3);
    assertThat(index.lastEntry()).contains(new OffsetPosition(BASE + 20, 200));
    index.truncateTo(BASE + 21);
    assertThat(index.entryCount()).isEqualTo(3);
    index.truncateTo(BASE);
    assertThat(index.entryCount()).isZero();
  }

  @Test
  void writtenFileLoadsBackWithTheSameEntriesAndLayout() throws IOException {
    // given
    OffsetIndex index = filled();

    // when
    index.writeFile(StorageIo.DEFAULT);
    OffsetIndex loaded = index();
    boolean found = loaded.load(StorageIo.DEFAULT);

    // then
    assertThat(found).isTrue();
    assertThat(index.fsyncPending()).isTrue();
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(SegmentFiles.offsetIndexFile(dir, BASE)));
    assertThat(bytes.limit()).isEqualTo(10 * OffsetIndex.ENTRY_SIZE);
    assertThat(bytes.getInt(OffsetIndex.ENTRY_SIZE + OffsetIndex.RELATIVE_OFFSET_OFFSET)).isEqualTo(10);
    assertThat(bytes.getInt(OffsetIndex.ENTRY_SIZE + OffsetIndex.POSITION_OFFSET)).isEqualTo(100);
    assertThat(loaded.entryCount()).isEqualTo(10);
    assertThat(loaded.floorPosition(BASE + 77)).isEqualTo(700);
    assertThat(loaded.validate(1000, BASE + 100)).isEmpty();
  }

  @Test
  void aLoadedIndexBecomesWritableAgainOnAppend() throws IOException {
    // given
    filled().writeFile(StorageIo.DEFAULT);
    OffsetIndex loaded = index();
    loaded.load(StorageIo.DEFAULT);

    // when
    loaded.append(BASE + 100, 1000);

    // then
    assertThat(loaded.entryCount()).isEqualTo(11);
    assertThat(loaded.floorPosition(BASE + 100)).isEqualTo(1000);
    assertThat(loaded.floorPosition(BASE + 99)).isEqualTo(900);
  }

  @Test
  void validationNamesWhatIsWrong() throws IOException {
    // given
    Path file = SegmentFiles.offsetIndexFile(dir, BASE);

    // when / then
    Files.write(file, new byte[12]);
    assertThat(load().validate(1000, -1)).hasValueSatisfying(p -> assertThat(p).contains("not a multiple of the 8-byte"));
    Files.write(file, entries(0, 0, 5, 100, 5, 200));
    assertThat(load().validate(1000, -1)).hasValueSatisfying(p -> assertThat(p).contains("entry 2").contains("does not increase"));
    Files.write(file, entries(3, 0));
    assertThat(load().validate(1000, -1)).hasValueSatisfying(p -> assertThat(p).contains("expected (0, 0)"));
    Files.write(file, entries(0, 0, 5, 2000));
    assertThat(load().validate(1000, -1)).hasValueSatisfying(p -> assertThat(p).contains("past the segment's 1000 bytes"));
    Files.write(file, entries(0, 0, 50, 200));
    assertThat(load().validate(1000, BASE + 50)).hasValueSatisfying(p -> assertThat(p).contains("not below the segment's end offset"));
    Files.write(file, new byte[0]);
    assertThat(load().validate(1000, -1)).hasValueSatisfying(p -> assertThat(p).contains("has no entries"));
    assertThat(load().validate(0, -1)).isEmpty();
  }

  private OffsetIndex load() throws IOException {
    OffsetIndex index = index();
    assertThat(index.load(StorageIo.DEFAULT)).isTrue();
    return index;
  }

  private static byte[] entries(int... relativeOffsetsAndPositions) {
    ByteBuffer buffer = ByteBuffer.allocate(relativeOffsetsAndPositions.length * 4);
    for (int value : relativeOffsetsAndPositions) {
      buffer.putInt(value);
    }
    return buffer.array();
  }
}
