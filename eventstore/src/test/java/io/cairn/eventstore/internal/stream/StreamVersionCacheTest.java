package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class StreamVersionCacheTest {

  @Test
  void returnsWhatWasPutAndAbsentOtherwise() {
    // given
    StreamVersionCache cache = new StreamVersionCache(4);

    // when
    cache.put("acc-1", 3, 120);

    // then
    assertThat(cache.version("acc-1")).isEqualTo(3);
    assertThat(cache.lastOffset("acc-1")).isEqualTo(120);
    assertThat(cache.version("acc-2")).isEqualTo(StreamVersionCache.ABSENT);
    assertThat(cache.lastOffset("acc-2")).isEqualTo(StreamVersionCache.ABSENT);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void evictsTheLeastRecentlyUsedWhenFull() {
    // given
    StreamVersionCache cache = new StreamVersionCache(3);
    cache.put("a", 1, 10);
    cache.put("b", 1, 11);
    cache.put("c", 1, 12);

    // when "a" is read, "b" becomes the least recently used
    cache.version("a");
    cache.put("d", 1, 13);

    // then
    assertThat(cache.contains("b")).isFalse();
    assertThat(cache.contains("a")).isTrue();
    assertThat(cache.contains("c")).isTrue();
    assertThat(cache.contains("d")).isTrue();
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.evictions()).isEqualTo(1);

    // and an update counts as a use
    cache.put("c", 2, 14);
    cache.put("e", 1, 15);
    assertThat(cache.contains("a")).isFalse();
    assertThat(cache.version("c")).isEqualTo(2);
  }

  @Test
  void removeFromOffsetForgetsAggregatesWrittenAtOrAfterATruncation() {
    // given
    StreamVersionCache cache = new StreamVersionCache(8);
    cache.put("a", 5, 100);
    cache.put("b", 2, 150);
    cache.put("c", 9, 200);

    // when
    int removed = cache.removeFromOffset(150);

    // then
    assertThat(removed).isEqualTo(2);
    assertThat(cache.contains("a")).isTrue();
    assertThat(cache.contains("b")).isFalse();
    assertThat(cache.contains("c")).isFalse();
    cache.put("d", 1, 151);
    assertThat(cache.version("d")).isEqualTo(1);
  }

  @Test
  void rejectsAZeroCapacityAndNegativeVersions() {
    assertThatThrownBy(() -> new StreamVersionCache(0)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("capacity = 0");
    assertThatThrownBy(() -> new StreamVersionCache(1).put("a", -1, 0)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void memoryBytesGrowsWithTheCachedIds() {
    // given
    StreamVersionCache cache = new StreamVersionCache(1_000);
    long empty = cache.memoryBytes();

    // when
    for (int i = 0; i < 1_000; i++) {
      cache.put("aggregate-" + i, i, i);
    }

    // then
    assertThat(cache.memoryBytes() - empty).isBetween(1_000L * 80, 1_000L * 110);
  }

  /** The model of the cache: an access-ordered map of {@code key -> (version, lastOffset)} holding {@code capacity}. */
  private static Map<String, long[]> accessOrderedReference(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > capacity;
      }
    };
  }

  /** One step against the cache and the reference. */
  record Step(int kind, int key, long value) {
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 9),
        Arbitraries.integers().between(0, 20), Arbitraries.longs().between(0, 1_000)).as(Step::new);
    return step.list().ofMaxSize(300);
  }

  @Property(tries = 300)
  void behavesLikeAnAccessOrderedLinkedHashMap(@ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 8) int capacity) {
    // given
    StreamVersionCache cache = new StreamVersionCache(capacity);
    Map<String, long[]> reference = accessOrderedReference(capacity);

    for (Step step : steps) {
      String key = "k" + step.key();
      // when
      switch (step.kind()) {
        case 0, 1, 2, 3 -> {
          cache.put(key, step.value(), step.value() + 1);
          reference.put(key, new long[] {step.value(), step.value() + 1});
        }
        case 4, 5, 6 -> {
          long[] expected = reference.get(key);
          assertThat(cache.version(key)).isEqualTo(expected == null ? StreamVersionCache.ABSENT : expected[0]);
        }
        case 7 -> assertThat(cache.remove(key)).isEqualTo(reference.remove(key) != null);
        case 8 -> {
          cache.removeFromOffset(step.value());
          reference.values().removeIf(v -> v[1] >= step.value());
        }
        default -> {
          long[] expected = reference.get(key);
          assertThat(cache.lastOffset(key)).isEqualTo(expected == null ? StreamVersionCache.ABSENT : expected[1]);
        }
      }
      // then
      assertThat(cache.size()).isEqualTo(reference.size());
      for (String cached : reference.keySet()) {
        assertThat(cache.contains(cached)).as("contains %s", cached).isTrue();
      }
    }
  }

  @Property(tries = 300)
  void idsWhoseHashesCollideStayApartThroughEvictionsAndRemovals(@ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 8) int capacity) {
    // given: a hash with only three values, so that probe runs are long and deletions shift entries back
    StreamVersionCache cache = new StreamVersionCache(capacity);
    Map<String, long[]> reference = accessOrderedReference(capacity);

    for (Step step : steps) {
      String key = "k" + step.key();
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      long hash = step.key() % 3;
      // when
      if (step.kind() < 5) {
        cache.put(hash, bytes, 0, bytes.length, step.value(), step.value() + 1);
        reference.put(key, new long[] {step.value(), step.value() + 1});
      } else if (step.kind() < 9) {
        long[] expected = reference.get(key);
        assertThat(cache.version(hash, bytes, 0, bytes.length))
            .isEqualTo(expected == null ? StreamVersionCache.ABSENT : expected[0]);
      } else {
        cache.removeFromOffset(step.value());
        reference.values().removeIf(v -> v[1] >= step.value());
      }
      // then
      assertThat(cache.size()).isEqualTo(reference.size());
    }
    for (Map.Entry<String, long[]> entry : List.copyOf(reference.entrySet())) {
      byte[] bytes = entry.getKey().getBytes(StandardCharsets.UTF_8);
      long hash = Integer.parseInt(entry.getKey().substring(1)) % 3;
      assertThat(cache.version(hash, bytes, 0, bytes.length)).as(entry.getKey()).isEqualTo(entry.getValue()[0]);
    }
  }

  @Test
  void looksUpByIdBytesInsideALargerArray() {
    // given
    StreamVersionCache cache = new StreamVersionCache(4);
    byte[] buffer = "xxacc-1yy".getBytes(StandardCharsets.UTF_8);
    long hash = StreamHash.hash64("acc-1");

    // when
    cache.put(hash, buffer, 2, 5, 7, 70);

    // then: the String overloads see the same entry, and the cache kept its own copy of the id
    buffer[2] = 'X';
    assertThat(cache.version("acc-1")).isEqualTo(7);
    assertThat(cache.lastOffset("acc-1")).isEqualTo(70);
    assertThat(cache.version(hash, "acc-1".getBytes(StandardCharsets.UTF_8), 0, 5)).isEqualTo(7);
  }
}
