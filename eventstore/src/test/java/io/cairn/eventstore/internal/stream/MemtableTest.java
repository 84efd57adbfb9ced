package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A memtable past its first page: chains that cross pages, truncation and copies stay exact. */
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
  void hashesThatShareTheirTop32BitsKeepSeparateChains() {
    // given hashes equal in the top 32 bits (the table's fingerprint), different below, through rehashes
    Memtable memtable = new Memtable(0, 10_000);
    long top = 0xCAFE_BABEL << 32;
    for (int i = 0; i < 5_000; i++) {
      memtable.add(top | i % 100, i / 100 + 1, 1, i, i);
    }

    // then each hash finds its own 50 entries, a dense chain
    assertThat(memtable.distinctHashes()).isEqualTo(100);
    for (int h = 0; h < 100; h++) {
      StreamEntryBuffer found = new StreamEntryBuffer();
      memtable.find(top | h, 1, Long.MAX_VALUE, found);
      assertThat(found.size()).isEqualTo(50);
      assertThat(found.baseOffset(49)).isEqualTo(4_900 + h);
      assertThat(memtable.isIrregular(memtable.head(top | h))).isFalse();
    }
    assertThat(memtable.head(top | 100)).isEqualTo(Memtable.NO_ENTRY);
  }

  @Test
  void prefetchChangesNothing() {
    // given hashes present, absent, and absent but sharing a present one's fingerprint
    Memtable memtable = filled(ENTRIES);
    long[] hashes = {hashOf(3), hashOf(AGGREGATES + 1), hashOf(3) ^ 1, hashOf(0)};
    int sizeBefore = memtable.size();

    // when
    memtable.prefetch(hashes, hashes.length);

    // then
    assertThat(memtable.size()).isEqualTo(sizeBefore);
    assertThat(memtable.distinctHashes()).isEqualTo(AGGREGATES);
    assertThat(memtable.head(hashOf(AGGREGATES + 1))).isEqualTo(Memtable.NO_ENTRY);
    assertThat(memtable.head(hashOf(3) ^ 1)).isEqualTo(Memtable.NO_ENTRY);
    StreamEntryBuffer found = new StreamEntryBuffer();
    memtable.find(hashOf(3), 1, Long.MAX_VALUE, found);
    assertThat(found.size()).isEqualTo((ENTRIES - 3 + AGGREGATES - 1) / AGGREGATES);
  }

  @Test
  void aChainBecomesIrregularWhenAnotherAggregateSharesTheHashAndStaysSo() {
    // given
    Memtable memtable = new Memtable(0, 100);
    long hash = StreamHash.hash64("shared");
    memtable.add(hash, 1, 2, 0, 0);
    memtable.add(hash, 3, 1, 2, 1);
    boolean regularBefore = !memtable.isIrregular(memtable.head(hash));

    // when another aggregate with the same hash writes version 1, then the first goes on densely
    memtable.add(hash, 1, 1, 3, 2);
    memtable.add(hash, 4, 1, 4, 3);

    // then
    assertThat(regularBefore).isTrue();
    assertThat(memtable.isIrregular(memtable.head(hash))).isTrue();
    StreamEntryBuffer found = new StreamEntryBuffer();
    memtable.find(hash, 1, 2, found);
    assertThat(found.size()).isEqualTo(2);
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
