package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  @Test
  void brokerListensOnLoopbackOnlyWithKraftSingleNodeSettings() throws Exception {
    // given
    Properties properties = new Properties();

    // when
    properties.load(new StringReader(KafkaBroker.serverProperties(Path.of("/tmp/data"), 40001, 40002)));

    // then
    assertThat(properties.getProperty("process.roles")).isEqualTo("broker,controller");
    assertThat(properties.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:40001,CONTROLLER://127.0.0.1:40002");
    assertThat(properties.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:40001");
    assertThat(properties.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:40002");
    assertThat(properties.getProperty("log.dirs")).isEqualTo("/tmp/data");
    assertThat(properties.getProperty("default.replication.factor")).isEqualTo("1");
    assertThat(properties).doesNotContainKey("log.flush.interval.messages");
  }

  @Test
  void freePortIsAnUnprivilegedPort() throws Exception {
    assertThat(KafkaBroker.freePort()).isBetween(1024, 65535);
  }

  @Test
  void brokerPomAndLoggingConfigAreOnTheClasspath() {
    assertThat(KafkaBroker.class.getResource(KafkaBroker.POM_RESOURCE)).isNotNull();
    assertThat(KafkaBroker.class.getResource(KafkaBroker.LOG4J_RESOURCE)).isNotNull();
  }
}
