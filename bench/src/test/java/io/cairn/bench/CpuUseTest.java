package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuUseTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void twoReadingsGiveCpuPerSecondAndPerRecordOfEachSide() throws Exception {
    // given two readings 2 s apart: the server used 1.5 s of CPU meanwhile, the harness 0.4 s
    CpuUse before = new CpuUse(0, Optional.of(Duration.ofSeconds(1)), Optional.of(Duration.ofSeconds(2)));
    CpuUse after = new CpuUse(TimeUnit.SECONDS.toNanos(2), Optional.of(Duration.ofMillis(2500)),
        Optional.of(Duration.ofMillis(2400)));

    // when
    JsonNode json = MAPPER.readTree(after.putSince(before, 1000, new JsonLine()).toLine());

    // then
    assertThat(json.get("server_cpu_ms_per_s").asDouble()).isCloseTo(750, within(1e-9));
    assertThat(json.get("server_cpu_us_per_record").asDouble()).isCloseTo(1500, within(1e-9));
    assertThat(json.get("harness_cpu_ms_per_s").asDouble()).isCloseTo(200, within(1e-9));
    assertThat(json.get("harness_cpu_us_per_record").asDouble()).isCloseTo(400, within(1e-9));
  }

  @Test
  void aSideWithoutBothReadingsIsLeftOut() throws Exception {
    CpuUse before = new CpuUse(0, Optional.empty(), Optional.of(Duration.ofSeconds(1)));
    CpuUse after = new CpuUse(1_000_000_000, Optional.of(Duration.ofSeconds(5)), Optional.of(Duration.ofSeconds(2)));

    JsonNode json = MAPPER.readTree(after.putSince(before, 10, new JsonLine()).toLine());

    assertThat(json.has("server_cpu_ms_per_s")).isFalse();
    assertThat(json.has("server_cpu_us_per_record")).isFalse();
    assertThat(json.get("harness_cpu_ms_per_s").asDouble()).isCloseTo(1000, within(1e-9));
  }

  @Test
  void badArgumentsNameTheRule() {
    CpuUse before = new CpuUse(5, Optional.empty(), Optional.empty());
    CpuUse after = new CpuUse(10, Optional.empty(), Optional.empty());

    assertThatThrownBy(() -> after.putSince(before, 0, new JsonLine()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("records must be at least 1, is 0");
    assertThatThrownBy(() -> before.putSince(after, 1, new JsonLine()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be earlier");
  }

  @Test
  void readingsOfARunningProcessGrowByTheCpuItsThreadsUsed() {
    // given this JVM read both as the server and as the harness
    OptionalLong self = OptionalLong.of(ProcessHandle.current().pid());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    CpuUse before = CpuUse.now(self);
    long threadStart = threads.getCurrentThreadCpuTime();

    // when this thread alone uses 300 ms of CPU
    long spins = 0;
    while (threads.getCurrentThreadCpuTime() - threadStart < TimeUnit.MILLISECONDS.toNanos(300)) {
      spins++;
    }
    CpuUse after = CpuUse.now(self);

    // then both readings grew by at least that, less one 10 ms clock tick at each end
    assertThat(spins).isPositive();
    Duration atLeast = Duration.ofMillis(280);
    assertThat(after.server().orElseThrow().minus(before.server().orElseThrow())).isGreaterThanOrEqualTo(atLeast);
    assertThat(after.harness().orElseThrow().minus(before.harness().orElseThrow())).isGreaterThanOrEqualTo(atLeast);
  }

  @Test
  void aProcessThatHasEndedHasNoServerReading() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    assertThat(ended.waitFor(30, TimeUnit.SECONDS)).isTrue();

    CpuUse reading = CpuUse.now(OptionalLong.of(ended.pid()));

    assertThat(reading.server()).isEmpty();
    assertThat(reading.harness()).isPresent();
  }
}
