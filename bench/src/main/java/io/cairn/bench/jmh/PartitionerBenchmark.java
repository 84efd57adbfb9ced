package io.cairn.bench.jmh;

import io.cairn.eventstore.Partitioner;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of choosing a partition for an aggregate id: Cairn's {@link Partitioner} from a String (UTF-8
 * encoding included) and from bytes, next to Kafka's own {@code Utils.murmur2} as the reference.
 * Cycles through {@value #KEYS} pre-built ids like {@code account-000123456}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PartitionerBenchmark {

  /** Distinct ids cycled through. */
  static final int KEYS = 1024;
  private static final int KEY_MASK = KEYS - 1;

  @Param({"12"})
  int partitions;

  private final String[] ids = new String[KEYS];
  private final byte[][] idBytes = new byte[KEYS][];
  private int next;

  /** Builds the ids. */
  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < KEYS; i++) {
      ids[i] = String.format("account-%09d", random.nextInt(1_000_000_000));
      idBytes[i] = ids[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Cairn, from the id as a String. */
  @Benchmark
  public int cairnFromString() {
    return Partitioner.partitionFor(ids[next++ & KEY_MASK], partitions);
  }

  /** Cairn, from the id's UTF-8 bytes. */
  @Benchmark
  public int cairnFromBytes() {
    return Partitioner.partitionFor(idBytes[next++ & KEY_MASK], partitions);
  }

  /** Kafka's default partitioner arithmetic, from bytes. */
  @Benchmark
  public int kafkaFromBytes() {
    return Utils.toPositive(Utils.murmur2(idBytes[next++ & KEY_MASK])) % partitions;
  }
}
