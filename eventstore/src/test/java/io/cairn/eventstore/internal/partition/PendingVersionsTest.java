package io.cairn.eventstore.internal.partition;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-batch version map of a produced batch: lookups, growth, and reuse after clear. */
class PendingVersionsTest {

  private final PendingVersions pending = new PendingVersions();

  @Test
  void everyAggregateCountsItsOwnVersionsFromItsStoredOne() {
    // given
    int a = pending.add("a", 4);
    int b = pending.add("b", 0);

    // when
    long a5 = pending.next(a, 10);
    long b1 = pending.next(b, 11);
    long a6 = pending.next(pending.find("a"), 12);

    // then
    assertThat(a5).isEqualTo(5);
    assertThat(b1).isEqualTo(1);
    assertThat(a6).isEqualTo(6);
    assertThat(pending.version(a)).isEqualTo(6);
    assertThat(pending.lastOffset(a)).isEqualTo(12);
    assertThat(pending.lastOffset(b)).isEqualTo(11);
    assertThat(pending.aggregateId(b)).isEqualTo("b");
    assertThat(pending.find("c")).isEqualTo(PendingVersions.ABSENT);
  }

  @Test
  void manyIdsWithNeighbouringHashCodesAreAllFoundAcrossGrowthAndClear() {
    for (int round = 0; round < 3; round++) {
      // given: more ids than the initial capacity
      int ids = 1_000 + round;
      for (int i = 0; i < ids; i++) {
        assertThat(pending.find("agg-" + i)).isEqualTo(PendingVersions.ABSENT);
        pending.add("agg-" + i, i);
      }

      // then
      assertThat(pending.size()).isEqualTo(ids);
      for (int i = 0; i < ids; i++) {
        int slot = pending.find("agg-" + i);
        assertThat(pending.aggregateId(slot)).isEqualTo("agg-" + i);
        assertThat(pending.version(slot)).isEqualTo(i);
      }

      // when the next batch starts
      pending.clear();
      assertThat(pending.size()).isZero();
      assertThat(pending.find("agg-0")).isEqualTo(PendingVersions.ABSENT);
    }
  }
}
