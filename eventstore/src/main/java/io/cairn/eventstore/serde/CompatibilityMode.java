package io.cairn.eventstore.serde;

import io.cairn.eventstore.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which registered versions a new schema version of an event type is checked against, and in which
 * direction, as in Confluent's schema registry. "Reads" means decoding an event written with one
 * schema as the class of another.
 */
public enum CompatibilityMode {

  /** No check: any new version is accepted. */
  NONE(false, false, false),
  /** New code reads events of the latest version: the new schema reads data of the previous one. */
  BACKWARD(true, false, false),
  /** Old code reads new events: the latest version reads data of the new schema. */
  FORWARD(false, true, false),
  /** Both {@link #BACKWARD} and {@link #FORWARD} against the latest version. */
  FULL(true, true, false),
  /** {@link #BACKWARD} against every earlier version, not just the latest. */
  BACKWARD_TRANSITIVE(true, false, true),
  /** {@link #FORWARD} against every earlier version. */
  FORWARD_TRANSITIVE(false, true, true),
  /** {@link #FULL} against every earlier version. */
  FULL_TRANSITIVE(true, true, true);

  /** The mode of an event type nobody configured. */
  public static final CompatibilityMode DEFAULT = BACKWARD;

  private final boolean newReadsOld;
  private final boolean oldReadsNew;
  private final boolean transitive;

  CompatibilityMode(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
    this.newReadsOld = newReadsOld;
    this.oldReadsNew = oldReadsNew;
    this.transitive = transitive;
  }

  /** Whether the new schema must read data written with earlier ones. */
  public boolean newReadsOld() {
    return newReadsOld;
  }

  /** Whether earlier schemas must read data written with the new one. */
  public boolean oldReadsNew() {
    return oldReadsNew;
  }

  /** Whether every earlier version is checked, not just the latest. */
  public boolean transitive() {
    return transitive;
  }

  /** The mode written as {@code name}, ignoring case ({@code backward}, {@code full_transitive}, ...). */
  public static CompatibilityMode forName(String name) {
    for (CompatibilityMode mode : values()) {
      if (mode.name().equalsIgnoreCase(name)) {
        return mode;
      }
    }
    throw new InvalidInputException("compatibility", name, "must be one of "
        + Arrays.stream(values()).map(m -> m.name().toLowerCase(Locale.ROOT)).toList());
  }
}
