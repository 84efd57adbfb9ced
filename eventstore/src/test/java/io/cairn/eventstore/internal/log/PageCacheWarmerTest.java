package io.cairn.eventstore.internal.log;

import static io.cairn.eventstore.internal.log.LogTestSupport.residentBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.eventstore.spi.StorageIo;
import io.cairn.eventstore.testing.FaultyStorageIo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warmer reads ranges of files into the page cache on its own thread, and never fails its caller. */
class PageCacheWarmerTest {

  private static final int MIB = 1024 * 1024;

  @TempDir
  Path tempDir;

  private final PageCacheWarmer warmer = PageCacheWarmer.start("test-warm", StorageIo.DEFAULT);

  @AfterEach
  void close() {
    warmer.close();
  }

  /** A file of {@code bytes} that is one hole: nothing of it is on disk or in the page cache. */
  private Path sparseFile(String name, long bytes) throws IOException {
    Path file = tempDir.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(bytes);
    }
    return file;
  }

  private void awaitCaughtUp() throws Exception {
    warmer.caughtUp().get(10, TimeUnit.SECONDS);
  }

  @Test
  void readsTheRangeSoThatTheKernelCachesItsPages() throws Exception {
    // given
    Path file = sparseFile("hole", 2L * MIB);
    OptionalLong before = residentBytes(file);
    assumeTrue(before.isPresent(), "fincore is not installed");
    assertThat(before.getAsLong()).isZero();

    // when
    warmer.warm(file, MIB, 2L * MIB, () -> 0);
    awaitCaughtUp();

    // then: the second MiB is in the page cache, the first is not
    assertThat(warmer.warmedBytes()).isEqualTo(MIB);
    assertThat(residentBytes(file).getAsLong()).isEqualTo(MIB);
  }

  @Test
  void readsFromTheEndOfTheRangeDownInAlignedSteps() throws Exception {
    // given: a warmer whose reads are recorded, and a range whose ends are not on 64 KiB boundaries
    FaultyStorageIo io = new FaultyStorageIo();
    Path file = sparseFile("down", MIB);
    try (PageCacheWarmer recorded = PageCacheWarmer.start("test-warm-down", io)) {

      // when
      recorded.warm(file, 10_000, 200_000, () -> 0);
      recorded.caughtUp().get(10, TimeUnit.SECONDS);

      // then: the top part first, then 64 KiB at a time down to the range's start (ADR 0015: no read finds the
      // pages just below it cached but the last, so the kernel never reads ahead into the rest of the range)
      assertThat(io.positionalReads()).containsExactly(
          new FaultyStorageIo.PositionalRead(file, 196_608, 3_392),
          new FaultyStorageIo.PositionalRead(file, 131_072, 65_536),
          new FaultyStorageIo.PositionalRead(file, 65_536, 65_536),
          new FaultyStorageIo.PositionalRead(file, 10_000, 55_536));
      assertThat(recorded.warmedBytes()).isEqualTo(190_000);
    }
  }

  @Test
  void stopsAtThePageHoldingTheEndTheOwnerHasWrittenMeanwhile() throws Exception {
    // given: the owner's written end moves up into the range while the warmer reads it from the top
    FaultyStorageIo io = new FaultyStorageIo();
    Path file = sparseFile("met", MIB);
    try (PageCacheWarmer recorded = PageCacheWarmer.start("test-warm-met", io)) {

      // when: the end is 0 before the first read and 150 000 after it
      recorded.warm(file, 0, 4 * 65_536, () -> io.positionalReads().isEmpty() ? 0 : 150_000);
      recorded.caughtUp().get(10, TimeUnit.SECONDS);

      // then: the top 64 KiB, then what lies above the page holding 150 000 (147 456), and nothing below
      assertThat(io.positionalReads()).containsExactly(
          new FaultyStorageIo.PositionalRead(file, 196_608, 65_536),
          new FaultyStorageIo.PositionalRead(file, 147_456, 49_152));
      assertThat(recorded.warmedBytes()).isEqualTo(65_536 + 49_152);
    }
  }

  @Test
  void startsAtThePageHoldingTheWrittenEnd() throws Exception {
    // given: the owner wrote past the range's start before the warmer got to it
    Path file = sparseFile("late", MIB);

    // when
    warmer.warm(file, 100, MIB, () -> 10_000);
    awaitCaughtUp();

    // then: [8192, 1 MiB) was read, the pages below it were left alone
    assertThat(warmer.warmedBytes()).isEqualTo(MIB - 8192);
  }

  @Test
  void aRangeWhollyWrittenAlreadyIsSkipped() throws Exception {
    // given
    Path file = sparseFile("written", MIB);

    // when
    warmer.warm(file, 0, 8192, () -> 3 * 4096);
    awaitCaughtUp();

    // then
    assertThat(warmer.warmedBytes()).isZero();
  }

  @Test
  void aRangePastTheEndOfTheFileStopsThere() throws Exception {
    // given: the file was cut (a roll trimmed it) after the range was asked for
    Path file = sparseFile("trimmed", 4096);

    // when
    warmer.warm(file, 0, MIB, () -> 0);
    awaitCaughtUp();

    // then
    assertThat(warmer.warmedBytes()).isEqualTo(4096);
  }

  @Test
  void aMissingFileIsDroppedAndLaterRangesAreStillRead() throws Exception {
    // given: a segment deleted before its range was read
    Path gone = tempDir.resolve("deleted.log");
    Path file = sparseFile("next", 8192);

    // when
    warmer.warm(gone, 0, MIB, () -> 0);
    warmer.warm(file, 0, 8192, () -> 0);
    awaitCaughtUp();

    // then
    assertThat(warmer.warmedBytes()).isEqualTo(8192);
  }

  @Test
  void rangesAskedForAfterCloseAreDropped() throws Exception {
    // given
    Path file = sparseFile("closed", MIB);
    warmer.close();

    // when
    warmer.warm(file, 0, MIB, () -> 0);

    // then
    assertThat(warmer.caughtUp()).isCompleted();
    assertThat(warmer.warmedBytes()).isZero();
  }

  @Test
  void theOffWarmerReadsNothing() throws Exception {
    // given
    Path file = sparseFile("off", MIB);

    // when
    PageCacheWarmer.OFF.warm(file, 0, MIB, () -> 0);

    // then
    assertThat(PageCacheWarmer.OFF.enabled()).isFalse();
    assertThat(PageCacheWarmer.OFF.caughtUp()).isCompleted();
    assertThat(PageCacheWarmer.OFF.warmedBytes()).isZero();
  }
}
