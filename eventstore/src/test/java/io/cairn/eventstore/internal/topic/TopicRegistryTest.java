package io.cairn.eventstore.internal.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicExistsException;
import io.cairn.eventstore.UnknownTopicException;
import io.cairn.eventstore.spi.StorageIo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicRegistryTest {

  @TempDir
  Path dataDir;

  @Test
  void topicsSurviveReload() {
    TopicRegistry registry = TopicRegistry.load(dataDir, StorageIo.DEFAULT);
    registry.create("bank.account", new TopicConfig().setPartitions(3).setCompressionType(CompressionType.LZ4));

    TopicRegistry reloaded = TopicRegistry.load(dataDir, StorageIo.DEFAULT);
    assertThat(reloaded.all()).containsOnlyKeys("bank.account");
    assertThat(reloaded.find("bank.account")).hasValueSatisfying(config -> {
      assertThat(config.partitions()).isEqualTo(3);
      assertThat(config.compressionType()).isEqualTo(CompressionType.LZ4);
    });
  }

  @Test
  void duplicateAndUnknownNamesAreRejected() {
    TopicRegistry registry = TopicRegistry.load(dataDir, StorageIo.DEFAULT);
    registry.create("t", new TopicConfig());
    assertThatThrownBy(() -> registry.create("t", new TopicConfig())).isInstanceOf(TopicExistsException.class);
    registry.delete("t");
    assertThat(TopicRegistry.load(dataDir, StorageIo.DEFAULT).all()).isEmpty();
    assertThatThrownBy(() -> registry.delete("t")).isInstanceOf(UnknownTopicException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "has space", "slash/name", "ümlaut"})
  void illegalNamesAreRejected(String name) {
    TopicRegistry registry = TopicRegistry.load(dataDir, StorageIo.DEFAULT);
    assertThatThrownBy(() -> registry.create(name, new TopicConfig()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("topic"));
    assertThat(registry.all()).isEmpty();
  }

  @Test
  void nameLongerThan249IsRejected() {
    assertThatThrownBy(() -> TopicNames.ensureValid("x".repeat(250)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 249");
    assertThat(TopicNames.ensureValid("x".repeat(249))).hasSize(249);
  }

  @Test
  void damagedMetadataFileIsReportedByName() throws Exception {
    TopicRegistry.load(dataDir, StorageIo.DEFAULT).create("t", new TopicConfig());
    Path file = dataDir.resolve("meta/topics/t.properties");
    Files.writeString(file, "partitions=zero\n");
    assertThatThrownBy(() -> TopicRegistry.load(dataDir, StorageIo.DEFAULT))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("partitions");
  }
}
