package io.cairn.client.internal.core;

/**
 * When a call may be sent again after a retryable failure (docs/protocol.md, "Idempotence and retries").
 */
public enum RetryRule {
  /** Reads, and writes the node recognises when repeated (exact expected version, producer fields). */
  ALWAYS,
  /**
   * Writes that could take effect twice (append with {@code any} or {@code exists}, topic creation and
   * deletion): sent again only when no byte of them reached a socket; otherwise the outcome is unknown.
   */
  IF_NOT_SENT
}
