package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code bin/cairn} launcher as a process against the jar and {@code lib/} folder
 * this build produced (failsafe runs after {@code package}). The build folder is found from where
 * this class was loaded, so a build with {@code -Dcairn.target=target-X} is tested through
 * {@code CAIRN_TARGET=target-X}.
 */
class CairnLauncherIT {

  private static final long PROCESS_TIMEOUT_MS = 120_000;

  private static CairnBuild build;

  @TempDir
  Path tmp;

  @BeforeAll
  static void locateBuild() {
    build = CairnBuild.of(CairnLauncherIT.class);
  }

  /** What one process run printed and returned. */
  private record Run(int exitCode, String out, String err) {
  }

  private Run cairn(Map<String, String> environment, String... args) throws IOException, InterruptedException {
    ProcessBuilder builder = build.launcher(tmp, List.of(args));
    builder.environment().putAll(environment);
    Path out = Files.createTempFile(tmp, "stdout", ".txt");
    Path err = Files.createTempFile(tmp, "stderr", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    try {
      assertThat(process.waitFor(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS))
          .as("bin/cairn %s finished within %d ms", String.join(" ", args), PROCESS_TIMEOUT_MS).isTrue();
    } finally {
      process.destroyForcibly();
    }
    return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void createAppendReadStreamAndVerifyThroughTheLauncher() throws Exception {
    // given
    Path dataDir = tmp.resolve("data");
    Map<String, String> env = Map.of(DataDirOptions.DATA_DIR_ENV, dataDir.toString(),
        "CAIRN_JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1");

    // when
    Run created = cairn(env, "topics", "create", "bank.account", "--partitions", "2");
    Run first = cairn(env, "append", "--topic", "bank.account", "--aggregate", "acc-1", "--expected-version",
        "no-stream", "--type", "AccountOpened", "--data", "{\"owner\":\"Zoë\"}");
    Run second = cairn(env, "append", "--topic", "bank.account", "--aggregate", "acc-1", "--expected-version", "1",
        "--type", "Deposited", "--data", "{\"amount\":10.50}", "--header", "correlation-id=c-1");
    Run conflict = cairn(env, "append", "--topic", "bank.account", "--aggregate", "acc-1", "--expected-version",
        "1", "--type", "Deposited", "--data", "{\"amount\":1}");
    Run stream = cairn(env, "read-stream", "--topic", "bank.account", "--aggregate", "acc-1", "--json");
    Run verify = cairn(Map.of(), "verify", "--data-dir", dataDir.toString());

    // then
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(Json.MAPPER.readTree(first.out()).get("newVersion").asLong()).isEqualTo(1);
    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(Json.MAPPER.readTree(second.out()).get("newVersion").asLong()).isEqualTo(2);
    assertThat(conflict.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(conflict.err()).contains("version conflict", "actual version 2");
    assertThat(stream.exitCode()).as(stream.toString()).isZero();
    List<String> lines = stream.out().lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode opened = Json.MAPPER.readTree(lines.get(0));
    JsonNode deposited = Json.MAPPER.readTree(lines.get(1));
    assertThat(opened.get("type").asText()).isEqualTo("AccountOpened");
    assertThat(opened.get("payload").get("owner").asText()).as("UTF-8 end to end").isEqualTo("Zoë");
    assertThat(deposited.get("version").asLong()).isEqualTo(2);
    assertThat(lines.get(1)).as("decimal digits as appended").contains("\"payload\":{\"amount\":10.50}");
    assertThat(deposited.get("headers").get(0).get("value").asText()).isEqualTo("c-1");
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
  }

  @Test
  void usageErrorsExitTwoAndHelpWorks() throws Exception {
    Run help = cairn(Map.of(), "--help");
    Run version = cairn(Map.of(), "--version");
    Run bad = cairn(Map.of(), "read", "--topic", "t");

    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Usage: cairn");
    assertThat(version.out()).startsWith("cairn 0.");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("--partition");
  }

  @Test
  void anUnbuiltTreeIsReportedWithTheBuildCommand() throws Exception {
    Run run = cairn(Map.of("CAIRN_TARGET", "target-that-does-not-exist"), "--help");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("Cairn is not built: run mvn -q package -DskipTests first");
  }

  @Test
  void aMissingJavaHomeIsReported() throws Exception {
    Run run = cairn(Map.of("JAVA_HOME", tmp.resolve("no-jdk").toString()), "--help");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("JAVA_HOME", "no-jdk");
  }
}
