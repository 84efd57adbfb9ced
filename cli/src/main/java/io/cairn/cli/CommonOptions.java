package io.cairn.cli;

import picocli.CommandLine.Option;

/**
 * {@code --help} and {@code --verbose}, mixed into every Cairn command so that they may be given
 * before or after a command's name. The error handler reads {@code --verbose} from the parse result.
 */
public final class CommonOptions {

  /** The name of the verbose flag, as looked up in parse results. */
  public static final String VERBOSE = "--verbose";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  private boolean help;

  @Option(names = VERBOSE, description = "Show stack traces of errors and Cairn's debug logging.")
  private boolean verbose;

  /** Whether {@code --verbose} was given to this command. */
  public boolean verbose() {
    return verbose;
  }
}
