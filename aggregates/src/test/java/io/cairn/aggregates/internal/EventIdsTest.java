package io.cairn.aggregates.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void idsAreDistinctVersion4Uuids() {
    EventIds ids = new EventIds();
    Set<UUID> seen = new HashSet<>();

    for (int i = 0; i < 100_000; i++) {
      UUID id = ids.next();
      assertThat(id.version()).isEqualTo(4);
      assertThat(id.variant()).isEqualTo(2);
      assertThat(seen.add(id)).as("id %d (%s) is new", i, id).isTrue();
    }
  }

  @Test
  void theCounterWrapsInsideTheLowBitsWithoutTouchingTheVariant() {
    // given: a base whose low 62 bits are all ones, so the second id wraps to zero
    UUID base = new UUID(0x1234_5678_9abc_4defL, 0xBFFF_FFFF_FFFF_FFFFL);
    EventIds ids = new EventIds(base);

    UUID first = ids.next();
    UUID second = ids.next();

    assertThat(first).isEqualTo(base);
    assertThat(second).isEqualTo(new UUID(0x1234_5678_9abc_4defL, 0x8000_0000_0000_0000L));
    assertThat(second.variant()).isEqualTo(2);
  }
}
