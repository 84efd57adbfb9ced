package io.cairn.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicConfigTest {

  @Test
  void defaultsKeepEverythingAndFsync() {
    TopicConfig config = new TopicConfig();
    assertThat(config.retentionMs()).isEqualTo(-1);
    assertThat(config.retentionBytes()).isEqualTo(-1);
    assertThat(config.segmentBytes()).isEqualTo(1 << 30);
    assertThat(config.flushMode()).isEqualTo(FlushMode.DURABLE);
    assertThat(config.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
  }

  @Test
  void roundTripsThroughKafkaStyleNames() {
    TopicConfig config = new TopicConfig().setPartitions(12).setCleanupPolicy(CleanupPolicy.COMPACT)
        .setRetentionMs(60_000).setRetentionBytes(1 << 20).setSegmentBytes(4096).setSegmentMs(1000)
        .setMaxMessageBytes(2048).setCompressionType(CompressionType.ZSTD).setFlushMode(FlushMode.PAGE_CACHE)
        .setPreallocate(false);
    assertThat(TopicConfig.fromMap(config.toMap())).isEqualTo(config);
    assertThat(new TopicConfig(config)).isEqualTo(config);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "partitions, 0, must be between 1 and 10000",
      "partitions, ten, must be a whole number",
      "segment.bytes, 100, must be between 1024",
      "retention.ms, -2, must be -1 (no limit) or at least 0",
      "retention.bytes, -5, must be -1 (no limit) or at least 0",
      "cleanup.policy, shred, must be delete or compact",
      "compression.type, brotli, must be one of none, gzip, snappy, lz4, zstd",
      "flush.mode, sometimes, must be durable or page-cache",
      "preallocate, yes, must be true or false",
      "max.message.bytes, 1, must be between 64",
      "segmnt.bytes, 4096, is not a topic setting",
  })
  void badValuesAreRejectedNamingTheSettingAndRule(String name, String value, String rule) {
    assertThatThrownBy(() -> TopicConfig.fromMap(Map.of(name, value)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(name))
        .hasMessageContaining(name)
        .hasMessageContaining(value)
        .hasMessageContaining(rule);
  }
}
