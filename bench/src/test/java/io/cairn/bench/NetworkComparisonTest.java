package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.InvalidInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NetworkComparisonTest {

  private static final ProducerSettings SETTINGS = new ProducerSettings(5, 65536, "none", "1");
  private final List<LoopbackPipe> pipes = new ArrayList<>();

  @AfterEach
  void closePipes() throws InterruptedException {
    for (LoopbackPipe pipe : pipes) {
      pipe.close();
    }
  }

  /** A peer whose "server" is one loopback pipe per topic. */
  private final class LoopbackPeer implements NetworkPeer {
    private final String name;
    private final Map<String, LoopbackPipe> topics = new HashMap<>();
    final Map<String, Integer> partitionsByTopic = new HashMap<>();
    final List<String> sinksOpened = new ArrayList<>();

    LoopbackPeer(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean ensureTopic(String topic, int partitions, CompressionType compression) {
      partitionsByTopic.put(topic, partitions);
      if (topics.containsKey(topic)) {
        return false;
      }
      LoopbackPipe pipe = new LoopbackPipe(50, sequence -> false);
      pipes.add(pipe);
      topics.put(topic, pipe);
      return true;
    }

    @Override
    public RecordSink openSink(String topic, AggregateKeys keys, ProducerSettings settings) {
      sinksOpened.add(topic);
      return topics.get(topic).sink();
    }

    @Override
    public RecordSource openSource(String topic) {
      return topics.get(topic).source();
    }

    @Override
    public void describe(JsonLine line) {
      line.put("kind", "loopback");
    }

    @Override
    public void close() {
    }
  }

  private static NetworkComparison.Params params(double e2eRate, NetworkComparison.RateBasis basis) {
    return new NetworkComparison.Params(2000, 500, 1, 100, 50, 3, SETTINGS, 1, 0, e2eRate, 0.5, basis, 42);
  }

  @Test
  void bothPhasesRunForEveryPeerAndTheRatiosCompareCairnWithKafka() throws Exception {
    // given
    LoopbackPeer cairn = new LoopbackPeer("cairn");
    LoopbackPeer kafka = new LoopbackPeer("kafka");
    StringWriter progress = new StringWriter();

    // when: a fixed, small end-to-end rate keeps the test short
    JsonLine section = NetworkComparison.run(List.of(cairn, kafka), params(2000, NetworkComparison.RateBasis.MIN),
        new PrintWriter(progress));

    // then
    JsonNode json = new ObjectMapper().readTree(section.toLine());
    for (String side : List.of("cairn", "kafka")) {
      assertThat(json.get(side).get("kind").asText()).isEqualTo("loopback");
      assertThat(json.get(side).get("throughput").get("events").asLong()).isEqualTo(2000);
      assertThat(json.get(side).get("e2e").get("events").asLong()).isEqualTo(2000);
      assertThat(json.get(side).get("e2e").get("received").asLong()).isEqualTo(2000);
      assertThat(json.get(side).get("e2e").get("rate_per_sec").asDouble()).isEqualTo(2000);
      assertThat(json.get(side).get("e2e").get("harness_cpu_us_per_record").asDouble())
          .as("the harness's CPU over the measured phase").isPositive();
      assertThat(json.get(side).get("e2e").has("server_cpu_ms_per_s")).as("a peer without a server pid").isFalse();
    }
    assertThat(json.get("ratio_events_per_sec").asDouble()).isPositive();
    assertThat(json.get("ratio_e2e_p99").asDouble()).isPositive();
    assertThat(json.has("throughput_target_met")).isTrue();
    assertThat(json.has("e2e_p99_target_met")).isTrue();
    assertThat(json.get("e2e_rate_basis").asText()).isEqualTo("fixed");
    assertThat(json.get("target_ratio_events_per_sec").asDouble()).isEqualTo(1.0);
    assertThat(cairn.partitionsByTopic).containsEntry(NetworkComparison.THROUGHPUT_TOPIC, 3)
        .containsEntry(NetworkComparison.E2E_TOPIC, 3);
    assertThat(progress.toString()).contains("cairn throughput", "kafka end-to-end");
  }

  @Test
  void everyPeerIsPrimedBeforeTheFirstMeasuredPhase() {
    // given
    LoopbackPeer cairn = new LoopbackPeer("cairn");
    LoopbackPeer kafka = new LoopbackPeer("kafka");
    StringWriter progress = new StringWriter();

    // when
    NetworkComparison.run(List.of(cairn, kafka), params(2000, NetworkComparison.RateBasis.MIN),
        new PrintWriter(progress));

    // then: both sides got the unmeasured records on the throughput topic before Cairn's measured phase
    String said = progress.toString();
    assertThat(said.indexOf("kafka priming: 500 unmeasured records")).isPositive()
        .isLessThan(said.indexOf("cairn throughput, round 1"));
    assertThat(said.indexOf("cairn priming: 500 unmeasured records")).isLessThan(said.indexOf("kafka priming"));
    for (LoopbackPeer peer : List.of(cairn, kafka)) {
      assertThat(peer.sinksOpened).containsExactly(NetworkComparison.THROUGHPUT_TOPIC,
          NetworkComparison.THROUGHPUT_TOPIC, NetworkComparison.E2E_TOPIC);
    }
  }

  @Test
  void withoutWarmUpRecordsNoPeerIsPrimed() {
    LoopbackPeer cairn = new LoopbackPeer("cairn");
    StringWriter progress = new StringWriter();
    NetworkComparison.run(List.of(cairn),
        new NetworkComparison.Params(2000, 0, 1, 100, 50, 3, SETTINGS, 1, 0, 2000, 0.5,
            NetworkComparison.RateBasis.MIN, 42),
        new PrintWriter(progress));
    assertThat(progress.toString()).doesNotContain("priming");
    assertThat(cairn.sinksOpened).containsExactly(NetworkComparison.THROUGHPUT_TOPIC, NetworkComparison.E2E_TOPIC);
  }

  @Test
  void withoutKafkaThereIsNoRatio() throws Exception {
    JsonLine section = NetworkComparison.run(List.of(new LoopbackPeer("cairn")),
        params(2000, NetworkComparison.RateBasis.MIN), new PrintWriter(new StringWriter()));
    JsonNode json = new ObjectMapper().readTree(section.toLine());
    assertThat(json.has("cairn")).isTrue();
    assertThat(json.has("ratio_events_per_sec")).isFalse();
  }

  @Test
  void theEndToEndRateIsAFractionOfTheLowestPeakOrOfEachPeersOwn() {
    assertThat(NetworkComparison.e2eRate(params(-1, NetworkComparison.RateBasis.MIN), 800_000, 600_000))
        .isEqualTo(300_000);
    assertThat(NetworkComparison.e2eRate(params(-1, NetworkComparison.RateBasis.EACH), 800_000, 600_000))
        .isEqualTo(400_000);
    assertThat(NetworkComparison.e2eRate(params(1234, NetworkComparison.RateBasis.EACH), 800_000, 600_000))
        .isEqualTo(1234);
  }

  @Test
  void parametersNameTheBadOption() {
    assertThatThrownBy(() -> new NetworkComparison.Params(2000, 500, 1, 20, 50, 1, SETTINGS, 1, 0, -1, 0.5,
        NetworkComparison.RateBasis.MIN, 42)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("net-record-bytes");
    assertThatThrownBy(() -> new NetworkComparison.Params(2000, 500, 1, 100, 50, 1, SETTINGS, 1, 0, -1, 1.5,
        NetworkComparison.RateBasis.MIN, 42)).hasMessageContaining("e2e-rate-fraction");
    assertThatThrownBy(() -> NetworkComparison.RateBasis.forName("max")).hasMessageContaining("min or each");
    assertThatThrownBy(() -> new NetworkComparison.Params(2000, 500, 0, 100, 50, 1, SETTINGS, 1, 0, -1, 0.5,
        NetworkComparison.RateBasis.MIN, 42)).hasMessageContaining("net-rounds");
  }

  @Test
  void throughputRoundsAlternateTheOrderOfTheSidesAndEachSideReportsItsMedianRound() throws Exception {
    // given
    LoopbackPeer cairn = new LoopbackPeer("cairn");
    LoopbackPeer kafka = new LoopbackPeer("kafka");
    StringWriter progress = new StringWriter();
    NetworkComparison.Params threeRounds = new NetworkComparison.Params(2000, 0, 3, 100, 50, 3, SETTINGS, 1, 0, 2000,
        0.5, NetworkComparison.RateBasis.MIN, 42);

    // when
    JsonLine section = NetworkComparison.run(List.of(cairn, kafka), threeRounds, new PrintWriter(progress));

    // then: cairn, kafka | kafka, cairn | cairn, kafka
    Matcher round = Pattern.compile("network: (\\w+ throughput, round \\d of \\d):").matcher(progress.toString());
    List<String> starts = new ArrayList<>();
    while (round.find()) {
      starts.add(round.group(1));
    }
    assertThat(starts).containsExactly("cairn throughput, round 1 of 3", "kafka throughput, round 1 of 3",
        "kafka throughput, round 2 of 3", "cairn throughput, round 2 of 3", "cairn throughput, round 3 of 3",
        "kafka throughput, round 3 of 3");
    JsonNode json = new ObjectMapper().readTree(section.toLine());
    for (String side : List.of("cairn", "kafka")) {
      JsonNode rounds = json.get(side).get("throughput_rounds_events_per_sec");
      assertThat(rounds).hasSize(3);
      List<Double> sorted = new ArrayList<>();
      rounds.forEach(r -> sorted.add(r.asDouble()));
      sorted.sort(null);
      assertThat(json.get(side).get("throughput").get("events_per_sec").asDouble()).isEqualTo(sorted.get(1));
    }
  }

  @Test
  void theMedianRoundIsTheMiddleOneOrTheLowerOfTheTwoMiddleOnes() {
    RunFigures slow = figures(1000);
    RunFigures middle = figures(2000);
    RunFigures fast = figures(4000);
    RunFigures fastest = figures(8000);

    assertThat(NetworkComparison.medianRound(List.of(fast, slow, middle))).isSameAs(middle);
    assertThat(NetworkComparison.medianRound(List.of(fastest, slow, fast, middle))).isSameAs(middle);
    assertThat(NetworkComparison.medianRound(List.of(fast))).isSameAs(fast);
    assertThatThrownBy(() -> NetworkComparison.medianRound(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  /** Figures of a run of 8 000 records at {@code recordsPerSec}. */
  private static RunFigures figures(long recordsPerSec) {
    return new RunFigures(8000, 800_000, TimeUnit.SECONDS.toNanos(8000) / recordsPerSec, new Latencies(), 0);
  }
}
