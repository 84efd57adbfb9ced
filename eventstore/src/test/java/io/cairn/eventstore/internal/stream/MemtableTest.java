package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A memtable past its first page: chains that cross pages, sorting, truncation and copies stay exact. */
class MemtableTest {

  private static final int AGGREGATES = 7;
  private static final int ENTRIES = 3 * Memtable.PAGE_ENTRIES + 123;

  /** Entry i belongs to aggregate i % 7 and has version i / 7 + 1, at offset i. */
  private static Memtable filled(int maxEntries) {
    Memtable memtable = new Memtable(0, maxEntries);
    for (int i = 0; i < ENTRIES; i++) {
      memtable.add(hashOf(i % AGGREGATES), i / AGGREGATES + 1, 1, i, i);
    }
    return memtable;
  }

  private static long hashOf(int aggregate) {
    return StreamHash.hash64("agg-" + aggregate);
  }

  @Test
  void chainsThatCrossPagesAreWalkedInFull() {
    // given
    Memtable memtable = filled(ENTRIES);

    // when
    StreamEntryBuffer found = new StreamEntryBuffer();
    memtable.find(hashOf(3), 1, Long.MAX_VALUE, found);

    // then every entry of aggregate 3, oldest first, from the first page to the last
    int expected = (ENTRIES - 3 + AGGREGATES - 1) / AGGREGATES;
    assertThat(found.size()).isEqualTo(expected);
    for (int i = 0; i < expected; i++) {
      assertThat(found.firstVersion(i)).isEqualTo(i + 1);
      assertThat(found.baseOffset(i)).isEqualTo(3 + (long) i * AGGREGATES);
    }
    assertThat(memtable.isIrregular(memtable.head(hashOf(3)))).isFalse();
  }

  @Test
  void sortedOrderListsEveryEntryByHashThenVersion() {
    // given a memtable that outgrew its maximum (frozen ones were waiting)
    Memtable memtable = filled(1_000);

    // when
    int[] order = memtable.sortedOrder(WorkPacer.unpaced());

    // then
    assertThat(order).hasSize(ENTRIES);
    for (int i = 1; i < order.length; i++) {
      long previous = memtable.hash(order[i - 1]);
      long current = memtable.hash(order[i]);
      assertThat(previous).isLessThanOrEqualTo(current);
      if (previous == current) {
        assertThat(memtable.firstVersion(order[i])).isEqualTo(memtable.firstVersion(order[i - 1]) + 1);
      }
    }
  }

  @Test
  void truncationAndDroppingALeadingPartKeepTheRestExact() {
    // given
    Memtable memtable = filled(ENTRIES);
    long cut = 2L * Memtable.PAGE_ENTRIES + 5;

    // when
    memtable.truncateFrom(cut);
    Memtable kept = memtable.withoutEntriesBelow(Memtable.PAGE_ENTRIES);

    // then
    assertThat(memtable.size()).isEqualTo((int) cut);
    assertThat(kept.size()).isEqualTo((int) cut - Memtable.PAGE_ENTRIES);
    StreamEntryBuffer found = new StreamEntryBuffer();
    kept.find(hashOf(0), 1, Long.MAX_VALUE, found);
    assertThat(found.baseOffset(0)).isGreaterThanOrEqualTo(Memtable.PAGE_ENTRIES);
    assertThat(found.baseOffset(found.size() - 1)).isLessThan(cut);
    assertThat(found.baseOffset(found.size() - 1) + AGGREGATES).isGreaterThanOrEqualTo(cut);
  }
}
