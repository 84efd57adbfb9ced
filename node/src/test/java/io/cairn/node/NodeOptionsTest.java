package io.cairn.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
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

  private static void assertRejected(Runnable action, String field) {
    assertThatThrownBy(action::run).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }
}
