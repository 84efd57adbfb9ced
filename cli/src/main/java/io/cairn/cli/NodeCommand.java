package io.cairn.cli;

import io.cairn.eventstore.StoreOptions;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code cairn node}: runs a Cairn node (the binary protocol, the HTTP API, health and metrics over the
 * local store in the data directory) until the process gets SIGTERM or SIGINT. Options come from flags,
 * then from a {@code --config} properties file with the same Kafka-style names as {@link NodeOptions}
 * ({@code data.dir}, {@code port}, {@code http.port}, ...), then from {@code $CAIRN_DATA_DIR} for the
 * data directory; flags win. Every option has a flag: its name with dashes ({@code --max-connections}).
 *
 * <p>The node logs one line when ready ({@value CairnNode#READY_PREFIX}...). On SIGTERM/SIGINT a
 * shutdown hook stops it cleanly (in-flight requests finish, the store is flushed and writes its
 * clean-shutdown marker) within {@value #STOP_TIMEOUT_MS} ms and ends the process with exit code 0,
 * or 1 if the stop failed or took too long.
 */
@Command(name = "node",
    description = "Run a Cairn node (binary protocol, HTTP API, /health, /metrics) on a data directory until"
        + " SIGTERM/SIGINT.")
public final class NodeCommand implements Callable<Integer> {

  /** How long the shutdown hook waits for a clean stop before the process exits with a failure. */
  public static final long STOP_TIMEOUT_MS = 60_000;

  @Spec
  private CommandSpec spec;

  @Mixin
  private CommonOptions common;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Data directory, created if missing (default: data.dir of --config, then $"
          + DataDirOptions.DATA_DIR_ENV + ").")
  private Path dataDir;

  @Option(names = "--host", paramLabel = "HOST",
      description = "Interface for the binary protocol (default: " + NodeOptions.DEFAULT_HOST + ").")
  private String host;

  @Option(names = "--port", paramLabel = "PORT",
      description = "Port of the binary protocol, 0 = any free port (default: " + NodeOptions.DEFAULT_PORT + ").")
  private Integer port;

  @Option(names = "--socket-request-max-bytes", paramLabel = "BYTES",
      description = "Largest binary-protocol request frame; larger ones close the connection (default: "
          + NodeOptions.DEFAULT_SOCKET_REQUEST_MAX_BYTES + ").")
  private Integer socketRequestMaxBytes;

  @Option(names = "--max-in-flight-requests-per-connection", paramLabel = "N",
      description = "Requests processed at once per connection before the node stops reading it (default: "
          + NodeOptions.DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + ").")
  private Integer maxInFlightRequestsPerConnection;

  @Option(names = "--connections-max-idle-ms", paramLabel = "MS",
      description = "Close binary-protocol connections idle this long (default: "
          + NodeOptions.DEFAULT_CONNECTIONS_MAX_IDLE_MS + ").")
  private Long connectionsMaxIdleMs;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Most binary-protocol connections open at once (default: " + NodeOptions.DEFAULT_MAX_CONNECTIONS
          + ").")
  private Integer maxConnections;

  @Option(names = "--num-network-threads", paramLabel = "N",
      description = "Event loops serving binary-protocol connections (default: "
          + NodeOptions.DEFAULT_NUM_NETWORK_THREADS + ").")
  private Integer numNetworkThreads;

  @Option(names = "--flush-interval-ms", paramLabel = "MS",
      description = "Longest time an append to a page-cache topic waits for a background fsync (default: "
          + StoreOptions.DEFAULT_PAGE_CACHE_FLUSH_INTERVAL_MS + ").")
  private Long flushIntervalMs;

  @Option(names = "--flush-interval-bytes", paramLabel = "BYTES",
      description = "Bytes appended to a page-cache partition after which it fsyncs before its interval is up "
          + "(default: " + StoreOptions.DEFAULT_PAGE_CACHE_FLUSH_BYTES + ").")
  private Long flushIntervalBytes;

  @Option(names = "--metrics-refresh-interval-ms", paramLabel = "MS",
      description = "How often per-partition gauges are refreshed (default: "
          + NodeOptions.DEFAULT_METRICS_REFRESH_INTERVAL_MS + ").")
  private Long metricsRefreshIntervalMs;

  @Option(names = "--shutdown-grace-ms", paramLabel = "MS",
      description = "How long a stop waits for in-flight requests (default: " + NodeOptions.DEFAULT_SHUTDOWN_GRACE_MS
          + ").")
  private Long shutdownGraceMs;

  @Option(names = "--http-host", paramLabel = "HOST",
      description = "Interface for the HTTP API (default: " + NodeOptions.DEFAULT_HTTP_HOST + ").")
  private String httpHost;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "Port of the HTTP API, 0 = any free port (default: " + NodeOptions.DEFAULT_HTTP_PORT + ").")
  private Integer httpPort;

  @Option(names = "--http-max-body-bytes", paramLabel = "BYTES",
      description = "Largest HTTP request body; larger ones get 413 (default: "
          + NodeOptions.DEFAULT_HTTP_MAX_BODY_BYTES + ").")
  private Integer httpMaxBodyBytes;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file with node options by name (" + NodeOptions.OPTION_NAMES + "); flags win.")
  private Path configFile;

  @Override
  public Integer call() throws IOException, InterruptedException {
    NodeOptions options = options();
    // The ready line is logged at INFO; bin/cairn's default level for libraries is WARN.
    if (System.getProperty(CairnCli.CAIRN_LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(CairnCli.CAIRN_LOG_LEVEL_PROPERTY, "info");
    }
    CairnNode node = CairnNode.start(options).await();
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndHalt(node), "cairn-node-shutdown"));
    // The process ends in the shutdown hook: returning from here would call System.exit, which would
    // only run the hook again.
    forever.await();
    return ExitCodes.OK;
  }

  /** The node's options: flags over the config file over the environment. */
  NodeOptions options() throws IOException {
    NodeOptions options = new NodeOptions();
    if (configFile != null) {
      options.setAll(readConfig(configFile));
    }
    if (dataDir != null) {
      options.setDataDir(dataDir);
    } else if (options.dataDir().isEmpty()) {
      Optional<String> fromEnv = Optional.ofNullable(CairnCli.environmentOf(spec).get(DataDirOptions.DATA_DIR_ENV))
          .filter(value -> !value.isBlank());
      options.setDataDir(fromEnv.map(Path::of).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "Missing required option: '--data-dir=DIR' (or data.dir in --config, or set "
              + DataDirOptions.DATA_DIR_ENV + ")")));
    }
    if (httpHost != null) {
      options.setHttpHost(httpHost);
    }
    if (httpPort != null) {
      options.setHttpPort(httpPort);
    }
    if (httpMaxBodyBytes != null) {
      options.setHttpMaxBodyBytes(httpMaxBodyBytes);
    }
    if (host != null) {
      options.setHost(host);
    }
    if (port != null) {
      options.setPort(port);
    }
    if (socketRequestMaxBytes != null) {
      options.setSocketRequestMaxBytes(socketRequestMaxBytes);
    }
    if (maxInFlightRequestsPerConnection != null) {
      options.setMaxInFlightRequestsPerConnection(maxInFlightRequestsPerConnection);
    }
    if (connectionsMaxIdleMs != null) {
      options.setConnectionsMaxIdleMs(connectionsMaxIdleMs);
    }
    if (maxConnections != null) {
      options.setMaxConnections(maxConnections);
    }
    if (numNetworkThreads != null) {
      options.setNumNetworkThreads(numNetworkThreads);
    }
    if (flushIntervalMs != null) {
      options.setFlushIntervalMs(flushIntervalMs);
    }
    if (flushIntervalBytes != null) {
      options.setFlushIntervalBytes(flushIntervalBytes);
    }
    if (metricsRefreshIntervalMs != null) {
      options.setMetricsRefreshIntervalMs(metricsRefreshIntervalMs);
    }
    if (shutdownGraceMs != null) {
      options.setShutdownGraceMs(shutdownGraceMs);
    }
    return options.validate();
  }

  private static Map<String, String> readConfig(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (String name : properties.stringPropertyNames()) {
      settings.put(name, properties.getProperty(name));
    }
    return settings;
  }

  private static void stopAndHalt(CairnNode node) {
    int exitCode = ExitCodes.OK;
    try {
      node.stop().await(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | RuntimeException e) {
      // CairnNode has logged the cause; a timeout is reported by the exit code alone.
      exitCode = ExitCodes.FAILURE;
    }
    // halt, not exit: System.exit from a shutdown hook blocks forever, and the status of a process
    // ended by a signal would otherwise be 128 + the signal's number.
    Runtime.getRuntime().halt(exitCode);
  }
}
