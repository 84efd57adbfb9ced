package io.cairn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.spi.StoreObserver;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeOptionsTest {

  @Test
  void defaultsBindLoopbackOnPort8082WithA1MiBBodyLimit() {
    NodeOptions options = new NodeOptions();

    assertThat(options.httpHost()).isEqualTo("127.0.0.1");
    assertThat(options.httpPort()).isEqualTo(8082);
    assertThat(options.httpMaxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(options.dataDir()).isEmpty();
  }

  @Test
  void settingsByKafkaStyleNamesAreApplied() {
    NodeOptions options = new NodeOptions().setAll(Map.of("data.dir", "/tmp/x", "http.port", "9000",
        "http.host", "0.0.0.0", "http.max.body.bytes", "2048"));

    assertThat(options.dataDir()).contains(Path.of("/tmp/x"));
    assertThat(options.httpPort()).isEqualTo(9000);
    assertThat(options.httpHost()).isEqualTo("0.0.0.0");
    assertThat(options.httpMaxBodyBytes()).isEqualTo(2048);
  }

  @Test
  void badValuesAreRejectedNamingTheOption() {
    assertRejected(() -> new NodeOptions().setHttpPort(70_000), "http.port");
    assertRejected(() -> new NodeOptions().set("http.port", "99999999999"), "http.port");
    assertRejected(() -> new NodeOptions().set("http.port", "eighty"), "http.port");
    assertRejected(() -> new NodeOptions().setHttpMaxBodyBytes(10), "http.max.body.bytes");
    assertRejected(() -> new NodeOptions().set("http.hots", "x"), "http.hots");
    assertRejected(() -> new NodeOptions().setHttpHost(" "), "http.host");
    assertRejected(() -> new NodeOptions().validate(), "data.dir");
  }

  @Test
  void copyConstructorCopiesEveryOption() {
    NodeOptions original = new NodeOptions().setDataDir(Path.of("d")).setHttpPort(1).setHttpHost("h")
        .setHttpMaxBodyBytes(4096).setMetricsRefreshIntervalMs(1000).setShutdownGraceMs(5);

    NodeOptions copy = new NodeOptions(original);

    assertThat(copy.toString()).isEqualTo(original.toString());
    assertThat(copy.metricsRefreshIntervalMs()).isEqualTo(1000);
    assertThat(copy.shutdownGraceMs()).isEqualTo(5);
  }

  @Test
  void theBinaryProtocolDefaultsToLoopbackPort7070WithKafkasLimits() {
    NodeOptions options = new NodeOptions();

    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(7070);
    assertThat(options.socketRequestMaxBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(options.maxInFlightRequestsPerConnection()).isEqualTo(100);
    assertThat(options.connectionsMaxIdleMs()).isEqualTo(600_000);
    assertThat(options.maxConnections()).isEqualTo(1000);
    assertThat(options.numNetworkThreads()).isEqualTo(3);
  }

  @Test
  void protocolSettingsByKafkaStyleNamesAreAppliedAndCopied() {
    NodeOptions options = new NodeOptions().setAll(Map.of("host", "0.0.0.0", "port", "0",
        "socket.request.max.bytes", "4096", "max.in.flight.requests.per.connection", "5",
        "connections.max.idle.ms", "1000", "max.connections", "7", "num.network.threads", "2"));

    NodeOptions copy = new NodeOptions(options);

    assertThat(copy.host()).isEqualTo("0.0.0.0");
    assertThat(copy.port()).isZero();
    assertThat(copy.socketRequestMaxBytes()).isEqualTo(4096);
    assertThat(copy.maxInFlightRequestsPerConnection()).isEqualTo(5);
    assertThat(copy.connectionsMaxIdleMs()).isEqualTo(1000);
    assertThat(copy.maxConnections()).isEqualTo(7);
    assertThat(copy.numNetworkThreads()).isEqualTo(2);
    assertThat(copy.toString()).isEqualTo(options.toString()).contains("max.connections=7");
  }

  @Test
  void badProtocolSettingsAreRejectedNamingTheOption() {
    assertRejected(() -> new NodeOptions().setPort(-1), "port");
    assertRejected(() -> new NodeOptions().set("port", "65536"), "port");
    assertRejected(() -> new NodeOptions().setHost(""), "host");
    assertRejected(() -> new NodeOptions().setSocketRequestMaxBytes(100), "socket.request.max.bytes");
    assertRejected(() -> new NodeOptions().setMaxInFlightRequestsPerConnection(0),
        "max.in.flight.requests.per.connection");
    assertRejected(() -> new NodeOptions().setConnectionsMaxIdleMs(0), "connections.max.idle.ms");
    assertRejected(() -> new NodeOptions().setMaxConnections(0), "max.connections");
    assertRejected(() -> new NodeOptions().set("num.network.threads", "0"), "num.network.threads");
  }

  @Test
  void flushSettingsDefaultToTheStoresAndReachTheStoreOptionsByName() {
    NodeOptions defaults = new NodeOptions();
    NodeOptions options = new NodeOptions().setAll(Map.of("flush.interval.ms", "250", "flush.interval.bytes", "8192"));

    StoreOptions store = new NodeOptions(options).storeOptions(Path.of("data"), StoreObserver.NONE);

    assertThat(defaults.flushIntervalMs()).isEqualTo(StoreOptions.DEFAULT_PAGE_CACHE_FLUSH_INTERVAL_MS);
    assertThat(defaults.flushIntervalBytes()).isEqualTo(StoreOptions.DEFAULT_PAGE_CACHE_FLUSH_BYTES);
    assertThat(store.pageCacheFlushIntervalMs()).isEqualTo(250);
    assertThat(store.pageCacheFlushBytes()).isEqualTo(8192);
    assertThat(store.dataDir()).isEqualTo(Path.of("data"));
    assertThat(options.toString()).contains("flush.interval.ms=250", "flush.interval.bytes=8192");
  }

  @Test
  void badFlushSettingsAreRejectedNamingTheOption() {
    assertRejected(() -> new NodeOptions().set("flush.interval.ms", "0"), "flush.interval.ms");
    assertRejected(() -> new NodeOptions().setFlushIntervalBytes(4095), "flush.interval.bytes");
    assertRejected(() -> new NodeOptions().set("flush.interval.bytes", "lots"), "flush.interval.bytes");
  }

  @Test
  void everyListedNameIsAnOptionAndAnUnknownNameGetsTheList() {
    for (String name : NodeOptions.OPTION_NAMES.split(", ")) {
      try {
        new NodeOptions().set(name, "1");
      } catch (InvalidInputException e) {
        assertThat(e.getMessage()).as("setting %s", name).doesNotContain("is not a node option");
      }
    }
    assertThatThrownBy(() -> new NodeOptions().set("flush.interval", "1")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not a node option").hasMessageContaining(NodeOptions.OPTION_NAMES);
    assertThat(NodeOptions.OPTION_NAMES.split(", ")).hasSize(15).doesNotHaveDuplicates();
  }

  private static void assertRejected(Runnable action, String field) {
    assertThatThrownBy(action::run).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }
}
