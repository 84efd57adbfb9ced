package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.node.NodeOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How {@code cairn node} turns its flags and config file into {@link NodeOptions}: flags win over the file. */
class NodeCommandOptionsTest {

  @TempDir
  Path tmp;

  private NodeOptions parse(String... args) throws Exception {
    NodeCommand command = new NodeCommand();
    new CommandLine(command).parseArgs(args);
    return command.options();
  }

  @Test
  void flushFlagsOverrideTheConfigFileWhichOverridesTheDefaults() throws Exception {
    // given
    Path config = tmp.resolve("node.properties");
    Files.writeString(config, "flush.interval.ms=300\nflush.interval.bytes=65536\n", StandardCharsets.UTF_8);

    // when
    NodeOptions fromFile = parse("--data-dir", tmp.toString(), "--config", config.toString());
    NodeOptions fromFlags = parse("--data-dir", tmp.toString(), "--config", config.toString(),
        "--flush-interval-ms", "50", "--flush-interval-bytes", "8192");
    NodeOptions defaults = parse("--data-dir", tmp.toString());

    // then
    assertThat(fromFile.flushIntervalMs()).isEqualTo(300);
    assertThat(fromFile.flushIntervalBytes()).isEqualTo(65536);
    assertThat(fromFlags.flushIntervalMs()).isEqualTo(50);
    assertThat(fromFlags.flushIntervalBytes()).isEqualTo(8192);
    assertThat(defaults.flushIntervalMs()).isEqualTo(new NodeOptions().flushIntervalMs());
    assertThat(defaults.flushIntervalBytes()).isEqualTo(new NodeOptions().flushIntervalBytes());
  }
}
