package io.cairn.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --timeout-ms}: the bound on each wait for the store (open, each operation, close). A picocli mixin. */
public final class TimeoutOption {

  /** Default bound; opening a store after a crash scans only the tail, well within it. */
  public static final long DEFAULT_TIMEOUT_MS = 120_000;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec mixee;

  @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "" + DEFAULT_TIMEOUT_MS,
      description = "Bound on each wait for the store, in ms (default: ${DEFAULT-VALUE}).")
  private long timeoutMs;

  /** The bound on each wait; a usage error unless positive. */
  public long timeoutMs() {
    if (timeoutMs <= 0) {
      throw new ParameterException(mixee.commandLine(), "--timeout-ms = " + timeoutMs + ": must be at least 1");
    }
    return timeoutMs;
  }
}
