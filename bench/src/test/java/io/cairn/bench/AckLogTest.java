package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AckLogTest {

  @TempDir
  Path dir;

  @Test
  void writesOneLinePerEventWithVersionOffsetAndPayloadHash() throws Exception {
    // given
    Path file = dir.resolve("acks.tsv");
    byte[] first = "{\"p\":\"a\"}".getBytes(StandardCharsets.US_ASCII);
    byte[] second = "{\"p\":\"b\"}".getBytes(StandardCharsets.US_ASCII);
    AppendResult.Appended appended = new AppendResult.Appended(3, 100, 101, 7, 8, false);

    // when
    try (AckLog log = AckLog.open(file)) {
      log.appended("orders", "order-1", appended, List.of(EventData.of("E", first), EventData.of("E", second)));
    }

    // then
    List<AckLog.Entry> entries = AckLog.readAll(file);
    assertThat(entries).containsExactly(
        new AckLog.Entry("orders", "order-1", 7, 3, 100, sha256(first)),
        new AckLog.Entry("orders", "order-1", 8, 3, 101, sha256(second)));
  }

  @Test
  void linesAreHandedToTheOsBeforeAppendedReturns() throws Exception {
    // given
    Path file = dir.resolve("acks.tsv");
    try (AckLog log = AckLog.open(file)) {
      // when
      log.appended("t", "a", new AppendResult.Appended(0, 0, 0, 1, 1, false), List.of(EventData.of("E", new byte[1])));

      // then: readable by another reader while the log is still open
      assertThat(AckLog.readAll(file)).hasSize(1);
    }
  }

  @Test
  void aTornLastLineIsSkipped() throws Exception {
    // given
    Path file = dir.resolve("acks.tsv");
    Files.writeString(file, "t\ta\t1\t0\t0\tabcd\nt\ta\t2\t0\t1\tab", StandardCharsets.UTF_8);

    // when
    List<AckLog.Entry> entries = AckLog.readAll(file);

    // then
    assertThat(entries).containsExactly(new AckLog.Entry("t", "a", 1, 0, 0, "abcd"));
  }

  @Test
  void aMalformedLineIsReportedWithFileAndLineNumber() throws Exception {
    // given
    Path file = dir.resolve("acks.tsv");
    Files.writeString(file, "t\ta\t1\t0\t0\tabcd\n", StandardCharsets.UTF_8);
    Files.writeString(file, "t\ta\tnot-a-number\t0\t0\tabcd\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    // when / then
    assertThatThrownBy(() -> AckLog.readAll(file)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("line 2").hasMessageContaining("not-a-number");
  }

  @Test
  void disabledLogWritesNothing() {
    AckLog log = AckLog.disabled();
    log.appended("t", "a", new AppendResult.Appended(0, 0, 0, 1, 1, false), List.of(EventData.of("E", new byte[1])));
    assertThat(log.enabled()).isFalse();
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(AckLog.sha256().digest(bytes));
  }
}
