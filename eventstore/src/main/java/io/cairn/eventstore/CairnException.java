package io.cairn.eventstore;

/**
 * Root of every failure Cairn reports. A failure is either <em>retryable</em> (the same request may
 * succeed later: a timeout, a partition that is not ready yet) or final (bad input, corruption,
 * a partition that turned read-only after a storage error).
 *
 * <p>Expected outcomes such as a version conflict are results ({@link AppendResult}), never exceptions.
 */
public class CairnException extends RuntimeException {

  private final boolean retryable;

  public CairnException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public CairnException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether sending the same request again may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
