package io.cairn.aggregates.internal;

import java.util.UUID;

/**
 * Event ids of one gateway: a random (version 4) UUID drawn once from {@link UUID#randomUUID()}, with a
 * counter added to its 62 low bits for each id. Event ids need uniqueness (the store recognises a retried
 * append by them), not unpredictability, so this replaces a {@code SecureRandom} draw per event with an
 * increment: ids of one source never repeat (2^62 of them), and two sources collide only if their 60 random
 * high bits are equal and their counters overlap. Every id keeps the version 4 and IETF variant bits. Not
 * thread-safe: used on the gateway's context only.
 */
final class EventIds {

  private static final long VARIANT_MASK = 0xC000_0000_0000_0000L;
  private static final long VARIANT_IETF = 0x8000_0000_0000_0000L;
  private static final long COUNTER_MASK = ~VARIANT_MASK;

  private final long mostSignificantBits;
  private final long leastSignificantBase;
  private long next;

  EventIds() {
    this(UUID.randomUUID());
  }

  /** Ids starting at {@code base} (a version 4 UUID). */
  EventIds(UUID base) {
    this.mostSignificantBits = base.getMostSignificantBits();
    this.leastSignificantBase = base.getLeastSignificantBits();
  }

  /** The next id. */
  UUID next() {
    long low = (leastSignificantBase + next++) & COUNTER_MASK;
    return new UUID(mostSignificantBits, VARIANT_IETF | low);
  }
}
