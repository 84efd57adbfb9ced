package io.cairn.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.bench.Awaits;
import io.cairn.bench.CairnClients;
import io.cairn.bench.NodeProcess;
import io.cairn.bench.ProcessSupervisor;
import io.cairn.bench.TestNodeMain;
import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.TopicDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@code bench produce} for a few thousand records against a real node process. */
class BenchProduceIT {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void producePrintsOneJsonLineAndEveryRecordIsStored() throws Exception {
    try (ProcessSupervisor supervisor = new ProcessSupervisor();
         NodeProcess node = TestNodeMain.start(supervisor)) {
      // when
      BenchRun produce = BenchRun.of("produce", "--bootstrap", node.bootstrap(), "--topic", "bench-it",
          "--partitions", "3", "--records", "3000", "--warmup-records", "500", "--aggregates", "50",
          "--batch-bytes", "4096", "--linger-ms", "2", "--seed", "7");

      // then: one JSON line with the figures and the parameters
      assertThat(produce.exitCode()).as("stderr: %s", produce.err()).isZero();
      List<String> lines = produce.out().lines().toList();
      assertThat(lines).hasSize(1);
      JsonNode result = MAPPER.readTree(lines.get(0));
      assertThat(result.get("benchmark").asText()).isEqualTo("produce");
      assertThat(result.get("bootstrap").asText()).isEqualTo(node.bootstrap());
      assertThat(result.get("topic").asText()).isEqualTo("bench-it");
      assertThat(result.get("topic_created").asBoolean()).isTrue();
      assertThat(result.get("partitions").asInt()).isEqualTo(3);
      assertThat(result.get("flush_mode").asText()).isEqualTo("page-cache");
      assertThat(result.get("events").asLong()).isEqualTo(3000);
      assertThat(result.get("requests").asLong()).isEqualTo(3000);
      assertThat(result.get("record_bytes").asInt()).isEqualTo(100);
      assertThat(result.get("acks").asText()).isEqualTo("1");
      assertThat(result.get("idempotence").asBoolean()).isFalse();
      assertThat(result.get("seed").asLong()).isEqualTo(7);
      for (String figure : List.of("events_per_sec", "mb_per_sec", "p50_ms", "p99_ms", "p999_ms", "heap_used_mb")) {
        assertThat(result.get(figure).asDouble()).as(figure).isPositive();
      }

      // and: the node holds every record, warm-up included, spread over the partitions
      CairnClient client = CairnClients.connect(new ClientOptions().setBootstrapServers(node.bootstrap()));
      try {
        TopicDescription topic = Awaits.await(client.describeTopic("bench-it"), CairnClients.ADMIN_TIMEOUT, "describe");
        assertThat(topic.partitions().stream().mapToLong(PartitionDescription::highWatermark).sum()).isEqualTo(3500);
        assertThat(topic.partitions()).allSatisfy(partition -> assertThat(partition.highWatermark()).isPositive());
      } finally {
        CairnClients.close(client);
      }

      // and when: a second run finds the topic and appends to it
      BenchRun again = BenchRun.of("produce", "--bootstrap", node.bootstrap(), "--topic", "bench-it",
          "--records", "100");
      assertThat(again.exitCode()).as("stderr: %s", again.err()).isZero();
      JsonNode second = MAPPER.readTree(again.out().strip());
      assertThat(second.get("topic_created").asBoolean()).isFalse();
      assertThat(second.get("partitions").asInt()).isEqualTo(3);
      assertThat(node.alive()).isTrue();
    }
  }
}
