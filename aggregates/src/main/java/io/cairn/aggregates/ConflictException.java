package io.cairn.aggregates;

import io.cairn.eventstore.CairnException;

/**
 * A command lost the optimistic-concurrency race on every attempt: each time it was decided, another writer
 * had appended to the aggregate first. Nothing of this command was appended. Retryable.
 */
public final class ConflictException extends CairnException {

  private final String aggregateId;
  private final int attempts;

  public ConflictException(String topic, String aggregateId, int attempts, long lastExpectedVersion, long actualVersion) {
    super("command on aggregate " + aggregateId + " of topic " + topic + " conflicted " + attempts
        + " times; last attempt expected version " + lastExpectedVersion + ", the stream was at " + actualVersion, true);
    this.aggregateId = aggregateId;
    this.attempts = attempts;
  }

  /** The aggregate. */
  public String aggregateId() {
    return aggregateId;
  }

  /** How many appends were tried. */
  public int attempts() {
    return attempts;
  }
}
