package io.cairn.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = BenchMain.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void appendRejectsEventsTogetherWithDuration() {
    // when
    int exitCode = run("append", "--events", "100", "--duration-s", "5");

    // then
    assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("either --events or --duration-s");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void appendRejectsFewerAggregatesThanStreams() {
    int exitCode = run("append", "--streams", "8", "--aggregates", "4", "--events", "100");
    assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--aggregates = 4").contains("at least --streams (8)");
  }

  @Test
  void appendRejectsZeroStreamsAndTinyEvents() {
    assertThat(run("append", "--streams", "0", "--events", "100")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--streams = 0");
    assertThat(run("append", "--event-bytes", "3", "--events", "100")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--event-bytes = 3");
  }

  @Test
  void appendRejectsAnUnknownModeOrKeyDistribution() {
    assertThat(run("append", "--mode", "fast")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("durable or page-cache");
    assertThat(run("append", "--keys", "gauss")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("uniform, zipf or sequential");
  }

  @Test
  void peersRejectsAnUnknownSide() {
    assertThat(run("peers", "--sides", "cairn,mongodb")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("'mongodb' is not a side");
  }

  @Test
  void peersRunsTheSidesInTheOrderGiven() {
    // given
    CommandLine commandLine = BenchMain.newCommandLine();
    commandLine.parseArgs("peers", "--sides", "kafka, cairn");

    // when
    PeersCommand peers = commandLine.getSubcommands().get("peers").getCommand();

    // then
    assertThat(peers.sideOrder()).containsExactly(PeersCommand.Side.KAFKA, PeersCommand.Side.CAIRN);
  }

  @Test
  void peersRejectsAnUnknownSection() {
    assertThat(run("peers", "--sections", "network,replication")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("'replication' is not a section");
  }

  @Test
  void peersRejectsANetworkRecordTooSmallForASendStamp() {
    assertThat(run("peers", "--sections", "network", "--net-record-bytes", "20")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--net-record-bytes = 20");
  }

  @Test
  void produceNeedsTheNodesAddress() {
    assertThat(run("produce", "--records", "10")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--bootstrap");
  }

  @Test
  void produceRejectsBadProducerSettingsBeforeConnecting() {
    assertThat(run("produce", "--bootstrap", "127.0.0.1:1", "--acks", "2")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--acks = \"2\"");
    assertThat(run("produce", "--bootstrap", "127.0.0.1:1", "--records", "0")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--records = 0");
  }

  @Test
  void commandsRejectsFewerAggregatesThanLoops() {
    assertThat(run("commands", "--concurrency", "8", "--aggregates", "4")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--aggregates = 4").contains("at least --concurrency (8)");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void commandsRejectsALongAggregateShorterThanTheSnapshotInterval() {
    assertThat(run("commands", "--load-events", "50", "--snapshot-every", "100")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--load-events = 50").contains("at least --snapshot-every (100)");
  }

  @Test
  void commandsRejectsPayloadsSmallerThanACounterEvent() {
    assertThat(run("commands", "--payload-bytes", "10")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--payload-bytes = 10");
  }

  @Test
  void commandsRejectsANodeAndADataDirTogether() {
    assertThat(run("commands", "--bootstrap", "127.0.0.1:1", "--data-dir", "x")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("either --bootstrap or --data-dir");
  }

  @Test
  void readStreamRejectsFewerEventsThanTheTarget() {
    assertThat(run("read-stream", "--events", "50", "--target-events", "100")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--events = 50");
  }

  @Test
  void recoveryRejectsFewerChildAggregatesThanStreams() {
    assertThat(run("recovery", "--streams", "8", "--child-aggregates", "2")).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("--child-aggregates = 2");
  }

  @Test
  void benchWithoutSubcommandIsAUsageError() {
    assertThat(run()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("missing subcommand");
  }

  @Test
  void helpListsTheBenchmarksButNotTheHiddenChild() {
    // when
    int exitCode = run("--help");

    // then
    assertThat(exitCode).isEqualTo(CommandLine.ExitCode.OK);
    assertThat(out.toString())
        .contains("append", "read-stream", "recovery", "peers", "produce", "commands", "verify-acks", "jmh")
        .doesNotContain("recovery-child");
  }

  @Test
  void jmhListsTheMicroBenchmarks() {
    // when: JMH's own -l option, passed through
    int exitCode = run("jmh", "-l");

    // then
    assertThat(exitCode).isEqualTo(CommandLine.ExitCode.OK);
  }
}
