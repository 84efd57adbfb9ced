package io.cairn.aggregates.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.serde.SerializationException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class SnapshotRecordTest {

  @Property(tries = 200)
  void encodeThenDecodeGivesTheSameSnapshot(@ForAll long version, @ForAll @IntRange(min = 1) int schemaVersion,
                                            @ForAll @Size(max = 5) Map<@StringLength(min = 1, max = 40) String, Long> ids,
                                            @ForAll byte[] state) {
    // given
    Map<String, VersionRange> recent = new LinkedHashMap<>();
    ids.forEach((id, first) -> recent.put(id, new VersionRange(first, first + 1)));
    SnapshotRecord snapshot = new SnapshotRecord(version, schemaVersion, recent, state);

    // when
    SnapshotRecord decoded = SnapshotRecord.decode(snapshot.encode());

    // then
    assertThat(decoded.aggregateVersion()).isEqualTo(version);
    assertThat(decoded.schemaVersion()).isEqualTo(schemaVersion);
    assertThat(decoded.recentCommands()).containsExactlyEntriesOf(recent);
    assertThat(decoded.state()).isEqualTo(state);
  }

  @Test
  void aTruncatedSnapshotFailsNamingThePosition() {
    byte[] bytes = new SnapshotRecord(7, 1, Map.of("cmd-1", new VersionRange(6, 7)),
        "{}".getBytes(StandardCharsets.UTF_8)).encode();

    assertThatThrownBy(() -> SnapshotRecord.decode(Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(SerializationException.class).hasMessageContaining("stateLength = 2 at position");
  }

  @Test
  void anotherFormatVersionIsRefused() {
    assertThatThrownBy(() -> SnapshotRecord.decode("garbage".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class).hasMessage("snapshot format version 103 at position 0, expected 1");
  }
}
