package io.cairn.client;

import io.cairn.eventstore.InvalidInputException;

/** Where a consumer starts reading a partition it has no position for (Kafka's {@code auto.offset.reset}). */
public enum AutoOffsetReset {
  /** The first stored record (the default: event-sourced topics are read from the start). */
  EARLIEST("earliest"),
  /** The high watermark: only records stored from now on. */
  LATEST("latest"),
  /** No default: {@link CairnConsumer#poll} fails until the partition is given a position by a seek. */
  NONE("none");

  private final String configName;

  AutoOffsetReset(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration. */
  public String configName() {
    return configName;
  }

  /** The policy with the given configuration name. */
  public static AutoOffsetReset forName(String name) {
    for (AutoOffsetReset reset : values()) {
      if (reset.configName.equals(name)) {
        return reset;
      }
    }
    throw new InvalidInputException(ClientOptions.AUTO_OFFSET_RESET, name, "must be earliest, latest or none");
  }
}
