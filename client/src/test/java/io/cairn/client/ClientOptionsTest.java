package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {

  private static ClientOptions valid() {
    return new ClientOptions().setBootstrapServers("127.0.0.1:7070");
  }

  private static void assertRejected(Runnable change, String setting, String valuePart) {
    assertThatThrownBy(change::run)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(setting))
        .hasMessageContaining(valuePart);
  }

  @Test
  void defaultsAreKafkasWhereKafkaHasThem() {
    ClientOptions options = new ClientOptions();
    assertThat(options.lingerMs()).isEqualTo(5);
    assertThat(options.batchSize()).isEqualTo(16_384);
    assertThat(options.bufferMemory()).isEqualTo(32L * 1024 * 1024);
    assertThat(options.enableIdempotence()).isTrue();
    assertThat(options.acks()).isEqualTo(Acks.ALL);
    assertThat(options.maxInFlightRequestsPerConnection()).isEqualTo(5);
    assertThat(options.maxPollRecords()).isEqualTo(500);
    assertThat(options.fetchMaxWaitMs()).isEqualTo(500);
    assertThat(options.requestTimeoutMs()).isEqualTo(30_000);
    assertThat(options.deliveryTimeoutMs()).isEqualTo(120_000);
    assertThat(options.compressionType()).isEqualTo(CompressionType.NONE);
  }

  @Test
  void everySettingCanBeGivenByItsKafkaNameAndReadBack() {
    // given
    Map<String, String> settings = Map.ofEntries(
        Map.entry("bootstrap.servers", "node-a:7070, node-b:7071"),
        Map.entry("client.id", "billing"),
        Map.entry("request.timeout.ms", "1000"),
        Map.entry("socket.connection.setup.timeout.ms", "500"),
        Map.entry("reconnect.backoff.ms", "10"),
        Map.entry("reconnect.backoff.max.ms", "20"),
        Map.entry("retry.backoff.ms", "30"),
        Map.entry("retry.backoff.max.ms", "40"),
        Map.entry("delivery.timeout.ms", "5000"),
        Map.entry("connections.max.idle.ms", "60000"),
        Map.entry("metadata.max.age.ms", "1000"),
        Map.entry("linger.ms", "0"),
        Map.entry("batch.size", "65536"),
        Map.entry("buffer.memory", "1048576"),
        Map.entry("compression.type", "lz4"),
        Map.entry("enable.idempotence", "false"),
        Map.entry("acks", "1"),
        Map.entry("max.in.flight.requests.per.connection", "10"),
        Map.entry("max.request.size", "2097152"),
        Map.entry("max.poll.records", "7"),
        Map.entry("fetch.max.wait.ms", "100"),
        Map.entry("fetch.max.bytes", "1024"),
        Map.entry("max.partition.fetch.bytes", "512"),
        Map.entry("auto.offset.reset", "latest"));

    // when
    ClientOptions options = new ClientOptions().setAll(settings).validate();

    // then
    assertThat(options.bootstrapServers()).containsExactly(new NodeAddress("node-a", 7070),
        new NodeAddress("node-b", 7071));
    assertThat(options.toMap()).containsAllEntriesOf(Map.of("bootstrap.servers", "node-a:7070,node-b:7071",
        "compression.type", "lz4", "acks", "1", "auto.offset.reset", "latest", "linger.ms", "0"));
    Map<String, String> roundTrip = new ClientOptions().setAll(options.toMap()).toMap();
    assertThat(roundTrip).isEqualTo(options.toMap());
    assertThat(options.toMap()).containsOnlyKeys(settings.keySet());
  }

  @Test
  void copyIsIndependent() {
    ClientOptions original = valid().setLingerMs(7);
    ClientOptions copy = new ClientOptions(original);
    copy.setLingerMs(9);
    assertThat(original.lingerMs()).isEqualTo(7);
    assertThat(copy.toMap()).containsEntry("linger.ms", "9");
  }

  @Nested
  class SingleValues {

    @Test
    void badValuesNameTheSettingAndTheValue() {
      assertRejected(() -> new ClientOptions().setLingerMs(-1), ClientOptions.LINGER_MS, "-1");
      assertRejected(() -> new ClientOptions().setBatchSize(10), ClientOptions.BATCH_SIZE, "10");
      assertRejected(() -> new ClientOptions().setRequestTimeoutMs(0), ClientOptions.REQUEST_TIMEOUT_MS, "0");
      assertRejected(() -> new ClientOptions().setMaxPollRecords(0), ClientOptions.MAX_POLL_RECORDS, "0");
      assertRejected(() -> new ClientOptions().set("linger.ms", "soon"), ClientOptions.LINGER_MS, "soon");
      assertRejected(() -> new ClientOptions().set("acks", "2"), ClientOptions.ACKS, "2");
      assertRejected(() -> new ClientOptions().set("compression.type", "brotli"), ClientOptions.COMPRESSION_TYPE,
          "brotli");
      assertRejected(() -> new ClientOptions().set("enable.idempotence", "yes"), ClientOptions.ENABLE_IDEMPOTENCE,
          "yes");
      assertRejected(() -> new ClientOptions().set("auto.offset.reset", "middle"), ClientOptions.AUTO_OFFSET_RESET,
          "middle");
      assertRejected(() -> new ClientOptions().set("linger.mss", "1"), "linger.mss", "1");
    }

    @Test
    void bootstrapServersMustBeHostColonPort() {
      assertRejected(() -> new ClientOptions().setBootstrapServers("localhost"), ClientOptions.BOOTSTRAP_SERVERS,
          "localhost");
      assertRejected(() -> new ClientOptions().setBootstrapServers("localhost:http"), ClientOptions.BOOTSTRAP_SERVERS,
          "localhost:http");
      assertRejected(() -> new ClientOptions().setBootstrapServers("localhost:70000"), ClientOptions.BOOTSTRAP_SERVERS,
          "70000");
      assertRejected(() -> new ClientOptions().setBootstrapServers(" , "), ClientOptions.BOOTSTRAP_SERVERS, ",");
      assertThat(new ClientOptions().setBootstrapServers("[::1]:7070").bootstrapServers())
          .containsExactly(new NodeAddress("::1", 7070));
      assertThat(new NodeAddress("::1", 7070)).hasToString("[::1]:7070");
      assertThat(new ClientOptions().setBootstrapServers(List.of(new NodeAddress("h", 1))).toMap())
          .containsEntry("bootstrap.servers", "h:1");
    }

    @Test
    void acksAcceptsKafkasSpellings() {
      assertThat(new ClientOptions().set("acks", "-1").acks()).isEqualTo(Acks.ALL);
      assertThat(new ClientOptions().set("acks", "all").acks()).isEqualTo(Acks.ALL);
      assertThat(new ClientOptions().set("acks", "0").acks()).isEqualTo(Acks.NONE);
      assertThat(Acks.ALL.wireValue()).isEqualTo((short) -1);
    }
  }

  @Nested
  class Validate {

    @Test
    void bootstrapServersAreRequired() {
      assertRejected(() -> new ClientOptions().validate(), ClientOptions.BOOTSTRAP_SERVERS, "required");
    }

    @Test
    void idempotenceNeedsAcksAndAtMostFiveInFlight() {
      assertRejected(() -> valid().setAcks(Acks.NONE).validate(), ClientOptions.ACKS, "enable.idempotence");
      assertRejected(() -> valid().setMaxInFlightRequestsPerConnection(6).validate(),
          ClientOptions.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "6");
      valid().setEnableIdempotence(false).setAcks(Acks.NONE).setMaxInFlightRequestsPerConnection(50).validate();
    }

    @Test
    void timeoutsAndSizesMustFitTogether() {
      assertRejected(() -> valid().setDeliveryTimeoutMs(1000).setRequestTimeoutMs(2000).validate(),
          ClientOptions.DELIVERY_TIMEOUT_MS, "1000");
      assertRejected(() -> valid().setRetryBackoffMs(500).setRetryBackoffMaxMs(100).validate(),
          ClientOptions.RETRY_BACKOFF_MAX_MS, "100");
      assertRejected(() -> valid().setReconnectBackoffMs(500).setReconnectBackoffMaxMs(100).validate(),
          ClientOptions.RECONNECT_BACKOFF_MAX_MS, "100");
      assertRejected(() -> valid().setBatchSize(4096).setMaxRequestSize(1024).validate(), ClientOptions.BATCH_SIZE,
          "4096");
      assertRejected(() -> valid().setBatchSize(4096).setBufferMemory(1024).validate(), ClientOptions.BATCH_SIZE,
          "4096");
      assertThat(valid().validate().bootstrapServers()).hasSize(1);
    }
  }
}
