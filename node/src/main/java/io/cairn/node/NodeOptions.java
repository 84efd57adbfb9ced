package io.cairn.node;

import static io.cairn.eventstore.SettingValues.ensureAtLeast;
import static io.cairn.eventstore.SettingValues.parseInt;
import static io.cairn.eventstore.SettingValues.parseLong;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.spi.StoreObserver;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a {@link CairnNode}: the HTTP API, the binary protocol (docs/protocol.md) and its limits, and
 * the store's background fsync of page-cache topics. Vert.x options style: Kafka-style names as constants
 * (also the keys of a node config file), defaults as named constants, fluent setters that validate, a copy
 * constructor, and {@link #validate()} for the required options. Not thread-safe: configure, then hand
 * over.
 */
public final class NodeOptions {

  public static final String DATA_DIR = "data.dir";
  public static final String HTTP_HOST = "http.host";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_MAX_BODY_BYTES = "http.max.body.bytes";
  public static final String METRICS_REFRESH_INTERVAL_MS = "metrics.refresh.interval.ms";
  public static final String SHUTDOWN_GRACE_MS = "shutdown.grace.ms";
  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
  public static final String MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "max.in.flight.requests.per.connection";
  public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
  public static final String MAX_CONNECTIONS = "max.connections";
  public static final String NUM_NETWORK_THREADS = "num.network.threads";
  /** The store's {@link StoreOptions#PAGE_CACHE_FLUSH_INTERVAL_MS}. */
  public static final String FLUSH_INTERVAL_MS = StoreOptions.PAGE_CACHE_FLUSH_INTERVAL_MS;
  /** The store's {@link StoreOptions#PAGE_CACHE_FLUSH_BYTES}. */
  public static final String FLUSH_INTERVAL_BYTES = StoreOptions.PAGE_CACHE_FLUSH_BYTES;
  /** Every option name {@link #set} knows, comma-separated (a constant, so the CLI's help can name them). */
  public static final String OPTION_NAMES = DATA_DIR + ", " + HOST + ", " + PORT + ", " + SOCKET_REQUEST_MAX_BYTES
      + ", " + MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + ", " + CONNECTIONS_MAX_IDLE_MS + ", " + MAX_CONNECTIONS + ", "
      + NUM_NETWORK_THREADS + ", " + HTTP_HOST + ", " + HTTP_PORT + ", " + HTTP_MAX_BODY_BYTES + ", "
      + METRICS_REFRESH_INTERVAL_MS + ", " + SHUTDOWN_GRACE_MS + ", " + FLUSH_INTERVAL_MS + ", " + FLUSH_INTERVAL_BYTES;

  /** Loopback only: a node is reachable from other hosts only when asked for. */
  public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
  public static final int DEFAULT_HTTP_PORT = 8082;
  /** 0 asks the operating system for a free port ({@link CairnNode#httpPort()} tells which). */
  public static final int ANY_FREE_PORT = 0;
  public static final int MAX_PORT = 65_535;
  public static final int DEFAULT_HTTP_MAX_BODY_BYTES = 1024 * 1024;
  public static final int MIN_HTTP_MAX_BODY_BYTES = 1024;
  /** How often per-partition gauges (bytes on disk, log end offset) are refreshed from the store. */
  public static final long DEFAULT_METRICS_REFRESH_INTERVAL_MS = 5_000;
  public static final long MIN_METRICS_REFRESH_INTERVAL_MS = 100;
  /** How long a stopping node waits for in-flight requests (HTTP and binary protocol) before it closes connections. */
  public static final long DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
  /** Loopback only, like the HTTP API. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** The binary protocol's port (docs/protocol.md). */
  public static final int DEFAULT_PORT = 7070;
  /** Largest request frame of the binary protocol: 16 MiB. */
  public static final int DEFAULT_SOCKET_REQUEST_MAX_BYTES = 16 * 1024 * 1024;
  /** Smallest allowed frame limit: room for a header and a small request. */
  public static final int MIN_SOCKET_REQUEST_MAX_BYTES = 1024;
  public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = 100;
  /** A connection without traffic (and without requests in flight) is closed after 10 minutes, as in Kafka. */
  public static final long DEFAULT_CONNECTIONS_MAX_IDLE_MS = 600_000;
  public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  /** Event loops serving binary-protocol connections, as Kafka's {@code num.network.threads}. */
  public static final int DEFAULT_NUM_NETWORK_THREADS = 3;
  public static final int MAX_NUM_NETWORK_THREADS = 256;

  private Path dataDir;
  private String httpHost = DEFAULT_HTTP_HOST;
  private int httpPort = DEFAULT_HTTP_PORT;
  private int httpMaxBodyBytes = DEFAULT_HTTP_MAX_BODY_BYTES;
  private long metricsRefreshIntervalMs = DEFAULT_METRICS_REFRESH_INTERVAL_MS;
  private long shutdownGraceMs = DEFAULT_SHUTDOWN_GRACE_MS;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private int socketRequestMaxBytes = DEFAULT_SOCKET_REQUEST_MAX_BYTES;
  private int maxInFlightRequestsPerConnection = DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION;
  private long connectionsMaxIdleMs = DEFAULT_CONNECTIONS_MAX_IDLE_MS;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private int numNetworkThreads = DEFAULT_NUM_NETWORK_THREADS;
  /** The store's settings other than its data directory (which is {@link #dataDir}). */
  private final StoreOptions store;

  /** Options with every default and no data directory. */
  public NodeOptions() {
    this.store = new StoreOptions();
  }

  /** A copy of {@code other}. */
  public NodeOptions(NodeOptions other) {
    this.dataDir = other.dataDir;
    this.httpHost = other.httpHost;
    this.httpPort = other.httpPort;
    this.httpMaxBodyBytes = other.httpMaxBodyBytes;
    this.metricsRefreshIntervalMs = other.metricsRefreshIntervalMs;
    this.shutdownGraceMs = other.shutdownGraceMs;
    this.host = other.host;
    this.port = other.port;
    this.socketRequestMaxBytes = other.socketRequestMaxBytes;
    this.maxInFlightRequestsPerConnection = other.maxInFlightRequestsPerConnection;
    this.connectionsMaxIdleMs = other.connectionsMaxIdleMs;
    this.maxConnections = other.maxConnections;
    this.numNetworkThreads = other.numNetworkThreads;
    this.store = new StoreOptions(other.store);
  }

  /**
   * Applies settings by their Kafka-style names ({@value #DATA_DIR}, {@value #HTTP_PORT}, ...) from
   * string values, as read from a config file. An unknown name or a bad value throws
   * {@link InvalidInputException} naming it.
   */
  public NodeOptions setAll(Map<String, String> settings) {
    settings.forEach(this::set);
    return this;
  }

  /** Sets one option by its Kafka-style name from a string value. */
  public NodeOptions set(String name, String value) {
    Objects.requireNonNull(name, "name");
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(name, value, "must have a value");
    }
    String trimmed = value.trim();
    switch (name) {
      case DATA_DIR -> setDataDir(Path.of(trimmed));
      case HTTP_HOST -> setHttpHost(trimmed);
      case HTTP_PORT -> setHttpPort(parseInt(name, trimmed));
      case HTTP_MAX_BODY_BYTES -> setHttpMaxBodyBytes(parseInt(name, trimmed));
      case METRICS_REFRESH_INTERVAL_MS -> setMetricsRefreshIntervalMs(parseLong(name, trimmed));
      case SHUTDOWN_GRACE_MS -> setShutdownGraceMs(parseLong(name, trimmed));
      case HOST -> setHost(trimmed);
      case PORT -> setPort(parseInt(name, trimmed));
      case SOCKET_REQUEST_MAX_BYTES -> setSocketRequestMaxBytes(parseInt(name, trimmed));
      case MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION -> setMaxInFlightRequestsPerConnection(parseInt(name, trimmed));
      case CONNECTIONS_MAX_IDLE_MS -> setConnectionsMaxIdleMs(parseLong(name, trimmed));
      case MAX_CONNECTIONS -> setMaxConnections(parseInt(name, trimmed));
      case NUM_NETWORK_THREADS -> setNumNetworkThreads(parseInt(name, trimmed));
      case FLUSH_INTERVAL_MS -> setFlushIntervalMs(parseLong(name, trimmed));
      case FLUSH_INTERVAL_BYTES -> setFlushIntervalBytes(parseLong(name, trimmed));
      default -> throw new InvalidInputException(name, value, "is not a node option; known options: "
          + OPTION_NAMES);
    }
    return this;
  }

  /** The data directory of the store, if set. */
  public Optional<Path> dataDir() {
    return Optional.ofNullable(dataDir);
  }

  /** The directory holding all topics; created if missing. Required. */
  public NodeOptions setDataDir(Path dataDir) {
    this.dataDir = Objects.requireNonNull(dataDir, DATA_DIR);
    return this;
  }

  /** The interface the HTTP server binds to. */
  public String httpHost() {
    return httpHost;
  }

  /** The interface the HTTP server binds to; default {@value #DEFAULT_HTTP_HOST}. */
  public NodeOptions setHttpHost(String httpHost) {
    if (httpHost == null || httpHost.isBlank()) {
      throw new InvalidInputException(HTTP_HOST, httpHost, "must be a host name or IP address");
    }
    this.httpHost = httpHost;
    return this;
  }

  /** The HTTP port; 0 = any free port. */
  public int httpPort() {
    return httpPort;
  }

  /** The HTTP port, 0 to 65535 (0 = any free port); default {@value #DEFAULT_HTTP_PORT}. */
  public NodeOptions setHttpPort(int httpPort) {
    if (httpPort < ANY_FREE_PORT || httpPort > MAX_PORT) {
      throw new InvalidInputException(HTTP_PORT, httpPort, "must be 0 (any free port) to " + MAX_PORT);
    }
    this.httpPort = httpPort;
    return this;
  }

  /** The largest request body the HTTP API accepts; larger ones get 413. */
  public int httpMaxBodyBytes() {
    return httpMaxBodyBytes;
  }

  /** The largest request body, at least {@value #MIN_HTTP_MAX_BODY_BYTES}; default 1 MiB. */
  public NodeOptions setHttpMaxBodyBytes(int httpMaxBodyBytes) {
    ensureAtLeast(HTTP_MAX_BODY_BYTES, httpMaxBodyBytes, MIN_HTTP_MAX_BODY_BYTES);
    this.httpMaxBodyBytes = httpMaxBodyBytes;
    return this;
  }

  /** How often per-partition gauges are refreshed. */
  public long metricsRefreshIntervalMs() {
    return metricsRefreshIntervalMs;
  }

  /** How often per-partition gauges are refreshed, at least {@value #MIN_METRICS_REFRESH_INTERVAL_MS}. */
  public NodeOptions setMetricsRefreshIntervalMs(long metricsRefreshIntervalMs) {
    ensureAtLeast(METRICS_REFRESH_INTERVAL_MS, metricsRefreshIntervalMs, MIN_METRICS_REFRESH_INTERVAL_MS);
    this.metricsRefreshIntervalMs = metricsRefreshIntervalMs;
    return this;
  }

  /** How long a stop waits for in-flight requests. */
  public long shutdownGraceMs() {
    return shutdownGraceMs;
  }

  /** How long a stop waits for in-flight requests before closing connections, at least 0. */
  public NodeOptions setShutdownGraceMs(long shutdownGraceMs) {
    ensureAtLeast(SHUTDOWN_GRACE_MS, shutdownGraceMs, 0);
    this.shutdownGraceMs = shutdownGraceMs;
    return this;
  }

  /** The interface the binary protocol binds to. */
  public String host() {
    return host;
  }

  /** The interface the binary protocol binds to; default {@value #DEFAULT_HOST}. */
  public NodeOptions setHost(String host) {
    if (host == null || host.isBlank()) {
      throw new InvalidInputException(HOST, host, "must be a host name or IP address");
    }
    this.host = host;
    return this;
  }

  /** The binary protocol's port; 0 = any free port. */
  public int port() {
    return port;
  }

  /** The binary protocol's port, 0 to 65535 (0 = any free port); default {@value #DEFAULT_PORT}. */
  public NodeOptions setPort(int port) {
    if (port < ANY_FREE_PORT || port > MAX_PORT) {
      throw new InvalidInputException(PORT, port, "must be 0 (any free port) to " + MAX_PORT);
    }
    this.port = port;
    return this;
  }

  /** The largest request frame (after the size prefix) of the binary protocol. */
  public int socketRequestMaxBytes() {
    return socketRequestMaxBytes;
  }

  /**
   * The largest request frame, at least {@value #MIN_SOCKET_REQUEST_MAX_BYTES}; default 16 MiB. A larger frame
   * is answered with {@code FRAME_TOO_LARGE} and its connection closed.
   */
  public NodeOptions setSocketRequestMaxBytes(int socketRequestMaxBytes) {
    ensureAtLeast(SOCKET_REQUEST_MAX_BYTES, socketRequestMaxBytes, MIN_SOCKET_REQUEST_MAX_BYTES);
    this.socketRequestMaxBytes = socketRequestMaxBytes;
    return this;
  }

  /** Requests processed at once per connection before the node stops reading it. */
  public int maxInFlightRequestsPerConnection() {
    return maxInFlightRequestsPerConnection;
  }

  /**
   * Requests processed at once per connection, at least 1; default
   * {@value #DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION}. Beyond it the node stops reading the socket until
   * answers go out (TCP backpressure, never an error).
   */
  public NodeOptions setMaxInFlightRequestsPerConnection(int maxInFlightRequestsPerConnection) {
    ensureAtLeast(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, maxInFlightRequestsPerConnection, 1);
    this.maxInFlightRequestsPerConnection = maxInFlightRequestsPerConnection;
    return this;
  }

  /** How long a connection may stay without traffic and without requests in flight. */
  public long connectionsMaxIdleMs() {
    return connectionsMaxIdleMs;
  }

  /** How long a connection may stay idle before the node closes it, at least 1; default 10 minutes. */
  public NodeOptions setConnectionsMaxIdleMs(long connectionsMaxIdleMs) {
    ensureAtLeast(CONNECTIONS_MAX_IDLE_MS, connectionsMaxIdleMs, 1);
    this.connectionsMaxIdleMs = connectionsMaxIdleMs;
    return this;
  }

  /** The most binary-protocol connections open at once. */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * The most binary-protocol connections open at once, at least 1; default {@value #DEFAULT_MAX_CONNECTIONS}.
   * One more gets {@code CONNECTION_LIMIT_REACHED} and is closed.
   */
  public NodeOptions setMaxConnections(int maxConnections) {
    ensureAtLeast(MAX_CONNECTIONS, maxConnections, 1);
    this.maxConnections = maxConnections;
    return this;
  }

  /** Event loops serving binary-protocol connections. */
  public int numNetworkThreads() {
    return numNetworkThreads;
  }

  /**
   * Event loops serving binary-protocol connections (each connection stays on one), 1 to
   * {@value #MAX_NUM_NETWORK_THREADS}; default {@value #DEFAULT_NUM_NETWORK_THREADS}.
   */
  public NodeOptions setNumNetworkThreads(int numNetworkThreads) {
    if (numNetworkThreads < 1 || numNetworkThreads > MAX_NUM_NETWORK_THREADS) {
      throw new InvalidInputException(NUM_NETWORK_THREADS, numNetworkThreads, "must be 1 to " + MAX_NUM_NETWORK_THREADS);
    }
    this.numNetworkThreads = numNetworkThreads;
    return this;
  }

  /** Longest time an append to a page-cache topic waits for a background fsync. */
  public long flushIntervalMs() {
    return store.pageCacheFlushIntervalMs();
  }

  /**
   * Longest time an append to a page-cache topic waits for a background fsync, at least 1; default
   * {@value StoreOptions#DEFAULT_PAGE_CACHE_FLUSH_INTERVAL_MS} (see {@link StoreOptions#setPageCacheFlushIntervalMs}).
   */
  public NodeOptions setFlushIntervalMs(long flushIntervalMs) {
    store.setPageCacheFlushIntervalMs(flushIntervalMs);
    return this;
  }

  /** Bytes appended to a page-cache partition after which it fsyncs before its interval is up. */
  public long flushIntervalBytes() {
    return store.pageCacheFlushBytes();
  }

  /**
   * Bytes appended to a page-cache partition after which it fsyncs before its interval is up, at least 4096;
   * default {@value StoreOptions#DEFAULT_PAGE_CACHE_FLUSH_BYTES} (see {@link StoreOptions#setPageCacheFlushBytes}).
   */
  public NodeOptions setFlushIntervalBytes(long flushIntervalBytes) {
    store.setPageCacheFlushBytes(flushIntervalBytes);
    return this;
  }

  /** The options of the node's store: these settings, the data directory and {@code observer}. */
  StoreOptions storeOptions(Path dataDir, StoreObserver observer) {
    return new StoreOptions(store).setDataDir(dataDir).setObserver(observer);
  }

  /** Checks that every required option is set; returns this. */
  public NodeOptions validate() {
    if (dataDir == null) {
      throw new InvalidInputException(DATA_DIR, null, "is required");
    }
    return this;
  }

  @Override
  public String toString() {
    return DATA_DIR + "=" + dataDir + ", " + HTTP_HOST + "=" + httpHost + ", " + HTTP_PORT + "=" + httpPort
        + ", " + HTTP_MAX_BODY_BYTES + "=" + httpMaxBodyBytes + ", " + HOST + "=" + host + ", " + PORT + "=" + port
        + ", " + SOCKET_REQUEST_MAX_BYTES + "=" + socketRequestMaxBytes + ", " + MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION
        + "=" + maxInFlightRequestsPerConnection + ", " + CONNECTIONS_MAX_IDLE_MS + "=" + connectionsMaxIdleMs
        + ", " + MAX_CONNECTIONS + "=" + maxConnections + ", " + NUM_NETWORK_THREADS + "=" + numNetworkThreads
        + ", " + FLUSH_INTERVAL_MS + "=" + flushIntervalMs() + ", " + FLUSH_INTERVAL_BYTES + "=" + flushIntervalBytes();
  }
}
