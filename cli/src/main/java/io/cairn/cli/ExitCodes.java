package io.cairn.cli;

/**
 * The exit codes of {@code bin/cairn}, the same for every command. Scripts may rely on them.
 */
public final class ExitCodes {

  /** The command did what was asked; for {@code verify}: everything is consistent. */
  public static final int OK = 0;
  /**
   * The command ran but failed: a storage error, an unknown topic, a version conflict, a missing
   * file, a timeout, or problems found by {@code verify}.
   */
  public static final int FAILURE = 1;
  /** Bad usage: an unknown or missing option, a malformed value, or a value our API rejects. */
  public static final int USAGE = 2;

  private ExitCodes() {
  }
}
