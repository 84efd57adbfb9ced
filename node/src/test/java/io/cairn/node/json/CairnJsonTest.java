package io.cairn.node.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.PartitionDescription;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared documents, byte for byte: the HTTP API's and the CLI's tests rely on these exact forms. */
class CairnJsonTest {

  @Test
  void anAppendResultListsItsFieldsInRecordOrder() {
    String json = CairnJson.appended(new AppendResult.Appended(2, 10, 11, 4, 5, true)).encode();

    assertThat(json).isEqualTo("{\"partition\":2,\"firstOffset\":10,\"lastOffset\":11,\"firstVersion\":4,"
        + "\"newVersion\":5,\"duplicate\":true}");
  }

  @Test
  void aConflictNamesTheExpectationAsTheToolsAcceptIt() {
    assertThat(CairnJson.conflict(new AppendResult.VersionConflict(1, ExpectedVersion.NO_STREAM, 3)).encode())
        .isEqualTo("{\"error\":\"version conflict\",\"partition\":1,\"expectedVersion\":\"no-stream\","
            + "\"actualVersion\":3}");
    assertThat(CairnJson.expectedVersion(ExpectedVersion.ANY)).isEqualTo("any");
    assertThat(CairnJson.expectedVersion(ExpectedVersion.STREAM_EXISTS)).isEqualTo("exists");
    assertThat(CairnJson.expectedVersion(ExpectedVersion.exactly(7))).isEqualTo("7");
  }

  @Test
  void aTopicHasItsSettingsAsStringsAndEachPartitionsState() {
    TopicConfig config = new TopicConfig().setPartitions(2);
    TopicDescription description = new TopicDescription("bank.account", config, List.of(
        new PartitionDescription(0, 0, 5, 6, 1024, 1, false),
        new PartitionDescription(1, 3, 3, 3, 0, 2, true)));

    String json = CairnJson.topic(description).encode();

    assertThat(json).startsWith("{\"name\":\"bank.account\",\"config\":{\"partitions\":\"2\",");
    assertThat(json).endsWith(",\"partitions\":[{\"partition\":0,\"logStartOffset\":0,\"highWatermark\":5,"
        + "\"logEndOffset\":6,\"sizeBytes\":1024,\"segments\":1,\"readOnly\":false},{\"partition\":1,"
        + "\"logStartOffset\":3,\"highWatermark\":3,\"logEndOffset\":3,\"sizeBytes\":0,\"segments\":2,"
        + "\"readOnly\":true}]}");
    assertThat(CairnJson.topic(description).getJsonObject("config").getMap()).containsExactlyEntriesOf(
        new java.util.LinkedHashMap<>(config.toMap()));
  }
}
