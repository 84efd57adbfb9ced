package io.cairn.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AggregateKeysTest {

  private static final long SEED = 0xa99e6a7eL;

  @Test
  void thePartitionIsThePartitionersForAsciiOtherAndLongIds() {
    Random random = new Random(SEED);
    List<String> fixed = List.of("a", "acct-1", "konto-é", "日本-1", "\uD83D\uDE00", "\uD800 lone", "x".repeat(256),
        "x".repeat(257), "é".repeat(300));
    for (String id : fixed) {
      for (int partitions : new int[] {1, 3, 12, 1000}) {
        assertThat(AggregateKeys.partitionFor(id, partitions)).as("%s of %d", id, partitions)
            .isEqualTo(Partitioner.partitionFor(id, partitions));
      }
    }
    for (int i = 0; i < 1000; i++) {
      StringBuilder id = new StringBuilder();
      int length = 1 + random.nextInt(300);
      for (int c = 0; c < length; c++) {
        id.append(random.nextInt(10) == 0 ? (char) (0x80 + random.nextInt(0x700)) : (char) ('!' + random.nextInt(90)));
      }
      assertThat(AggregateKeys.partitionFor(id.toString(), 7)).as("seed %x, id %d", SEED, i)
          .isEqualTo(Partitioner.partitionFor(id.toString(), 7));
    }
  }

  @Test
  void utf8LengthBoundsAreCheckedExactly() {
    assertThat(AggregateKeys.hasUtf8Length("", 10)).isFalse();
    assertThat(AggregateKeys.hasUtf8Length("abc", 3)).isTrue();
    assertThat(AggregateKeys.hasUtf8Length("abcd", 3)).isFalse();
    assertThat(AggregateKeys.hasUtf8Length("éé", 4)).isTrue();
    assertThat(AggregateKeys.hasUtf8Length("ééé", 5)).isFalse();
    assertThat(AggregateKeys.hasUtf8Length("\uD800", 1)).as("an unpaired surrogate is one '?' byte").isTrue();
    assertThat(AggregateKeys.utf8Length("日本")).isEqualTo("日本".getBytes(StandardCharsets.UTF_8).length);
  }
}
