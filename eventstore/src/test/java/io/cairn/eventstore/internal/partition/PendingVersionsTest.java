package io.cairn.eventstore.internal.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.internal.stream.StreamHash;
import io.cairn.eventstore.internal.stream.StreamVersionCache;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The per-batch version map of a produced batch: lookups, growth, and reuse after clear. */
class PendingVersionsTest {

  private final PendingVersions pending = new PendingVersions();

  @Test
  void everyAggregateCountsItsOwnVersionsFromItsStoredOne() {
    // given
    int a = add("a", 4);
    int b = add("b", 0);

    // when
    long a5 = pending.next(a, 10);
    long b1 = pending.next(b, 11);
    long a6 = pending.next(find("a"), 12);

    // then
    assertThat(a5).isEqualTo(5);
    assertThat(b1).isEqualTo(1);
    assertThat(a6).isEqualTo(6);
    assertThat(pending.version(a)).isEqualTo(6);
    assertThat(pending.lastOffset(a)).isEqualTo(12);
    assertThat(pending.lastOffset(b)).isEqualTo(11);
    assertThat(pending.aggregateId(b)).isEqualTo("b");
    assertThat(find("c")).isEqualTo(PendingVersions.ABSENT);
  }

  @Test
  void manyIdsWithNeighbouringHashCodesAreAllFoundAcrossGrowthAndClear() {
    for (int round = 0; round < 3; round++) {
      // given: more ids than the initial capacity
      int ids = 1_000 + round;
      for (int i = 0; i < ids; i++) {
        assertThat(find("agg-" + i)).isEqualTo(PendingVersions.ABSENT);
        add("agg-" + i, i);
      }

      // then
      assertThat(pending.size()).isEqualTo(ids);
      for (int i = 0; i < ids; i++) {
        int slot = find("agg-" + i);
        assertThat(pending.aggregateId(slot)).isEqualTo("agg-" + i);
        assertThat(pending.version(slot)).isEqualTo(i);
      }

      // when the next batch starts
      pending.clear();
      assertThat(pending.size()).isZero();
      assertThat(find("agg-0")).isEqualTo(PendingVersions.ABSENT);
    }
  }

  @Test
  void idsWithTheSameHashAreDifferentAggregates() {
    // given two ids given the same hash
    byte[] a = "a".getBytes(StandardCharsets.UTF_8);
    byte[] b = "b".getBytes(StandardCharsets.UTF_8);
    int slotA = pending.add(42, a, 1, 3);

    // when
    int slotB = pending.find(42, b, 1);

    // then
    assertThat(slotB).isEqualTo(PendingVersions.ABSENT);
    assertThat(pending.add(42, b, 1, 9)).isNotEqualTo(slotA);
    assertThat(pending.find(42, a, 1)).isEqualTo(slotA);
  }

  @Test
  void applyToCachesEveryAggregatesNewVersionAndLastOffset() {
    // given
    int a = add("a", 4);
    pending.next(a, 10);
    pending.next(add("b", 0), 11);
    pending.next(a, 12);
    StreamVersionCache cache = new StreamVersionCache(8);

    // when
    pending.applyTo(cache);

    // then
    assertThat(cache.version("a")).isEqualTo(6);
    assertThat(cache.lastOffset("a")).isEqualTo(12);
    assertThat(cache.version("b")).isEqualTo(1);
    assertThat(cache.lastOffset("b")).isEqualTo(11);
  }

  private int add(String aggregateId, long currentVersion) {
    byte[] key = aggregateId.getBytes(StandardCharsets.UTF_8);
    return pending.add(StreamHash.hash64(key), key, key.length, currentVersion);
  }

  private int find(String aggregateId) {
    byte[] key = aggregateId.getBytes(StandardCharsets.UTF_8);
    return pending.find(StreamHash.hash64(key), key, key.length);
  }
}
