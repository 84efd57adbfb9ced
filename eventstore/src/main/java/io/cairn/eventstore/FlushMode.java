package io.cairn.eventstore;

/**
 * When an append is acknowledged.
 * <ul>
 *   <li>{@link #DURABLE}: after an fsync that covers it (group commit: one fsync covers every append
 *       written before it started). Survives power loss. The default.</li>
 *   <li>{@link #PAGE_CACHE}: as soon as it is written to the OS page cache. Survives a crash of the
 *       process, not of the machine; the log is fsynced in the background and on segment roll: after
 *       {@link StoreOptions#pageCacheFlushIntervalMs()} at the latest, and once
 *       {@link StoreOptions#pageCacheFlushBytes()} bytes were appended since the last fsync began.</li>
 * </ul>
 */
public enum FlushMode {
  DURABLE("durable"),
  PAGE_CACHE("page-cache");

  private final String configName;

  FlushMode(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration ({@code flush.mode=page-cache}). */
  public String configName() {
    return configName;
  }

  /** The mode with the given configuration name. */
  public static FlushMode forName(String name) {
    for (FlushMode mode : values()) {
      if (mode.configName.equals(name)) {
        return mode;
      }
    }
    throw new InvalidInputException(TopicConfig.FLUSH_MODE, name, "must be durable or page-cache");
  }
}
