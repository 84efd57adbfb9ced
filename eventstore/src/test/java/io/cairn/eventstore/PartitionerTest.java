package io.cairn.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartitionerTest {

  /** Every vector of kafka-format-facts.md: key, murmur2, partition for 3, 6, 12, 16, 50, 100 partitions. */
  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "''                                     |  275646681 | 0 | 3 |  9 |  9 | 31 | 81",
      "a                                      | -1563381124 | 1 | 4 |  4 | 12 | 24 | 24",
      "ab                                     |  316155434 | 2 | 2 |  2 | 10 | 34 | 34",
      "abc                                    |  479470107 | 0 | 3 |  3 | 11 |  7 |  7",
      "abcd                                   | -1323649548 | 2 | 2 |  8 |  4 |  0 |  0",
      "21                                     | -973932308 | 0 | 0 |  0 | 12 | 40 | 40",
      "foobar                                 | -790332482 | 0 | 0 |  6 | 14 | 16 | 66",
      "order-42                               |  501153024 | 0 | 0 |  0 |  0 | 24 | 24",
      "customer-1001                          | 2073265393 | 1 | 1 |  1 |  1 | 43 | 93",
      "a-little-bit-long-string               | -985981536 | 2 | 2 |  8 |  0 | 12 | 12",
      "a-little-bit-longer-string             | -1486304829 | 2 | 5 | 11 |  3 | 19 | 19",
      "123e4567-e89b-12d3-a456-426614174000   |  210376136 | 2 | 2 |  8 |  8 | 36 | 36",
      "ключ                                   | 2122343024 | 2 | 2 |  8 |  0 | 24 | 24",
      "日本                                    | -700811021 | 0 | 3 |  3 |  3 | 27 | 27",
  })
  void matchesKafkaVectors(String key, int murmur2, int p3, int p6, int p12, int p16, int p50, int p100) {
    String aggregateId = key == null ? "" : key;
    assertThat(Partitioner.murmur2(aggregateId.getBytes(StandardCharsets.UTF_8))).isEqualTo(murmur2);
    assertThat(Partitioner.partitionFor(aggregateId, 3)).isEqualTo(p3);
    assertThat(Partitioner.partitionFor(aggregateId, 6)).isEqualTo(p6);
    assertThat(Partitioner.partitionFor(aggregateId, 12)).isEqualTo(p12);
    assertThat(Partitioner.partitionFor(aggregateId, 16)).isEqualTo(p16);
    assertThat(Partitioner.partitionFor(aggregateId, 50)).isEqualTo(p50);
    assertThat(Partitioner.partitionFor(aggregateId, 100)).isEqualTo(p100);
  }

  @Property(tries = 2000)
  void agreesWithKafkaClientsForAnyKey(@ForAll byte[] key, @ForAll @IntRange(min = 1, max = 1000) int partitions) {
    int kafka = Utils.toPositive(Utils.murmur2(key)) % partitions;
    assertThat(Partitioner.partitionFor(key, partitions)).isEqualTo(kafka);
  }

  @Property(tries = 500)
  void toPositiveClearsOnlyTheSignBit(@ForAll int value) {
    assertThat(Partitioner.toPositive(value)).isEqualTo(Utils.toPositive(value)).isNotNegative();
  }

  @ParameterizedTest
  @CsvSource({"0", "-1"})
  void rejectsPartitionCountBelowOne(int partitions) {
    assertThatThrownBy(() -> Partitioner.partitionFor("a", partitions))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("partitions");
  }
}
