package io.cairn.aggregates;

import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.InvalidInputException;

/**
 * A command is malformed: a field breaks a rule (as opposed to a domain {@link Rejection}). The message
 * names the field, the value and the rule; nothing was appended. Never retryable.
 */
public final class CommandValidationException extends CairnException {

  private final String field;

  public CommandValidationException(String field, Object value, String rule) {
    // The same "field = value: rule" text as every other input error of Cairn.
    super(new InvalidInputException(field, value, rule).getMessage(), false);
    this.field = field;
  }

  /** The command field that broke the rule, e.g. {@code amount}. */
  public String field() {
    return field;
  }
}
