package io.cairn.aggregates;

import io.cairn.eventstore.CairnException;

/**
 * A command did not complete within {@link GatewayOptions#commandTimeoutMs()}. Its events may or may not
 * have been appended: resend it with the same command id to learn the outcome without applying it twice.
 * Retryable.
 */
public final class CommandTimeoutException extends CairnException {

  public CommandTimeoutException(String aggregateId, String commandId, long timeoutMs) {
    super("command " + commandId + " on aggregate " + aggregateId + " did not complete within " + timeoutMs + " ms", true);
  }
}
