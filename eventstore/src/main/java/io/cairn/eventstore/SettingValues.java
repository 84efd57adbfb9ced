package io.cairn.eventstore;

/**
 * Parses and checks option values given by their setting names ({@code segment.bytes}, {@code linger.ms},
 * ...), as config files and command lines hand them over. Every failure is an {@link InvalidInputException}
 * naming the setting, the value and the rule. Shared by the options classes of all modules
 * ({@link TopicConfig}, {@link StoreOptions}, the client's and the node's), so a setting reads and fails the
 * same way everywhere. Stateless and thread-safe.
 */
public final class SettingValues {

  private SettingValues() {
  }

  /** {@code value} (surrounding blanks ignored) as an {@code int}. */
  public static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name, value, "must be a whole number between "
          + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
    }
  }

  /** {@code value} (surrounding blanks ignored) as a {@code long}. */
  public static long parseLong(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name, value, "must be a whole number");
    }
  }

  /** {@code value} (surrounding blanks ignored), which must be exactly {@code true} or {@code false}. */
  public static boolean parseBoolean(String name, String value) {
    String trimmed = value.trim();
    if (trimmed.equals("true") || trimmed.equals("false")) {
      return Boolean.parseBoolean(trimmed);
    }
    throw new InvalidInputException(name, value, "must be true or false");
  }

  /** Checks that the setting {@code name} is at least {@code min}. */
  public static void ensureAtLeast(String name, long value, long min) {
    if (value < min) {
      throw new InvalidInputException(name, value, "must be at least " + min);
    }
  }
}
