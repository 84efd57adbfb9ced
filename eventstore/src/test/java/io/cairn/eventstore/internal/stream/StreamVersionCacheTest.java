package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
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
  void evictsAnEntryNotUsedSinceTheClockLastPassedIt() {
    // given: three entries, each used once
    StreamVersionCache cache = new StreamVersionCache(3);
    cache.put("a", 1, 10);
    cache.put("b", 1, 11);
    cache.put("c", 1, 12);

    // when every entry was used since the clock last passed, one lap clears them all and the first goes
    cache.put("d", 1, 13);

    // then
    assertThat(cache.contains("a")).isFalse();
    assertThat(cache.evictions()).isEqualTo(1);

    // when "b" is used again and "c" is not, the next eviction passes over "b" and takes "c"
    assertThat(cache.version("b")).isEqualTo(1);
    cache.put("e", 1, 14);

    // then
    assertThat(cache.contains("c")).isFalse();
    assertThat(cache.contains("b")).isTrue();
    assertThat(cache.contains("d")).isTrue();
    assertThat(cache.version("e")).isEqualTo(1);
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.evictions()).isEqualTo(2);

    // and an update counts as a use: "b" (passed over, so unmarked) would go next; updated, it stays, and
    // with every entry used the lap ends at "d"
    cache.put("b", 2, 15);
    cache.put("f", 1, 16);
    assertThat(cache.contains("d")).isFalse();
    assertThat(cache.version("b")).isEqualTo(2);
  }

  @Test
  void prefetchIsNotAUse() {
    // given: after one eviction "b" and "c" are unmarked and the clock points at "b"
    StreamVersionCache cache = new StreamVersionCache(3);
    cache.put("a", 1, 10);
    cache.put("b", 1, 11);
    cache.put("c", 1, 12);
    cache.put("d", 1, 13);

    // when "b" and an absent aggregate are prefetched
    cache.prefetch(new long[] {StreamHash.hash64("b"), StreamHash.hash64("x")}, 2);
    cache.put("e", 1, 14);

    // then "b" was still unmarked and went; a use would have kept it and taken "c"
    assertThat(cache.contains("b")).isFalse();
    assertThat(cache.contains("c")).isTrue();
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.version("x")).isEqualTo(StreamVersionCache.ABSENT);
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
  void memoryBytesGrowsWithTheEntries() {
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

  /** One step against the cache and the model. */
  record Step(int kind, int key, long value) {
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 9),
        Arbitraries.integers().between(0, 20), Arbitraries.longs().between(0, 1_000)).as(Step::new);
    return step.list().ofMaxSize(300);
  }

  @Property(tries = 300)
  void neverAnswersAStaleValueAndEvictsOnlyWhenFull(@ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 8) int capacity) {
    new ModelCheck(capacity, StreamHash::hash64).run(steps);
  }

  @Property(tries = 300)
  void idsWhoseHashesCollideStayApartThroughEvictionsAndRemovals(@ForAll("steps") List<Step> steps,
      @ForAll @IntRange(min = 1, max = 8) int capacity) {
    // a hash with only three values, so that probe runs are long and deletions shift entries back
    new ModelCheck(capacity, key -> Integer.parseInt(key.substring(1)) % 3).run(steps);
  }

  /**
   * Runs steps against a cache and a model holding every entry ever written minus those removed: the cache
   * answers either what the model holds or {@link StreamVersionCache#ABSENT}, holds at most its capacity,
   * evicts exactly one entry per new id once full and none before, and keeps the entry just written.
   */
  private static final class ModelCheck {
    private final StreamVersionCache cache;
    private final int capacity;
    private final ToLongFunction<String> hash;
    private final Map<String, long[]> written = new HashMap<>();

    ModelCheck(int capacity, ToLongFunction<String> hash) {
      this.cache = new StreamVersionCache(capacity);
      this.capacity = capacity;
      this.hash = hash;
    }

    void run(List<Step> steps) {
      for (Step step : steps) {
        String key = "k" + step.key();
        switch (step.kind()) {
          case 0, 1, 2, 3 -> put(key, step.value());
          case 4, 5, 6 -> assertAnswer(key, cache.version(hash(key), bytes(key), 0, bytes(key).length), 0);
          case 7 -> {
            boolean cached = contains(key);
            assertThat(cache.remove(hash(key), bytes(key), 0, bytes(key).length)).isEqualTo(cached);
            written.remove(key);
          }
          case 8 -> removeFromOffset(step.value());
          default -> assertAnswer(key, cache.lastOffset(hash(key), bytes(key), 0, bytes(key).length), 1);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(capacity)
            .isEqualTo(written.keySet().stream().filter(this::contains).count());
      }
      for (String key : written.keySet()) {
        assertAnswer(key, cache.version(hash(key), bytes(key), 0, bytes(key).length), 0);
      }
    }

    private void put(String key, long value) {
      boolean cached = contains(key);
      int sizeBefore = cache.size();
      long evictionsBefore = cache.evictions();
      cache.put(hash(key), bytes(key), 0, bytes(key).length, value, value + 1);
      written.put(key, new long[] {value, value + 1});
      boolean evicts = !cached && sizeBefore == capacity;
      assertThat(cache.evictions() - evictionsBefore).isEqualTo(evicts ? 1 : 0);
      assertThat(cache.size()).isEqualTo(cached || evicts ? sizeBefore : sizeBefore + 1);
      assertThat(contains(key)).isTrue();
    }

    private boolean contains(String key) {
      return cache.contains(hash(key), bytes(key), 0, bytes(key).length);
    }

    private long hash(String key) {
      return hash.applyAsLong(key);
    }

    private static byte[] bytes(String key) {
      return key.getBytes(StandardCharsets.UTF_8);
    }

    private void removeFromOffset(long offset) {
      long cachedAtOrAfter = written.entrySet().stream()
          .filter(entry -> entry.getValue()[1] >= offset && contains(entry.getKey())).count();
      assertThat(cache.removeFromOffset(offset)).isEqualTo(cachedAtOrAfter);
      written.values().removeIf(value -> value[1] >= offset);
    }

    private void assertAnswer(String key, long answer, int field) {
      long[] expected = written.get(key);
      if (expected == null) {
        assertThat(answer).as(key).isEqualTo(StreamVersionCache.ABSENT);
      } else if (answer != StreamVersionCache.ABSENT) {
        assertThat(answer).as(key).isEqualTo(expected[field]);
      }
    }
  }

  @Test
  void tellsApartIdsThatDifferOnlyInLengthOrLastByteWithTheSameHash() {
    // given: ids of 1 to 40 bytes, in place (up to 32) and in the side array, all with one hash
    StreamVersionCache cache = new StreamVersionCache(100);
    long hash = 7;
    for (int length = 1; length <= 40; length++) {
      byte[] same = "a".repeat(length).getBytes(StandardCharsets.UTF_8);
      byte[] lastDiffers = ("a".repeat(length - 1) + "b").getBytes(StandardCharsets.UTF_8);
      cache.put(hash, same, 0, length, 2L * length, 0);
      cache.put(hash, lastDiffers, 0, length, 2L * length + 1, 0);
    }

    // then
    for (int length = 1; length <= 40; length++) {
      byte[] buffer = ("yy" + "a".repeat(length) + "zz").getBytes(StandardCharsets.UTF_8);
      assertThat(cache.version(hash, buffer, 2, length)).as("a x %d", length).isEqualTo(2L * length);
      byte[] lastDiffers = ("a".repeat(length - 1) + "b").getBytes(StandardCharsets.UTF_8);
      assertThat(cache.version(hash, lastDiffers, 0, length)).as("a x %d, then b", length - 1)
          .isEqualTo(2L * length + 1);
    }
    assertThat(cache.version(hash, "c".getBytes(StandardCharsets.UTF_8), 0, 1)).isEqualTo(StreamVersionCache.ABSENT);
    assertThat(cache.size()).isEqualTo(80);
  }

  @Test
  void countsTheBytesOfIdsTooLongToBeKeptInPlace() {
    // given
    StreamVersionCache cache = new StreamVersionCache(10);
    cache.put("short", 1, 0);
    long before = cache.memoryBytes();
    String longId = "x".repeat(StreamVersionCache.INLINE_KEY_BYTES + 68);

    // when
    cache.put(longId, 1, 0);

    // then: the long id costs its bytes, and gives them back when it goes
    assertThat(cache.memoryBytes() - before).isGreaterThanOrEqualTo(100);
    assertThat(cache.remove(longId)).isTrue();
    assertThat(cache.memoryBytes()).isEqualTo(before);
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
