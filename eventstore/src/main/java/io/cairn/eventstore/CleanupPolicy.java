package io.cairn.eventstore;

/** What retention does with old segments: delete them, or compact them to the latest record per key. */
public enum CleanupPolicy {
  DELETE("delete"),
  COMPACT("compact");

  private final String configName;

  CleanupPolicy(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration ({@code cleanup.policy=compact}). */
  public String configName() {
    return configName;
  }

  /** The policy with the given configuration name. */
  public static CleanupPolicy forName(String name) {
    for (CleanupPolicy policy : values()) {
      if (policy.configName.equals(name)) {
        return policy;
      }
    }
    throw new InvalidInputException(TopicConfig.CLEANUP_POLICY, name, "must be delete or compact");
  }
}
