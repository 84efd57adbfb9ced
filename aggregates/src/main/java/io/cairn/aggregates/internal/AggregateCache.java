package io.cairn.aggregates.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The least recently used aggregates of one gateway, at most {@code maxEntries}. Not thread-safe: used on the
 * gateway's context only.
 *
 * @param <S> the state
 */
final class AggregateCache<S> {

  private final LinkedHashMap<String, CachedAggregate<S>> entries;

  public AggregateCache(int maxEntries) {
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, CachedAggregate<S>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  public Optional<CachedAggregate<S>> get(String aggregateId) {
    return Optional.ofNullable(entries.get(aggregateId));
  }

  public void put(String aggregateId, CachedAggregate<S> aggregate) {
    entries.put(aggregateId, aggregate);
  }

  /**
   * Puts {@code aggregate} back if it was evicted since it was looked up, without refreshing its recency
   * (the lookup did; refreshing again would relink the access order for nothing).
   */
  public void ensureCached(String aggregateId, CachedAggregate<S> aggregate) {
    if (!entries.containsKey(aggregateId)) {
      entries.put(aggregateId, aggregate);
    }
  }

  /** Forgets an aggregate whose state may no longer match its stream; the next command reloads it. */
  public void evict(String aggregateId) {
    entries.remove(aggregateId);
  }

  public int size() {
    return entries.size();
  }

  public void clear() {
    entries.clear();
  }
}
