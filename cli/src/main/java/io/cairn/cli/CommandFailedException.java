package io.cairn.cli;

/**
 * An expected failure of a command (a timeout, a missing file, a version conflict) that is reported
 * as one line on stderr, without a stack trace unless {@code --verbose} is given, and ends the
 * process with {@link #exitCode()}.
 */
public final class CommandFailedException extends RuntimeException {

  private final int exitCode;

  /** A failure with {@link ExitCodes#FAILURE}. */
  public CommandFailedException(String message) {
    this(message, ExitCodes.FAILURE, null);
  }

  /** A failure with the given exit code and cause (may be {@code null}). */
  public CommandFailedException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code this failure maps to. */
  public int exitCode() {
    return exitCode;
  }
}
