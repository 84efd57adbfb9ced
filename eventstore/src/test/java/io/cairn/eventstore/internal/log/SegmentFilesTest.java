package io.cairn.eventstore.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFilesTest {

  @TempDir
  Path dir;

  @Test
  void segmentFilesAreNamedByTwentyDigitZeroPaddedBaseOffsets() {
    assertThat(SegmentFiles.logFile(dir, 0).getFileName()).hasToString("00000000000000000000.log");
    assertThat(SegmentFiles.offsetIndexFile(dir, 42).getFileName()).hasToString("00000000000000000042.index");
    assertThat(SegmentFiles.timeIndexFile(dir, Long.MAX_VALUE).getFileName())
        .hasToString("09223372036854775807.timeindex");
    assertThat(SegmentFiles.partitionDirName("bank.account", 7)).isEqualTo("bank.account-7");
  }

  @Test
  void onlyExactSegmentNamesParse() {
    assertThat(SegmentFiles.parseBaseOffset("00000000000000001234.log", ".log")).isEqualTo(OptionalLong.of(1234));
    assertThat(SegmentFiles.parseBaseOffset("0000000000000001234.log", ".log")).isEmpty();
    assertThat(SegmentFiles.parseBaseOffset("00000000000000001234.index", ".log")).isEmpty();
    assertThat(SegmentFiles.parseBaseOffset("0000000000000000123x.log", ".log")).isEmpty();
    assertThat(SegmentFiles.parseBaseOffset("99999999999999999999.log", ".log")).as("overflows a long").isEmpty();
  }

  @Test
  void listBaseOffsetsSortsNumerically() throws IOException {
    // given
    for (long base : new long[] {300, 5, 1000, 0}) {
      Files.createFile(SegmentFiles.logFile(dir, base));
    }
    Files.createFile(SegmentFiles.offsetIndexFile(dir, 7));
    Files.createFile(dir.resolve("00000000000000000000.streams"));

    // when / then
    assertThat(SegmentFiles.listBaseOffsets(dir, SegmentFiles.LOG_SUFFIX)).containsExactly(0, 5, 300, 1000);
  }

  @Test
  void recoveryPointFileRoundTripsAndRejectsDamage() throws IOException {
    // given
    RecoveryPointFile.writeTemp(StorageIo.DEFAULT, dir, 123_456);
    RecoveryPointFile.commitTemp(StorageIo.DEFAULT, dir);
    Path file = RecoveryPointFile.path(dir);

    // when / then
    assertThat(Files.readString(file, StandardCharsets.US_ASCII)).startsWith("cairn-recovery-point 1\n123456\n");
    assertThat(RecoveryPointFile.read(dir)).isEqualTo(OptionalLong.of(123_456));
    assertThat(Files.exists(DurableFiles.tempFile(file))).isFalse();
    Files.writeString(file, Files.readString(file).replace("123456", "123457"));
    assertThatThrownBy(() -> RecoveryPointFile.read(dir)).isInstanceOf(StorageException.class)
        .hasMessageContaining(file + " has CRC");
    Files.delete(file);
    assertThat(RecoveryPointFile.read(dir)).isEmpty();
  }

  @Test
  void cleanShutdownMarkerHoldsTheLogEndOffset() throws IOException {
    // given
    CleanShutdownMarker.write(StorageIo.DEFAULT, dir, 77);

    // when / then
    assertThat(CleanShutdownMarker.read(dir)).isEqualTo(OptionalLong.of(77));
    Files.writeString(CleanShutdownMarker.path(dir), "garbage");
    assertThat(CleanShutdownMarker.read(dir)).isEmpty();
    assertThat(CleanShutdownMarker.exists(dir)).isTrue();
    CleanShutdownMarker.delete(StorageIo.DEFAULT, dir);
    assertThat(CleanShutdownMarker.exists(dir)).isFalse();
  }
}
