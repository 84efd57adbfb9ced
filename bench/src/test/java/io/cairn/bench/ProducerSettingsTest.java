package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.InvalidInputException;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ProducerSettingsTest {

  @Test
  void idempotenceOnlyWithAcksAllAsKafkaDecidesIt() {
    assertThat(new ProducerSettings(5, 16384, "none", "1").idempotence()).isFalse();
    assertThat(new ProducerSettings(5, 16384, "none", "0").idempotence()).isFalse();
    assertThat(new ProducerSettings(5, 16384, "none", "all").idempotence()).isTrue();
    assertThat(new ProducerSettings(5, 16384, "none", "-1").acks()).isEqualTo("all");
  }

  @Test
  void badSettingsNameTheOption() {
    assertThatThrownBy(() -> new ProducerSettings(-1, 16384, "none", "1")).hasMessageContaining("linger-ms");
    assertThatThrownBy(() -> new ProducerSettings(5, 0, "none", "1")).hasMessageContaining("batch-bytes");
    assertThatThrownBy(() -> new ProducerSettings(5, 16384, "brotli", "1"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("compression");
    assertThatThrownBy(() -> new ProducerSettings(5, 16384, "none", "2")).hasMessageContaining("acks");
  }

  @Test
  void kafkaProducerGetsTheSameSettings() {
    // given
    ProducerSettings settings = new ProducerSettings(7, 65536, "lz4", "1");

    // when
    Properties properties = KafkaRecordSink.properties("127.0.0.1:9092", settings);

    // then
    assertThat(settings.compressionType()).isEqualTo(CompressionType.LZ4);
    assertThat(properties).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "7")
        .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "65536")
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "1")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
  }

  @Test
  void cairnProducerGetsTheSameSettings() {
    // given
    ProducerSettings settings = new ProducerSettings(7, 65536, "lz4", "all");

    // when
    var options = CairnClients.options("127.0.0.1:7070", settings);

    // then
    assertThat(options.lingerMs()).isEqualTo(7);
    assertThat(options.batchSize()).isEqualTo(65536);
    assertThat(options.compressionType()).isEqualTo(CompressionType.LZ4);
    assertThat(options.acks().configName()).isEqualTo("all");
    assertThat(options.enableIdempotence()).isTrue();
  }
}
