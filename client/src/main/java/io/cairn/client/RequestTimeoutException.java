package io.cairn.client;

import io.cairn.eventstore.CairnException;

/**
 * A request got no answer within {@code request.timeout.ms}, or a call found no outcome within
 * {@code delivery.timeout.ms}. Retryable; the node may or may not have executed the request.
 */
public final class RequestTimeoutException extends CairnException {

  public RequestTimeoutException(String message) {
    super(message, true);
  }

  public RequestTimeoutException(String message, Throwable cause) {
    super(message, true, cause);
  }
}
