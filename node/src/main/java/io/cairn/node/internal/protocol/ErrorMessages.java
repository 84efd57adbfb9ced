package io.cairn.node.internal.protocol;

/** The text of an error sent to a client: the failure's message, bounded so that it always fits a frame. */
final class ErrorMessages {

  /** Longest error message sent, in chars (a protocol string holds at most 32,767 UTF-8 bytes). */
  static final int MAX_CHARS = 2_000;

  private ErrorMessages() {
  }

  static String of(Throwable failure) {
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      message = failure.getClass().getSimpleName();
    }
    return message.length() > MAX_CHARS ? message.substring(0, MAX_CHARS) + "..." : message;
  }
}
