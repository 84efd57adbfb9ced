package io.cairn.client;

import io.cairn.eventstore.InvalidInputException;

/**
 * When the node answers a Produce request (Kafka's {@code acks}). A single node has no replicas, so
 * {@link #LEADER} and {@link #ALL} both wait for the topic's durability (an fsync for durable topics, the
 * page cache for {@code flush.mode=page-cache}); they differ once replication exists.
 */
public enum Acks {
  /** No answer at all: the producer counts a record as sent once it is written to the socket. */
  NONE(0, "0"),
  /** The partition leader has stored the batch. */
  LEADER(1, "1"),
  /** Every in-sync replica has stored the batch (the default). */
  ALL(-1, "all");

  private final short wireValue;
  private final String configName;

  Acks(int wireValue, String configName) {
    this.wireValue = (short) wireValue;
    this.configName = configName;
  }

  /** The value of the {@code acks} field of a Produce request. */
  public short wireValue() {
    return wireValue;
  }

  /** The name used in configuration: {@code 0}, {@code 1} or {@code all}. */
  public String configName() {
    return configName;
  }

  /** The mode for a configuration value: {@code 0}, {@code 1}, {@code all} or {@code -1}. */
  public static Acks forName(String value) {
    return switch (value) {
      case "0" -> NONE;
      case "1" -> LEADER;
      case "all", "-1" -> ALL;
      default -> throw new InvalidInputException(ClientOptions.ACKS, value, "must be 0, 1, all or -1");
    };
  }
}
