package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Cairn side of the network comparison end to end: a real node process, Cairn's network producer for
 * the throughput phase, producer and consumer for the end-to-end phase, and a clean stop of the node.
 */
class NetworkComparisonIT {

  @Test
  void cairnSideMeasuresThroughputAndEndToEndLatencyAgainstANodeProcess() throws Exception {
    // given
    StringWriter progress = new StringWriter();
    NetworkComparison.Params params = new NetworkComparison.Params(5000, 1000, 1, 100, 100, 2,
        new ProducerSettings(2, 16384, "none", "1"), 1, 0, 2000, 0.5, NetworkComparison.RateBasis.MIN, 3);
    JsonLine section;
    int exitCode;
    try (ProcessSupervisor supervisor = new ProcessSupervisor()) {
      NodeProcess node = TestNodeMain.start(supervisor);
      try (CairnNetworkPeer cairn = CairnNetworkPeer.connect(node.bootstrap(), node.httpAddress(), node.pid(), 3)) {
        // when
        section = NetworkComparison.run(List.of(cairn), params, new PrintWriter(progress));
      } finally {
        exitCode = node.stop();
      }
      assertThat(supervisor.liveCount()).isZero();
    }

    // then
    JsonNode json = new ObjectMapper().readTree(section.toLine());
    JsonNode cairn = json.get("cairn");
    assertThat(cairn.get("flush_mode").asText()).isEqualTo("page-cache");
    assertThat(cairn.get("throughput").get("events").asLong()).isEqualTo(5000);
    assertThat(cairn.get("throughput").get("events_per_sec").asDouble()).isPositive();
    assertThat(cairn.get("e2e").get("events").asLong()).isEqualTo(2000);
    assertThat(cairn.get("e2e").get("received").asLong()).isEqualTo(2000);
    assertThat(cairn.get("e2e").get("p99_ms").asDouble()).isPositive();
    assertThat(cairn.get("e2e").get("server_produce_requests").asLong())
        .as("the node's own Produce requests of the measured phase").isPositive();
    assertThat(cairn.get("e2e").get("server_produce_p99_ms").asDouble()).isPositive();
    assertThat(cairn.get("e2e").get("server_cpu_ms_per_s").asDouble())
        .as("the node process's CPU over the measured phase").isPositive();
    assertThat(cairn.get("e2e").get("server_cpu_us_per_record").asDouble()).isPositive();
    assertThat(cairn.get("e2e").get("harness_cpu_ms_per_s").asDouble()).isPositive();
    assertThat(exitCode).as("the node stopped cleanly on SIGTERM").isZero();
  }
}
