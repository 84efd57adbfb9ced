package io.cairn.eventstore.internal.topic;

import io.cairn.eventstore.InvalidInputException;

/** Kafka's topic-name rule, plus the directory name of a partition. Stateless. */
public final class TopicNames {

  /** Longest topic name, as in Kafka (leaves room for "-partition" in a 255-byte file name). */
  public static final int MAX_NAME_LENGTH = 249;

  private TopicNames() {
  }

  /** Throws {@link InvalidInputException} unless {@code name} is 1-249 chars of [a-zA-Z0-9._-] and not "." or "..". */
  public static String ensureValid(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidInputException("topic", name, "must not be empty");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new InvalidInputException("topic", name, "must be at most " + MAX_NAME_LENGTH + " characters");
    }
    if (name.equals(".") || name.equals("..")) {
      throw new InvalidInputException("topic", name, "must not be \".\" or \"..\"");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!legal) {
        throw new InvalidInputException("topic", name, "may contain only ASCII letters, digits, '.', '_' and '-' (found '"
            + c + "' at index " + i + ")");
      }
    }
    return name;
  }

  /** The directory of one partition: {@code <topic>-<partition>}, as in Kafka. */
  public static String partitionDirName(String topic, int partition) {
    return topic + "-" + partition;
  }
}
