package io.cairn.aggregates;

import java.util.List;

/**
 * The outcome of a command that was decided: accepted (with the events it appended) or rejected by the
 * domain. Failures (validation, conflict after retries, timeout, store errors) are failed futures instead.
 *
 * @param <E> the event family
 */
public sealed interface CommandResult<E> {

  /** The aggregate the command was for. */
  String aggregateId();

  /**
   * The command is applied.
   *
   * @param aggregateId the aggregate
   * @param newVersion  the aggregate's version after the command's events (unchanged if it had none)
   * @param events      the events the command appended, in order; for a resent command id, the events the
   *                    original send appended
   */
  record Accepted<E>(String aggregateId, long newVersion, List<E> events) implements CommandResult<E> {
    public Accepted {
      events = List.copyOf(events);
    }
  }

  /**
   * The domain refused the command; nothing was appended.
   *
   * @param aggregateId the aggregate
   * @param version     the aggregate's version the command was decided against
   * @param rejection   why
   */
  record Rejected<E>(String aggregateId, long version, Rejection rejection) implements CommandResult<E> {
  }
}
