package io.cairn.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.bench.AckLog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code bench append} tiny against the real local store, then checks its ack log with {@code verify-acks}. */
class BenchAppendIT {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void appendPrintsOneJsonLineAndEveryAcknowledgedEventIsStored() throws Exception {
    // given
    Path data = dir.resolve("store");
    Path acks = dir.resolve("acks.tsv");

    // when
    BenchRun append = BenchRun.of("append", "--mode", "durable", "--events", "2000", "--events-per-append", "2",
        "--streams", "4", "--aggregates", "40", "--event-bytes", "64", "--warmup-s", "0",
        "--data-dir", data.toString(), "--ack-log", acks.toString(), "--seed", "7");

    // then: one JSON line with the figures and the parameters
    assertThat(append.exitCode()).as("stderr: %s", append.err()).isZero();
    List<String> lines = append.out().lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode result = MAPPER.readTree(lines.get(0));
    assertThat(result.get("benchmark").asText()).isEqualTo("append");
    assertThat(result.get("events").asLong()).isEqualTo(2000);
    assertThat(result.get("appends").asLong()).isEqualTo(1000);
    assertThat(result.get("conflicts").asLong()).isZero();
    assertThat(result.get("aggregates_touched").asLong()).isEqualTo(40);
    assertThat(result.get("events_per_sec").asDouble()).isPositive();
    assertThat(result.get("p50_ms").asDouble()).isPositive();
    assertThat(result.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(result.get("p50_ms").asDouble());
    assertThat(result.get("p999_ms").asDouble()).isGreaterThanOrEqualTo(result.get("p99_ms").asDouble());
    assertThat(result.get("heap_used_mb").asDouble()).isPositive();
    assertThat(result.get("mode").asText()).isEqualTo("durable");
    assertThat(result.get("streams").asInt()).isEqualTo(4);
    assertThat(result.get("seed").asLong()).isEqualTo(7);
    assertThat(AckLog.readAll(acks)).hasSize(2000)
        .allSatisfy(entry -> assertThat(entry.topic()).isEqualTo(AppendCommand.TOPIC));

    // and when: the outside check reopens the store and reads every acknowledged event back
    BenchRun verify = BenchRun.of("verify-acks", "--data-dir", data.toString(), "--ack-log", acks.toString());

    // then
    assertThat(verify.exitCode()).as("stderr: %s", verify.err()).isZero();
    JsonNode verified = MAPPER.readTree(verify.out().strip());
    assertThat(verified.get("checked").asLong()).isEqualTo(2000);
    assertThat(verified.get("missing").asLong()).isZero();
    assertThat(verified.get("mismatched").asLong()).isZero();
  }
}
