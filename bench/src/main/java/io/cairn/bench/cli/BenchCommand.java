package io.cairn.bench.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: the benchmarks of Cairn. Every benchmark subcommand prints exactly one JSON line to
 * stdout (figures and every parameter); progress and logs go to stderr. Register this class as a
 * subcommand of the {@code cairn} command line, or run it alone with {@link BenchMain}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks of the Cairn store and its peers. Each benchmark prints one JSON line to stdout."},
    subcommands = {
        AppendCommand.class,
        ReadStreamCommand.class,
        RecoveryCommand.class,
        PeersCommand.class,
        ProduceCommand.class,
        CommandsCommand.class,
        VerifyAcksCommand.class,
        JmhCommand.class,
        RecoveryChildCommand.class
    })
public final class BenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  /** Without a subcommand: a usage error listing the subcommands. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing subcommand: append, read-stream, recovery, peers, "
        + "produce, commands, verify-acks or jmh");
  }
}
