package io.cairn.aggregates;

import java.util.Objects;

/**
 * A domain refusal: a value, not an exception (CONVENTIONS.md, "Errors and input").
 *
 * @param code    a stable, machine-readable reason such as {@code insufficient-funds}
 * @param message a sentence for people, with the numbers that matter
 */
public record Rejection(String code, String message) {

  public Rejection {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
