package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The flush's sort: every entry of a frozen memtable exactly once, in chunk order (hash in signed order,
 * then firstVersion, then baseOffset), whatever the bucket sizes, hash collisions and version order.
 */
class SortedEntryArrayTest {

  /** One memtable entry as the tests feed it. */
  private record Entry(long hash, long firstVersion, int eventCount, long baseOffset, int position) {
  }

  private static final Comparator<Entry> CHUNK_ORDER = Comparator.comparingLong(Entry::hash)
      .thenComparingLong(Entry::firstVersion).thenComparingLong(Entry::baseOffset);

  @Test
  void aMemtableOfManyPagesComesOutInChunkOrder() throws IOException {
    // given 7 aggregates over several pages; entry i is aggregate i % 7's version i / 7 + 1
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 3 * Memtable.PAGE_ENTRIES + 123; i++) {
      entries.add(new Entry(StreamHash.hash64("agg-" + i % 7), i / 7 + 1, 1, i, i));
    }

    // when / then
    assertSortedLike(entries, "7 aggregates");
  }

  @Test
  void randomHashesOfBothSignsComeOutInSignedOrder() throws IOException {
    long seed = Long.getLong("cairn.test.seed", System.nanoTime());
    String context = "seed " + seed + " (rerun with -Dcairn.test.seed=" + seed + ")";
    Random random = new Random(seed);
    for (int round = 0; round < 20; round++) {
      // given up to 20 000 entries over up to 5 000 aggregates, each aggregate's versions dense
      int aggregates = 1 + random.nextInt(5_000);
      long[] hashes = new long[aggregates];
      long[] versions = new long[aggregates];
      for (int a = 0; a < aggregates; a++) {
        hashes[a] = random.nextLong();
      }
      List<Entry> entries = new ArrayList<>();
      int count = random.nextInt(20_000);
      for (int i = 0; i < count; i++) {
        int a = random.nextInt(aggregates);
        int events = 1 + random.nextInt(3);
        entries.add(new Entry(hashes[a], versions[a] + 1, events, i * 3L, i));
        versions[a] += events;
      }

      // when / then
      assertSortedLike(entries, context + ", round " + round);
    }
  }

  @Test
  void collidingAggregatesAndOutOfOrderVersionsAreSortedByVersionThenOffset() throws IOException {
    // given two aggregates sharing one hash, their runs interleaved, and a third fed newest version first
    long shared = 0x1234_5678_9abc_def0L;
    long reversed = -42L;
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      entries.add(new Entry(shared, i / 2 + 1, 1, 2L * i, i));
      entries.add(new Entry(reversed, 2_000 - i, 1, 2L * i + 1, i));
    }

    // when / then
    assertSortedLike(entries, "collisions");
  }

  @Test
  void oneHotAggregateFillingMostOfTheMemtableIsOneLargeBucket() throws IOException {
    // given 90 % of the entries are one aggregate's, the rest spread
    Random random = new Random(7);
    List<Entry> entries = new ArrayList<>();
    long hot = StreamHash.hash64("hot");
    long hotVersion = 0;
    for (int i = 0; i < 50_000; i++) {
      long hash = random.nextInt(10) == 0 ? random.nextLong() : hot;
      long version = hash == hot ? ++hotVersion : 1;
      entries.add(new Entry(hash, version, 1, i, i));
    }

    // when / then
    assertSortedLike(entries, "hot aggregate");
  }

  @Test
  void emptyAndTinyMemtablesSort() throws IOException {
    assertSortedLike(List.of(), "empty");
    assertSortedLike(List.of(new Entry(5, 1, 2, 0, 0)), "one entry");
    assertSortedLike(List.of(new Entry(5, 1, 1, 0, 0), new Entry(-5, 1, 1, 1, 9), new Entry(5, 2, 1, 2, 17)),
        "three entries");
  }

  @Test
  void bucketsFollowTheSignedOrderOfHashes() {
    int bits = SortedEntryArray.bucketBits(1_000_000);

    assertThat(bits).isEqualTo(12);
    assertThat(SortedEntryArray.bucketBits(SortedEntryArray.TARGET_BUCKET_ENTRIES)).isZero();
    assertThat(SortedEntryArray.bucketOf(Long.MIN_VALUE, bits)).isZero();
    assertThat(SortedEntryArray.bucketOf(-1L, bits)).isEqualTo((1 << bits) / 2 - 1);
    assertThat(SortedEntryArray.bucketOf(0L, bits)).isEqualTo((1 << bits) / 2);
    assertThat(SortedEntryArray.bucketOf(Long.MAX_VALUE, bits)).isEqualTo((1 << bits) - 1);
    assertThat(SortedEntryArray.bucketOf(Long.MAX_VALUE, 0)).isZero();
  }

  @Test
  void eachPassTellsItsPacerOfItsEntriesAFewTimesNotOncePerEntry() {
    // given 10 000 entries, and a pacer at a quarter of a CPU whose clock moves a whole slice at every look
    long slice = TimeUnit.MICROSECONDS.toNanos(WorkPacer.SLICE_MICROS);
    long[] now = {0};
    List<Long> sleeps = new ArrayList<>();
    WorkPacer pacer = WorkPacer.inBudget(new JobCpuBudget(0.25), () -> now[0] += slice, sleeps::add);
    pacer.start();
    int size = 10_000;
    Random random = new Random(11);
    Memtable memtable = new Memtable(0, 1_000);
    for (int i = 0; i < size; i++) {
      memtable.add(random.nextLong(), 1, 1, i, i);
    }
    memtable.freeze(size);

    // when
    SortedEntryArray.of(memtable, pacer);

    // then every stride of the two scatter passes and at most every bucket of the sort made the pacer look and
    // sleep; a look every 64 entries, as when each entry was told on its own, would be 312 in the two passes
    int strides = (size + SortedEntryArray.ENTRIES_PER_PACE - 1) / SortedEntryArray.ENTRIES_PER_PACE;
    int buckets = 1 << SortedEntryArray.bucketBits(size);
    assertThat(sleeps).hasSizeBetween(2 * strides, 2 * strides + buckets).allSatisfy(nanos ->
        assertThat(nanos).isEqualTo(3 * slice));
  }

  /** Feeds {@code entries} to a memtable, sorts it, and checks the result against a plain sort. */
  private static void assertSortedLike(List<Entry> entries, String context) throws IOException {
    Memtable memtable = new Memtable(0, 1_000);
    for (Entry entry : entries) {
      memtable.add(entry.hash(), entry.firstVersion(), entry.eventCount(), entry.baseOffset(), entry.position());
    }
    memtable.freeze(entries.isEmpty() ? 0 : entries.get(entries.size() - 1).baseOffset() + 1);
    List<Entry> expected = new ArrayList<>(entries);
    expected.sort(CHUNK_ORDER);

    SortedEntryArray sorted = SortedEntryArray.of(memtable, WorkPacer.unpaced());

    assertThat(sorted.size()).as(context).isEqualTo(entries.size());
    List<Entry> actual = new ArrayList<>();
    sorted.forEach((hash, firstVersion, baseOffset, eventCount, position) ->
        actual.add(new Entry(hash, firstVersion, eventCount, baseOffset, position)));
    assertThat(actual).as(context).isEqualTo(expected);
  }
}
