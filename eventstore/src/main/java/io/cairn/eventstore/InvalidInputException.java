package io.cairn.eventstore;

/**
 * A request or configuration value broke a rule. The message names the field, the value and the
 * rule; nothing was stored. Never retryable.
 */
public final class InvalidInputException extends CairnException {

  private final String field;

  public InvalidInputException(String field, Object value, String rule) {
    super(field + " = " + render(value) + ": " + rule, false);
    this.field = field;
  }

  private InvalidInputException(String field, String message) {
    super(message, false);
    this.field = field;
  }

  /**
   * The exception a node reported over the network, with its message as is. The field is the part of the
   * message before {@code " = "} (the form this class writes), or {@code "request"} if there is none.
   */
  public static InvalidInputException fromRemote(String message) {
    int end = message.indexOf(" = ");
    return new InvalidInputException(end > 0 ? message.substring(0, end) : "request", message);
  }

  /** The setting or request field that broke the rule, e.g. {@code segment.bytes} or {@code aggregateId}. */
  public String field() {
    return field;
  }

  private static String render(Object value) {
    if (value instanceof String s) {
      return s.length() > 80 ? "\"" + s.substring(0, 77) + "...\" (" + s.length() + " chars)" : "\"" + s + "\"";
    }
    return String.valueOf(value);
  }
}
