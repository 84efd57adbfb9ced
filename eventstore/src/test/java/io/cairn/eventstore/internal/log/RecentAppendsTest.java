package io.cairn.eventstore.internal.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecentAppendsTest {

  @Test
  void nothingIsRecentBeforeTheLogIsOpened() {
    // given
    RecentAppends recent = new RecentAppends(100);

    // then
    assertThat(recent.holds(0)).isFalse();
    assertThat(recent.holds(Long.MAX_VALUE - 1)).isFalse();
  }

  @Test
  void recordsAppendedBeforeTheOpenAreNotRecentAndEverythingAfterIs() {
    // given a log that held offsets 0-49 when opened
    RecentAppends recent = new RecentAppends(100);
    recent.opened(50);

    // when 60 bytes (offsets 50-59) are appended, less than a window
    recent.appended(60, 60);

    // then
    assertThat(recent.holds(49)).isFalse();
    assertThat(recent.holds(50)).isTrue();
    assertThat(recent.holds(59)).isTrue();
  }

  @Test
  void theFloorMovesToThePreviousMarkEveryWindowOfBytes() {
    // given a window of 100 bytes, one record of 10 bytes per offset from offset 0
    RecentAppends recent = new RecentAppends(100);
    recent.opened(0);

    // when 10 records (100 bytes) are appended: the first mark, the floor stays at the open
    for (int end = 1; end <= 10; end++) {
      recent.appended(10L * end, end);
    }

    // then
    assertThat(recent.holds(0)).isTrue();

    // when 10 more: the floor moves to the first mark, offset 10
    for (int end = 11; end <= 20; end++) {
      recent.appended(10L * end, end);
    }

    // then offsets 0-9, 100 to 200 bytes back, are no longer recent; 10-19 are
    assertThat(recent.holds(9)).isFalse();
    assertThat(recent.holds(10)).isTrue();
    assertThat(recent.holds(19)).isTrue();
  }

  @Test
  void aRecordIsRecentForAtLeastOneAndAtMostTwoWindowsOfLaterAppends() {
    // given a window of 1 000 bytes and appends of 1-99 bytes, one record each
    RecentAppends recent = new RecentAppends(1_000);
    recent.opened(0);
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    long[] bytesAfter = new long[20_000];
    long bytes = 0;
    for (int offset = 0; offset < bytesAfter.length; offset++) {
      bytes += 1 + random.nextInt(99);
      bytesAfter[offset] = bytes;
      recent.appended(bytes, offset + 1);
    }

    // then every record appended within the last window is recent, none further back than two windows + one append
    for (int offset = 0; offset < bytesAfter.length; offset++) {
      long appendedSince = bytes - bytesAfter[offset];
      if (appendedSince < 1_000) {
        assertThat(recent.holds(offset)).as("offset %d, %d bytes back", offset, appendedSince).isTrue();
      }
      if (appendedSince >= 2_000 + 99) {
        assertThat(recent.holds(offset)).as("offset %d, %d bytes back", offset, appendedSince).isFalse();
      }
    }
  }

  @Test
  void aWindowBelowOneByteIsRefused() {
    assertThatThrownBy(() -> new RecentAppends(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("windowBytes must be at least 1");
  }
}
