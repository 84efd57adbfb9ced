package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.cli.CliRunner.Result;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Argument parsing and usage errors: everything here is decided before a store is opened, so no
 * data directory is ever created.
 */
class CommandLineUsageTest {

  private final CliRunner cli = CliRunner.withoutEnvironment();

  @TempDir
  Path tmp;

  private Path missingDataDir() {
    return tmp.resolve("never-created");
  }

  @Nested
  class HelpAndVersion {

    @Test
    void helpListsEveryCommandAndExitsZero() {
      Result result = cli.run("--help");

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.out()).contains("topics", "append", "read", "read-stream", "tail", "dump", "verify", "bench",
          "Exit codes", "--bootstrap");
    }

    @Test
    void theBenchmarksAreRegisteredUnderBench() {
      Result result = cli.run("bench", "--help");

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.out()).startsWith("Usage: cairn bench").contains("append", "read-stream");
    }

    @Test
    void versionNamesCairnAndTheJavaRuntime() {
      Result result = cli.run("--version");

      assertThat(result.exitCode()).isZero();
      assertThat(result.out()).startsWith("cairn ").contains("Java " + System.getProperty("java.version"));
    }

    @Test
    void commandHelpWorksBeforeAndAfterTheCommand() {
      assertThat(cli.run("append", "--help").out()).contains("--expected-version", "--data-file");
      assertThat(cli.run("help", "read-stream").out()).contains("--from-version", "--max-count");
    }

    @Test
    void tailHelpNamesTheStartPositionsAndBothTargets() {
      assertThat(cli.run("tail", "--help").out())
          .contains("earliest|latest|offset:N|time:ISO", "--count", "--partition", "--data-dir", "--bootstrap");
    }

    @Test
    void topicsCreateHelpListsEverySettingWithItsDefault() {
      assertThat(cli.run("topics", "create", "--help").out())
          .contains("Settings (default):", "segment.bytes", "1073741824", "flush.mode", "durable");
    }
  }

  @Nested
  class UsageErrorsExitTwo {

    @Test
    void noCommandPrintsUsage() {
      Result result = cli.run();

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("error: Missing required subcommand", "Usage: cairn");
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
      Result result = cli.run("topics", "lst");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("'lst'", "topics list");
    }

    @Test
    void aMissingRequiredOptionIsNamed() {
      Result result = cli.runIn(missingDataDir(), "append", "--aggregate", "a", "--type", "T", "--data", "{}");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--topic").contains("Try 'cairn append --help'");
      assertThat(result.out()).isEmpty();
    }

    @Test
    void appendNeedsExactlyOneOfDataAndDataFile() {
      Result none = cli.runIn(missingDataDir(), "append", "--topic", "t", "--aggregate", "a", "--type", "T");
      Result both = cli.runIn(missingDataDir(), "append", "--topic", "t", "--aggregate", "a", "--type", "T",
          "--data", "{}", "--data-file", "x.json");

      assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(none.err()).contains("--data=JSON", "--data-file=FILE");
      assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void aBadExpectedVersionStatesTheRule() {
      Result result = cli.runIn(missingDataDir(), "append", "--topic", "t", "--aggregate", "a", "--type", "T",
          "--data", "{}", "--expected-version", "latest");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--expected-version", "'latest'", "any, no-stream, exists");
    }

    @Test
    void dataThatIsNotJsonIsRejectedBeforeTheStoreOpens() {
      Result result = cli.runIn(missingDataDir(), "append", "--topic", "t", "--aggregate", "a", "--type", "T",
          "--data", "{\"amount\":");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--data is not one valid JSON value", "--data-file");
      assertThat(missingDataDir()).doesNotExist();
    }

    @Test
    void aBadHeaderIsRejected() {
      Result result = cli.runIn(missingDataDir(), "append", "--topic", "t", "--aggregate", "a", "--type", "T",
          "--data", "{}", "--header", "=v");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--header", "non-empty key");
    }

    @Test
    void aBadTopicSettingNamesTheSettingAndRuleAndCreatesNothing() {
      Result result = cli.runIn(missingDataDir(), "topics", "create", "t", "--config", "segment.bytes=12");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).isEqualTo("error: segment.bytes = 12: must be between 1024 and 2147483647"
          + System.lineSeparator());
      assertThat(missingDataDir()).doesNotExist();
    }

    @Test
    void anUnknownTopicSettingListsTheKnownOnes() {
      Result result = cli.runIn(missingDataDir(), "topics", "create", "t", "--config", "retention.hours=3");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("retention.hours", "is not a topic setting", "retention.ms");
    }

    @Test
    void aConfigWithoutEqualsSignIsAUsageError() {
      Result result = cli.runIn(missingDataDir(), "topics", "create", "t", "--config", "retention.ms");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--config", "KEY=VALUE");
    }

    @Test
    void partitionsGivenTwiceDifferentlyIsRefused() {
      Result result = cli.runIn(missingDataDir(), "topics", "create", "t", "--partitions", "3",
          "--config", "partitions=4");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--partitions 3", "partitions=4", "disagree");
    }

    @Test
    void zeroPartitionsBreaksTheRange() {
      Result result = cli.runIn(missingDataDir(), "topics", "create", "t", "--partitions", "0");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("partitions = 0", "must be between 1 and 10000");
    }

    @Test
    void aNonNumericPartitionIsAUsageError() {
      Result result = cli.runIn(missingDataDir(), "read", "--topic", "t", "--partition", "first");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--partition", "'first'");
    }

    @Test
    void limitsBelowOneAreUsageErrors() {
      assertThat(cli.runIn(tmp, "read", "--topic", "t", "--partition", "0", "--limit", "0").exitCode())
          .isEqualTo(ExitCodes.USAGE);
      assertThat(cli.runIn(tmp, "read-stream", "--topic", "t", "--aggregate", "a", "--max-count", "-1").exitCode())
          .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void dumpNeedsAFile() {
      Result result = cli.run("dump");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("FILE");
    }

    @Test
    void aBadTailStartPositionStatesTheForms() {
      Result result = cli.runIn(missingDataDir(), "tail", "t", "--from", "yesterday");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--from", "'yesterday'", "earliest, latest, offset:N or time:ISO-INSTANT");
      assertThat(missingDataDir()).doesNotExist();
    }

    @Test
    void tailCountAndPartitionMustBeInRange() {
      Result count = cli.runIn(missingDataDir(), "tail", "t", "--count", "0");
      Result partition = cli.runIn(missingDataDir(), "tail", "t", "--partition", "-1");

      assertThat(count.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(count.err()).contains("--count = 0: must be at least 1");
      assertThat(partition.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(partition.err()).contains("--partition = -1: must be at least 0");
    }

    @Test
    void aNonPositiveTimeoutIsAUsageError() {
      Result result = cli.runIn(tmp, "topics", "list", "--timeout-ms", "0");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--timeout-ms = 0: must be at least 1");
    }
  }

  private static String[][] dataCommands() {
    return new String[][] {
        {"topics", "create", "t"},
        {"topics", "list"},
        {"topics", "describe", "t"},
        {"topics", "delete", "t"},
        {"append", "--topic", "t", "--aggregate", "a", "--type", "T", "--data", "{}"},
        {"read", "--topic", "t", "--partition", "0"},
        {"read-stream", "--topic", "t", "--aggregate", "a"},
        {"tail", "t"},
    };
  }

  private static String[] withBootstrap(String address, String... command) {
    String[] args = java.util.Arrays.copyOf(command, command.length + 2);
    args[command.length] = "--bootstrap";
    args[command.length + 1] = address;
    return args;
  }

  @Nested
  class DataDirectory {

    @Test
    void withoutDataDirOrEnvironmentTheOptionIsRequired() {
      Result result = cli.run("topics", "list");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--data-dir", "CAIRN_DATA_DIR");
    }

    @Test
    void theEnvironmentVariableIsUsedWhenTheOptionIsAbsent() {
      Result result = CliRunner.withEnvironment(Map.of(DataDirOptions.DATA_DIR_ENV, missingDataDir().toString()))
          .run("topics", "list");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(result.err()).contains("data directory " + missingDataDir() + " does not exist");
    }

    @Test
    void theOptionWinsOverTheEnvironment() {
      Path other = tmp.resolve("other");
      Result result = CliRunner.withEnvironment(Map.of(DataDirOptions.DATA_DIR_ENV, missingDataDir().toString()))
          .runIn(other, "topics", "list");

      assertThat(result.err()).contains(other.toString()).doesNotContain(missingDataDir().toString());
    }

    @Test
    void readingCommandsNeverCreateAMissingDataDirectory() {
      for (String[] command : new String[][] {
          {"topics", "list"},
          {"topics", "describe", "t"},
          {"topics", "delete", "t"},
          {"append", "--topic", "t", "--aggregate", "a", "--type", "T", "--data", "{}"},
          {"read", "--topic", "t", "--partition", "0"},
          {"read-stream", "--topic", "t", "--aggregate", "a"},
          {"tail", "t"},
      }) {
        Result result = cli.runIn(missingDataDir(), command);

        assertThat(result.exitCode()).as(String.join(" ", command)).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err()).as(String.join(" ", command)).contains("does not exist");
        assertThat(missingDataDir()).doesNotExist();
      }
    }

    @Test
    void withoutDataDirBootstrapOrEnvironmentOneIsRequired() {
      Result result = cli.run("tail", "t");

      assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("--data-dir=DIR", "--bootstrap=HOST:PORT", "CAIRN_DATA_DIR");
    }

    @Test
    void dataDirAndBootstrapAreMutuallyExclusiveOnEveryDataCommand() {
      for (String[] command : dataCommands()) {
        Result result = cli.runIn(missingDataDir(), withBootstrap("127.0.0.1:7070", command));

        assertThat(result.exitCode()).as(String.join(" ", command)).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).as(String.join(" ", command))
            .contains("--data-dir and --bootstrap are mutually exclusive");
        assertThat(missingDataDir()).doesNotExist();
      }
    }

    @Test
    void bootstrapWinsOverTheEnvironmentsDataDirectory() {
      Result result = CliRunner.withEnvironment(Map.of(DataDirOptions.DATA_DIR_ENV, missingDataDir().toString()))
          .run("topics", "list", "--bootstrap", "no-port-here");

      assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCodes.USAGE);
      assertThat(result.err()).contains("bootstrap.servers", "no-port-here").doesNotContain("mutually exclusive");
      assertThat(missingDataDir()).doesNotExist();
    }

    @Test
    void aMalformedBootstrapAddressIsAUsageErrorNamingTheSetting() {
      for (String bad : new String[] {"localhost", "localhost:", "localhost:http", "localhost:70000", ""}) {
        Result result = cli.run("read-stream", "--topic", "t", "--aggregate", "a", "--bootstrap", bad);

        assertThat(result.exitCode()).as(bad + ": " + result).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).as(bad).startsWith("error: bootstrap.servers");
      }
    }

    @Test
    void commandsThatReadFilesTakeNoBootstrap() {
      Result verify = cli.runIn(tmp, "verify", "--bootstrap", "127.0.0.1:7070");
      Result dump = cli.run("dump", "x.log", "--bootstrap", "127.0.0.1:7070");

      assertThat(verify.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(verify.err()).contains("Unknown option", "'--bootstrap'");
      assertThat(dump.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(dump.err()).contains("Unknown option", "'--bootstrap'");
    }

    @Test
    void aMissingDataFileIsAFailureNamingTheFile() {
      Path missingFile = tmp.resolve("payload.bin");

      Result result = cli.runIn(tmp, "append", "--topic", "t", "--aggregate", "a", "--type", "T",
          "--data-file", missingFile.toString());

      assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(result.err()).isEqualTo("error: no such file or directory: " + missingFile + System.lineSeparator());
    }
  }
}
