package io.cairn.client;

import io.cairn.eventstore.CairnException;

/**
 * A write was sent but its answer was lost (the connection closed, the request timed out), and sending it
 * again could store it twice: an append expecting {@code any} or {@code exists} version without producer
 * fields, or a topic creation or deletion. Retryable by the caller, who knows whether a second copy is
 * harmless; reading the stream tells whether the first one was stored.
 */
public final class UnknownOutcomeException extends CairnException {

  public UnknownOutcomeException(String message, Throwable cause) {
    super(message, true, cause);
  }
}
