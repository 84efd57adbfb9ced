package io.cairn.aggregates;

import static io.cairn.eventstore.SettingValues.ensureAtLeast;

import io.cairn.eventstore.InvalidInputException;

/**
 * Settings of a {@link CommandGateway}. Options style: defaults are the named constants, setters are fluent
 * and validate at once (an {@link InvalidInputException} names the setting, the value and the rule), and
 * {@link #GatewayOptions(GatewayOptions)} copies. Not thread-safe while being built; the gateway keeps a copy.
 */
public final class GatewayOptions {

  public static final String CACHE_ENTRIES = "aggregate.cache.entries";
  public static final String MAX_CONFLICT_RETRIES = "conflict.retries";
  public static final String COMMAND_TIMEOUT_MS = "command.timeout.ms";
  public static final String READ_PAGE_EVENTS = "read.page.events";
  public static final String RECENT_COMMAND_IDS = "recent.command.ids";

  /** Aggregates whose state and version are kept in memory. */
  public static final int DEFAULT_CACHE_ENTRIES = 10_000;
  /** Reloads and retries after a version conflict before the command fails with {@link ConflictException}. */
  public static final int DEFAULT_MAX_CONFLICT_RETRIES = 5;
  public static final long DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
  /** Events read per page when an aggregate is loaded: the most a load holds in memory at once. */
  public static final int DEFAULT_READ_PAGE_EVENTS = 500;
  /** Command ids remembered per aggregate for idempotent resends (also stored in snapshots). */
  public static final int DEFAULT_RECENT_COMMAND_IDS = 100;

  private int cacheEntries = DEFAULT_CACHE_ENTRIES;
  private int maxConflictRetries = DEFAULT_MAX_CONFLICT_RETRIES;
  private long commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS;
  private int readPageEvents = DEFAULT_READ_PAGE_EVENTS;
  private int recentCommandIds = DEFAULT_RECENT_COMMAND_IDS;

  /** Every default. */
  public GatewayOptions() {
  }

  /** A copy of {@code other}. */
  public GatewayOptions(GatewayOptions other) {
    this.cacheEntries = other.cacheEntries;
    this.maxConflictRetries = other.maxConflictRetries;
    this.commandTimeoutMs = other.commandTimeoutMs;
    this.readPageEvents = other.readPageEvents;
    this.recentCommandIds = other.recentCommandIds;
  }

  public int cacheEntries() {
    return cacheEntries;
  }

  /** Aggregates kept in the LRU cache, at least 1. */
  public GatewayOptions setCacheEntries(int cacheEntries) {
    ensureAtLeast(CACHE_ENTRIES, cacheEntries, 1);
    this.cacheEntries = cacheEntries;
    return this;
  }

  public int maxConflictRetries() {
    return maxConflictRetries;
  }

  /** Retries after a version conflict, 0 or more. */
  public GatewayOptions setMaxConflictRetries(int maxConflictRetries) {
    ensureAtLeast(MAX_CONFLICT_RETRIES, maxConflictRetries, 0);
    this.maxConflictRetries = maxConflictRetries;
    return this;
  }

  public long commandTimeoutMs() {
    return commandTimeoutMs;
  }

  /** How long a send may take, queueing included, before it fails with {@link CommandTimeoutException}; at least 1. */
  public GatewayOptions setCommandTimeoutMs(long commandTimeoutMs) {
    ensureAtLeast(COMMAND_TIMEOUT_MS, commandTimeoutMs, 1);
    this.commandTimeoutMs = commandTimeoutMs;
    return this;
  }

  public int readPageEvents() {
    return readPageEvents;
  }

  /** Events per read while loading an aggregate, at least 1. */
  public GatewayOptions setReadPageEvents(int readPageEvents) {
    ensureAtLeast(READ_PAGE_EVENTS, readPageEvents, 1);
    this.readPageEvents = readPageEvents;
    return this;
  }

  public int recentCommandIds() {
    return recentCommandIds;
  }

  /** Command ids remembered per aggregate, at least 1: a resend older than this window is decided again. */
  public GatewayOptions setRecentCommandIds(int recentCommandIds) {
    ensureAtLeast(RECENT_COMMAND_IDS, recentCommandIds, 1);
    this.recentCommandIds = recentCommandIds;
    return this;
  }

  @Override
  public String toString() {
    return "GatewayOptions{" + CACHE_ENTRIES + "=" + cacheEntries + ", " + MAX_CONFLICT_RETRIES + "=" + maxConflictRetries
        + ", " + COMMAND_TIMEOUT_MS + "=" + commandTimeoutMs + ", " + READ_PAGE_EVENTS + "=" + readPageEvents + ", "
        + RECENT_COMMAND_IDS + "=" + recentCommandIds + "}";
  }
}
