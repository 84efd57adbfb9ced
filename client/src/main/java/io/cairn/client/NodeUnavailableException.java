package io.cairn.client;

import io.cairn.eventstore.CairnException;

/**
 * The client has no connection to the node: it could not connect, or the connection closed while a request
 * waited for its answer. Retryable; the client reconnects with backoff on its own.
 */
public final class NodeUnavailableException extends CairnException {

  public NodeUnavailableException(String message) {
    super(message, true);
  }

  public NodeUnavailableException(String message, Throwable cause) {
    super(message, true, cause);
  }
}
