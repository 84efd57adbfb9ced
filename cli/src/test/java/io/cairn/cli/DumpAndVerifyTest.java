package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.cli.CliRunner.Result;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dump} and {@code verify} on a data directory written by the real store, then damaged. */
class DumpAndVerifyTest {

  private static final String TOPIC = "bank.account";

  private final CliRunner cli = CliRunner.withoutEnvironment();

  @TempDir
  Path dataDir;

  private Path segment;

  private Result ok(String... args) {
    Result result = cli.runIn(dataDir, args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  @BeforeEach
  void writeThreeBatches() {
    ok("topics", "create", TOPIC);
    for (int i = 1; i <= 3; i++) {
      ok("append", "--topic", TOPIC, "--aggregate", "acc-1", "--expected-version", Integer.toString(i - 1),
          "--type", "Deposited", "--data", "{\"amount\":" + i + "}");
    }
    segment = dataDir.resolve(TOPIC + "-0").resolve("00000000000000000000.log");
    assertThat(segment).isRegularFile();
  }

  /** Flips one byte inside the records of the batch at {@code batchPosition} (covered by its CRC). */
  private void flipByteInBatch(long batchPosition, int batchSizeBytes) throws Exception {
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long position = batchPosition + batchSizeBytes - 1;
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
      channel.write(one, position);
    }
  }

  @Test
  void verifyPassesAFreshlyWrittenDirectory() {
    Result result = cli.runIn(dataDir, "verify");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Checked 1 partition(s), 1 segment(s), 3 batch(es)", "OK: no problems found.");
  }

  @Test
  void dumpListsEveryBatchLikeKafkaDumpLog() throws Exception {
    // when
    Result text = cli.run("dump", segment.toString());
    Result json = cli.run("dump", segment.toString(), "--json");

    // then
    assertThat(text.exitCode()).as(text.toString()).isZero();
    assertThat(text.outLines().get(0)).isEqualTo("Dumping " + segment);
    assertThat(text.outLines()).filteredOn(line -> line.startsWith("baseOffset: ")).hasSize(3)
        .allSatisfy(line -> assertThat(line).contains("count: 1", "magic: 2", "compresscodec: none", "isvalid: true"));
    assertThat(text.outLines().get(1)).startsWith("baseOffset: 0 lastOffset: 0 ").contains(" position: 0 ");
    assertThat(text.out()).contains("3 batch(es), 3 record(s), 0 invalid.");
    List<String> lines = json.outLines();
    assertThat(lines).hasSize(3);
    JsonNode second = Json.MAPPER.readTree(lines.get(1));
    JsonNode first = Json.MAPPER.readTree(lines.get(0));
    assertThat(second.get("baseOffset").asLong()).isEqualTo(1);
    assertThat(second.get("position").asLong()).isEqualTo(first.get("sizeInBytes").asLong());
    assertThat(second.get("crcValid").asBoolean()).isTrue();
    assertThat(second.get("problem").isNull()).isTrue();
  }

  @Test
  void aFlippedByteIsFoundByVerifyAndShownByDump() throws Exception {
    // given
    JsonNode second = Json.MAPPER.readTree(cli.run("dump", segment.toString(), "--json").outLines().get(1));
    long position = second.get("position").asLong();
    flipByteInBatch(position, second.get("sizeInBytes").asInt());

    // when
    Result verify = cli.runIn(dataDir, "verify");
    Result verifyJson = cli.runIn(dataDir, "verify", "--json");
    Result dump = cli.run("dump", segment.toString());

    // then
    assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCodes.FAILURE);
    assertThat(verify.out()).contains("PROBLEM: " + segment).contains("problem(s) found.");
    JsonNode report = Json.MAPPER.readTree(verifyJson.out());
    assertThat(report.get("ok").asBoolean()).isFalse();
    assertThat(report.get("problems").get(0).get("file").asText()).isEqualTo(segment.toString());
    assertThat(dump.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(dump.outLines()).filteredOn(line -> line.contains("isvalid: false")).hasSize(1)
        .allSatisfy(line -> assertThat(line).contains(" position: " + position + " ", "problem: "));
  }

  @Test
  void verifyOfAMissingDirectoryFails() {
    Path missing = dataDir.resolve("nope");

    Result result = cli.runIn(missing, "verify");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).contains(missing.toString(), "does not exist");
    assertThat(missing).doesNotExist();
  }

  @Test
  void dumpOfAMissingFileFails() {
    Result result = cli.run("dump", dataDir.resolve("00000000000000000042.log").toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).contains("00000000000000000042.log", "does not exist");
  }

  @Test
  void verifyRemovesNothingAndChangesNoFile() throws Exception {
    byte[] before = Files.readAllBytes(segment);
    long modifiedBefore = Files.getLastModifiedTime(segment).toMillis();

    cli.runIn(dataDir, "verify");

    assertThat(Files.readAllBytes(segment)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(segment).toMillis()).isEqualTo(modifiedBefore);
  }
}
