package io.cairn.bench;

import io.cairn.eventstore.CairnException;

/**
 * A benchmark could not run or its result is not valid: a peer did not start, a phase timed out, an
 * acknowledged event is missing. The message names what, where and the numbers. Not retryable.
 */
public final class BenchException extends CairnException {

  /** A failure described by {@code message}. */
  public BenchException(String message) {
    super(message, false);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public BenchException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
