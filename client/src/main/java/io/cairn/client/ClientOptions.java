package io.cairn.client;

import static io.cairn.eventstore.SettingValues.ensureAtLeast;
import static io.cairn.eventstore.SettingValues.parseBoolean;
import static io.cairn.eventstore.SettingValues.parseInt;
import static io.cairn.eventstore.SettingValues.parseLong;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Options of a {@link CairnClient} and of the producers and consumers it hands out, with Kafka's client
 * setting names. Vert.x options style: names and defaults are constants, setters are fluent and check their
 * value at once (an {@link InvalidInputException} names the setting, the value and the rule),
 * {@link #ClientOptions(ClientOptions)} copies, {@link #set(String, String)} applies a setting given as
 * strings (a config file, a command line), and {@link #validate()} checks what involves several settings.
 *
 * <p>Not thread-safe while being built; a client keeps its own copy.
 */
public final class ClientOptions {

  // connection
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String CLIENT_ID = "client.id";
  public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
  public static final String SOCKET_CONNECTION_SETUP_TIMEOUT_MS = "socket.connection.setup.timeout.ms";
  public static final String RECONNECT_BACKOFF_MS = "reconnect.backoff.ms";
  public static final String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
  public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
  public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
  public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
  public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
  // producer
  public static final String LINGER_MS = "linger.ms";
  public static final String BATCH_SIZE = "batch.size";
  public static final String BUFFER_MEMORY = "buffer.memory";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String ENABLE_IDEMPOTENCE = "enable.idempotence";
  public static final String ACKS = "acks";
  public static final String MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "max.in.flight.requests.per.connection";
  public static final String MAX_REQUEST_SIZE = "max.request.size";
  // consumer
  public static final String MAX_POLL_RECORDS = "max.poll.records";
  public static final String FETCH_MAX_WAIT_MS = "fetch.max.wait.ms";
  public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
  public static final String MAX_PARTITION_FETCH_BYTES = "max.partition.fetch.bytes";
  public static final String AUTO_OFFSET_RESET = "auto.offset.reset";

  public static final String DEFAULT_CLIENT_ID = "cairn-client";
  public static final int DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_SOCKET_CONNECTION_SETUP_TIMEOUT_MS = 10_000;
  public static final long DEFAULT_RECONNECT_BACKOFF_MS = 50;
  public static final long DEFAULT_RECONNECT_BACKOFF_MAX_MS = 1_000;
  public static final long DEFAULT_RETRY_BACKOFF_MS = 100;
  public static final long DEFAULT_RETRY_BACKOFF_MAX_MS = 1_000;
  public static final int DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;
  /** Shorter than the node's own idle timeout (600 000 ms), so the client closes idle connections first. */
  public static final long DEFAULT_CONNECTIONS_MAX_IDLE_MS = 540_000;
  public static final long DEFAULT_METADATA_MAX_AGE_MS = 300_000;
  public static final long DEFAULT_LINGER_MS = 5;
  public static final int DEFAULT_BATCH_SIZE = 16_384;
  public static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;
  public static final CompressionType DEFAULT_COMPRESSION_TYPE = CompressionType.NONE;
  public static final boolean DEFAULT_ENABLE_IDEMPOTENCE = true;
  public static final Acks DEFAULT_ACKS = Acks.ALL;
  public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = 5;
  /** With idempotence, at most this many batches per partition may be in flight (the node remembers five). */
  public static final int MAX_IN_FLIGHT_WITH_IDEMPOTENCE = 5;
  public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
  public static final int DEFAULT_MAX_POLL_RECORDS = 500;
  public static final int DEFAULT_FETCH_MAX_WAIT_MS = 500;
  public static final int DEFAULT_FETCH_MAX_BYTES = 50 * 1024 * 1024;
  public static final int DEFAULT_MAX_PARTITION_FETCH_BYTES = 1024 * 1024;
  public static final AutoOffsetReset DEFAULT_AUTO_OFFSET_RESET = AutoOffsetReset.EARLIEST;

  /** Smallest timeout accepted for a request or a connection setup. */
  public static final int MIN_TIMEOUT_MS = 1;
  /** Smallest batch the producer builds: room for one small record and the batch header. */
  public static final int MIN_BATCH_SIZE = 128;

  private List<NodeAddress> bootstrapServers = List.of();
  private String clientId = DEFAULT_CLIENT_ID;
  private int requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  private int socketConnectionSetupTimeoutMs = DEFAULT_SOCKET_CONNECTION_SETUP_TIMEOUT_MS;
  private long reconnectBackoffMs = DEFAULT_RECONNECT_BACKOFF_MS;
  private long reconnectBackoffMaxMs = DEFAULT_RECONNECT_BACKOFF_MAX_MS;
  private long retryBackoffMs = DEFAULT_RETRY_BACKOFF_MS;
  private long retryBackoffMaxMs = DEFAULT_RETRY_BACKOFF_MAX_MS;
  private int deliveryTimeoutMs = DEFAULT_DELIVERY_TIMEOUT_MS;
  private long connectionsMaxIdleMs = DEFAULT_CONNECTIONS_MAX_IDLE_MS;
  private long metadataMaxAgeMs = DEFAULT_METADATA_MAX_AGE_MS;
  private long lingerMs = DEFAULT_LINGER_MS;
  private int batchSize = DEFAULT_BATCH_SIZE;
  private long bufferMemory = DEFAULT_BUFFER_MEMORY;
  private CompressionType compressionType = DEFAULT_COMPRESSION_TYPE;
  private boolean enableIdempotence = DEFAULT_ENABLE_IDEMPOTENCE;
  private Acks acks = DEFAULT_ACKS;
  private int maxInFlightRequestsPerConnection = DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION;
  private int maxRequestSize = DEFAULT_MAX_REQUEST_SIZE;
  private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;
  private int fetchMaxWaitMs = DEFAULT_FETCH_MAX_WAIT_MS;
  private int fetchMaxBytes = DEFAULT_FETCH_MAX_BYTES;
  private int maxPartitionFetchBytes = DEFAULT_MAX_PARTITION_FETCH_BYTES;
  private AutoOffsetReset autoOffsetReset = DEFAULT_AUTO_OFFSET_RESET;

  /** Options with every default and no bootstrap servers (required). */
  public ClientOptions() {
  }

  /** A copy of {@code other}. */
  public ClientOptions(ClientOptions other) {
    this.bootstrapServers = other.bootstrapServers;
    this.clientId = other.clientId;
    this.requestTimeoutMs = other.requestTimeoutMs;
    this.socketConnectionSetupTimeoutMs = other.socketConnectionSetupTimeoutMs;
    this.reconnectBackoffMs = other.reconnectBackoffMs;
    this.reconnectBackoffMaxMs = other.reconnectBackoffMaxMs;
    this.retryBackoffMs = other.retryBackoffMs;
    this.retryBackoffMaxMs = other.retryBackoffMaxMs;
    this.deliveryTimeoutMs = other.deliveryTimeoutMs;
    this.connectionsMaxIdleMs = other.connectionsMaxIdleMs;
    this.metadataMaxAgeMs = other.metadataMaxAgeMs;
    this.lingerMs = other.lingerMs;
    this.batchSize = other.batchSize;
    this.bufferMemory = other.bufferMemory;
    this.compressionType = other.compressionType;
    this.enableIdempotence = other.enableIdempotence;
    this.acks = other.acks;
    this.maxInFlightRequestsPerConnection = other.maxInFlightRequestsPerConnection;
    this.maxRequestSize = other.maxRequestSize;
    this.maxPollRecords = other.maxPollRecords;
    this.fetchMaxWaitMs = other.fetchMaxWaitMs;
    this.fetchMaxBytes = other.fetchMaxBytes;
    this.maxPartitionFetchBytes = other.maxPartitionFetchBytes;
    this.autoOffsetReset = other.autoOffsetReset;
  }

  /** Applies settings by their Kafka names from string values; see {@link #set(String, String)}. */
  public ClientOptions setAll(Map<String, String> settings) {
    settings.forEach(this::set);
    return this;
  }

  /**
   * Sets one option by its Kafka name ({@value #BOOTSTRAP_SERVERS}, {@value #LINGER_MS}, ...) from a string
   * value. An unknown name or a bad value throws {@link InvalidInputException} naming it.
   */
  public ClientOptions set(String name, String value) {
    Objects.requireNonNull(name, "name");
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(name, value, "must have a value");
    }
    String v = value.trim();
    switch (name) {
      case BOOTSTRAP_SERVERS -> setBootstrapServers(v);
      case CLIENT_ID -> setClientId(v);
      case REQUEST_TIMEOUT_MS -> setRequestTimeoutMs(parseInt(name, v));
      case SOCKET_CONNECTION_SETUP_TIMEOUT_MS -> setSocketConnectionSetupTimeoutMs(parseInt(name, v));
      case RECONNECT_BACKOFF_MS -> setReconnectBackoffMs(parseLong(name, v));
      case RECONNECT_BACKOFF_MAX_MS -> setReconnectBackoffMaxMs(parseLong(name, v));
      case RETRY_BACKOFF_MS -> setRetryBackoffMs(parseLong(name, v));
      case RETRY_BACKOFF_MAX_MS -> setRetryBackoffMaxMs(parseLong(name, v));
      case DELIVERY_TIMEOUT_MS -> setDeliveryTimeoutMs(parseInt(name, v));
      case CONNECTIONS_MAX_IDLE_MS -> setConnectionsMaxIdleMs(parseLong(name, v));
      case METADATA_MAX_AGE_MS -> setMetadataMaxAgeMs(parseLong(name, v));
      case LINGER_MS -> setLingerMs(parseLong(name, v));
      case BATCH_SIZE -> setBatchSize(parseInt(name, v));
      case BUFFER_MEMORY -> setBufferMemory(parseLong(name, v));
      case COMPRESSION_TYPE -> setCompressionType(compressionForName(v));
      case ENABLE_IDEMPOTENCE -> setEnableIdempotence(parseBoolean(name, v));
      case ACKS -> setAcks(Acks.forName(v));
      case MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION -> setMaxInFlightRequestsPerConnection(parseInt(name, v));
      case MAX_REQUEST_SIZE -> setMaxRequestSize(parseInt(name, v));
      case MAX_POLL_RECORDS -> setMaxPollRecords(parseInt(name, v));
      case FETCH_MAX_WAIT_MS -> setFetchMaxWaitMs(parseInt(name, v));
      case FETCH_MAX_BYTES -> setFetchMaxBytes(parseInt(name, v));
      case MAX_PARTITION_FETCH_BYTES -> setMaxPartitionFetchBytes(parseInt(name, v));
      case AUTO_OFFSET_RESET -> setAutoOffsetReset(AutoOffsetReset.forName(v));
      default -> throw new InvalidInputException(name, value, "is not a client option; known options: "
          + String.join(", ", toMap().keySet()));
    }
    return this;
  }

  /** Every option by its Kafka name, in a stable order ({@value #BOOTSTRAP_SERVERS} empty when unset). */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(BOOTSTRAP_SERVERS, String.join(",", bootstrapServers.stream().map(NodeAddress::toString).toList()));
    map.put(CLIENT_ID, clientId);
    map.put(REQUEST_TIMEOUT_MS, Integer.toString(requestTimeoutMs));
    map.put(SOCKET_CONNECTION_SETUP_TIMEOUT_MS, Integer.toString(socketConnectionSetupTimeoutMs));
    map.put(RECONNECT_BACKOFF_MS, Long.toString(reconnectBackoffMs));
    map.put(RECONNECT_BACKOFF_MAX_MS, Long.toString(reconnectBackoffMaxMs));
    map.put(RETRY_BACKOFF_MS, Long.toString(retryBackoffMs));
    map.put(RETRY_BACKOFF_MAX_MS, Long.toString(retryBackoffMaxMs));
    map.put(DELIVERY_TIMEOUT_MS, Integer.toString(deliveryTimeoutMs));
    map.put(CONNECTIONS_MAX_IDLE_MS, Long.toString(connectionsMaxIdleMs));
    map.put(METADATA_MAX_AGE_MS, Long.toString(metadataMaxAgeMs));
    map.put(LINGER_MS, Long.toString(lingerMs));
    map.put(BATCH_SIZE, Integer.toString(batchSize));
    map.put(BUFFER_MEMORY, Long.toString(bufferMemory));
    map.put(COMPRESSION_TYPE, compressionType.configName());
    map.put(ENABLE_IDEMPOTENCE, Boolean.toString(enableIdempotence));
    map.put(ACKS, acks.configName());
    map.put(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Integer.toString(maxInFlightRequestsPerConnection));
    map.put(MAX_REQUEST_SIZE, Integer.toString(maxRequestSize));
    map.put(MAX_POLL_RECORDS, Integer.toString(maxPollRecords));
    map.put(FETCH_MAX_WAIT_MS, Integer.toString(fetchMaxWaitMs));
    map.put(FETCH_MAX_BYTES, Integer.toString(fetchMaxBytes));
    map.put(MAX_PARTITION_FETCH_BYTES, Integer.toString(maxPartitionFetchBytes));
    map.put(AUTO_OFFSET_RESET, autoOffsetReset.configName());
    return map;
  }

  /**
   * Checks the rules that involve several options and the required ones, and returns this: bootstrap
   * servers are given; {@value #RECONNECT_BACKOFF_MAX_MS} and {@value #RETRY_BACKOFF_MAX_MS} are not below
   * their base; {@value #DELIVERY_TIMEOUT_MS} is at least {@value #LINGER_MS} + {@value #REQUEST_TIMEOUT_MS};
   * with idempotence, {@value #ACKS} is not 0 and {@value #MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION} is at most
   * {@value #MAX_IN_FLIGHT_WITH_IDEMPOTENCE}; {@value #BATCH_SIZE} fits in {@value #MAX_REQUEST_SIZE} and
   * {@value #BUFFER_MEMORY}.
   */
  public ClientOptions validate() {
    if (bootstrapServers.isEmpty()) {
      throw new InvalidInputException(BOOTSTRAP_SERVERS, "", "is required (host:port of a node)");
    }
    if (reconnectBackoffMaxMs < reconnectBackoffMs) {
      throw new InvalidInputException(RECONNECT_BACKOFF_MAX_MS, reconnectBackoffMaxMs,
          "must be at least " + RECONNECT_BACKOFF_MS + " (" + reconnectBackoffMs + ")");
    }
    if (retryBackoffMaxMs < retryBackoffMs) {
      throw new InvalidInputException(RETRY_BACKOFF_MAX_MS, retryBackoffMaxMs,
          "must be at least " + RETRY_BACKOFF_MS + " (" + retryBackoffMs + ")");
    }
    if (deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
      throw new InvalidInputException(DELIVERY_TIMEOUT_MS, deliveryTimeoutMs, "must be at least "
          + LINGER_MS + " + " + REQUEST_TIMEOUT_MS + " (" + (lingerMs + requestTimeoutMs) + ")");
    }
    if (enableIdempotence && acks == Acks.NONE) {
      throw new InvalidInputException(ACKS, acks.configName(), "must be 1 or all while " + ENABLE_IDEMPOTENCE
          + " is true (acks=0 gets no answers to confirm sequences); set " + ENABLE_IDEMPOTENCE + "=false");
    }
    if (enableIdempotence && maxInFlightRequestsPerConnection > MAX_IN_FLIGHT_WITH_IDEMPOTENCE) {
      throw new InvalidInputException(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, maxInFlightRequestsPerConnection,
          "must be at most " + MAX_IN_FLIGHT_WITH_IDEMPOTENCE + " while " + ENABLE_IDEMPOTENCE
          + " is true (the node remembers the last five batches of a producer)");
    }
    if (batchSize > maxRequestSize) {
      throw new InvalidInputException(BATCH_SIZE, batchSize, "must be at most " + MAX_REQUEST_SIZE
          + " (" + maxRequestSize + ")");
    }
    if (batchSize > bufferMemory) {
      throw new InvalidInputException(BATCH_SIZE, batchSize, "must be at most " + BUFFER_MEMORY
          + " (" + bufferMemory + ")");
    }
    return this;
  }

  /** The nodes the client first connects to. */
  public List<NodeAddress> bootstrapServers() {
    return bootstrapServers;
  }

  /** Nodes to connect to first, as {@code host:port[,host:port...]}; required. */
  public ClientOptions setBootstrapServers(String hostPortList) {
    Objects.requireNonNull(hostPortList, BOOTSTRAP_SERVERS);
    this.bootstrapServers = NodeAddress.parseList(hostPortList);
    return this;
  }

  /** Nodes to connect to first; at least one. */
  public ClientOptions setBootstrapServers(List<NodeAddress> addresses) {
    if (addresses == null || addresses.isEmpty()) {
      throw new InvalidInputException(BOOTSTRAP_SERVERS, addresses, "must list at least one host:port");
    }
    this.bootstrapServers = List.copyOf(addresses);
    return this;
  }

  public String clientId() {
    return clientId;
  }

  /** The name the node sees in logs and metrics; 1 to 255 characters. Default {@value #DEFAULT_CLIENT_ID}. */
  public ClientOptions setClientId(String clientId) {
    if (clientId == null || clientId.isEmpty() || clientId.length() > 255) {
      throw new InvalidInputException(CLIENT_ID, clientId, "must be 1 to 255 characters");
    }
    this.clientId = clientId;
    return this;
  }

  public int requestTimeoutMs() {
    return requestTimeoutMs;
  }

  /**
   * How long one request may wait for its answer once sent (a long-poll Fetch gets its wait on top); when it
   * passes, the request fails with {@link RequestTimeoutException} and the connection is closed and opened
   * again. At least {@value #MIN_TIMEOUT_MS}; default {@value #DEFAULT_REQUEST_TIMEOUT_MS}.
   */
  public ClientOptions setRequestTimeoutMs(int requestTimeoutMs) {
    ensureAtLeast(REQUEST_TIMEOUT_MS, requestTimeoutMs, MIN_TIMEOUT_MS);
    this.requestTimeoutMs = requestTimeoutMs;
    return this;
  }

  public int socketConnectionSetupTimeoutMs() {
    return socketConnectionSetupTimeoutMs;
  }

  /** How long opening a TCP connection may take; default {@value #DEFAULT_SOCKET_CONNECTION_SETUP_TIMEOUT_MS}. */
  public ClientOptions setSocketConnectionSetupTimeoutMs(int socketConnectionSetupTimeoutMs) {
    ensureAtLeast(SOCKET_CONNECTION_SETUP_TIMEOUT_MS, socketConnectionSetupTimeoutMs, MIN_TIMEOUT_MS);
    this.socketConnectionSetupTimeoutMs = socketConnectionSetupTimeoutMs;
    return this;
  }

  public long reconnectBackoffMs() {
    return reconnectBackoffMs;
  }

  /** Wait before the first reconnect attempt after a connection failed; doubles per failure. At least 0. */
  public ClientOptions setReconnectBackoffMs(long reconnectBackoffMs) {
    ensureAtLeast(RECONNECT_BACKOFF_MS, reconnectBackoffMs, 0);
    this.reconnectBackoffMs = reconnectBackoffMs;
    return this;
  }

  public long reconnectBackoffMaxMs() {
    return reconnectBackoffMaxMs;
  }

  /** Upper bound of the reconnect wait. At least 0 (and {@value #RECONNECT_BACKOFF_MS}, see {@link #validate()}). */
  public ClientOptions setReconnectBackoffMaxMs(long reconnectBackoffMaxMs) {
    ensureAtLeast(RECONNECT_BACKOFF_MAX_MS, reconnectBackoffMaxMs, 0);
    this.reconnectBackoffMaxMs = reconnectBackoffMaxMs;
    return this;
  }

  public long retryBackoffMs() {
    return retryBackoffMs;
  }

  /** Wait before the first retry of a request that failed retryably; doubles per retry. At least 0. */
  public ClientOptions setRetryBackoffMs(long retryBackoffMs) {
    ensureAtLeast(RETRY_BACKOFF_MS, retryBackoffMs, 0);
    this.retryBackoffMs = retryBackoffMs;
    return this;
  }

  public long retryBackoffMaxMs() {
    return retryBackoffMaxMs;
  }

  /** Upper bound of the retry wait. At least 0 (and {@value #RETRY_BACKOFF_MS}, see {@link #validate()}). */
  public ClientOptions setRetryBackoffMaxMs(long retryBackoffMaxMs) {
    ensureAtLeast(RETRY_BACKOFF_MAX_MS, retryBackoffMaxMs, 0);
    this.retryBackoffMaxMs = retryBackoffMaxMs;
    return this;
  }

  public int deliveryTimeoutMs() {
    return deliveryTimeoutMs;
  }

  /**
   * Upper bound on the time from a call ({@code send}, {@code append}, a read) to its outcome, retries
   * included; when it passes, the call fails with the last retryable error. Default
   * {@value #DEFAULT_DELIVERY_TIMEOUT_MS}.
   */
  public ClientOptions setDeliveryTimeoutMs(int deliveryTimeoutMs) {
    ensureAtLeast(DELIVERY_TIMEOUT_MS, deliveryTimeoutMs, MIN_TIMEOUT_MS);
    this.deliveryTimeoutMs = deliveryTimeoutMs;
    return this;
  }

  public long connectionsMaxIdleMs() {
    return connectionsMaxIdleMs;
  }

  /** A connection with nothing in flight for this long is closed (reopened on demand). At least 1. */
  public ClientOptions setConnectionsMaxIdleMs(long connectionsMaxIdleMs) {
    ensureAtLeast(CONNECTIONS_MAX_IDLE_MS, connectionsMaxIdleMs, 1);
    this.connectionsMaxIdleMs = connectionsMaxIdleMs;
    return this;
  }

  public long metadataMaxAgeMs() {
    return metadataMaxAgeMs;
  }

  /** Cached partition counts older than this are fetched again before use. At least 0. */
  public ClientOptions setMetadataMaxAgeMs(long metadataMaxAgeMs) {
    ensureAtLeast(METADATA_MAX_AGE_MS, metadataMaxAgeMs, 0);
    this.metadataMaxAgeMs = metadataMaxAgeMs;
    return this;
  }

  public long lingerMs() {
    return lingerMs;
  }

  /**
   * How long the producer waits for more records before it sends a batch that is not full. 0 sends at
   * once. Default {@value #DEFAULT_LINGER_MS}.
   */
  public ClientOptions setLingerMs(long lingerMs) {
    ensureAtLeast(LINGER_MS, lingerMs, 0);
    this.lingerMs = lingerMs;
    return this;
  }

  public int batchSize() {
    return batchSize;
  }

  /**
   * Bytes of records (before compression) a partition's batch collects before it is sent without waiting
   * for {@value #LINGER_MS}; a larger record gets a batch of its own. At least {@value #MIN_BATCH_SIZE};
   * default {@value #DEFAULT_BATCH_SIZE}.
   */
  public ClientOptions setBatchSize(int batchSize) {
    ensureAtLeast(BATCH_SIZE, batchSize, MIN_BATCH_SIZE);
    this.batchSize = batchSize;
    return this;
  }

  public long bufferMemory() {
    return bufferMemory;
  }

  /**
   * Bytes the producer may hold for records not yet acknowledged; a {@code send} beyond it fails at once
   * with {@link BufferExhaustedException}. At least {@value #MIN_BATCH_SIZE}; default 32 MiB.
   */
  public ClientOptions setBufferMemory(long bufferMemory) {
    ensureAtLeast(BUFFER_MEMORY, bufferMemory, MIN_BATCH_SIZE);
    this.bufferMemory = bufferMemory;
    return this;
  }

  public CompressionType compressionType() {
    return compressionType;
  }

  /** Compression of produced batches: none, gzip, snappy, lz4, zstd. Default none. */
  public ClientOptions setCompressionType(CompressionType compressionType) {
    this.compressionType = Objects.requireNonNull(compressionType, COMPRESSION_TYPE);
    return this;
  }

  public boolean enableIdempotence() {
    return enableIdempotence;
  }

  /**
   * Whether the producer numbers its batches so that the node stores a retried batch once (default true).
   * Without it a retry after a lost answer may store a batch twice or out of order.
   */
  public ClientOptions setEnableIdempotence(boolean enableIdempotence) {
    this.enableIdempotence = enableIdempotence;
    return this;
  }

  public Acks acks() {
    return acks;
  }

  /** When the node answers a Produce request; default {@link Acks#ALL}. */
  public ClientOptions setAcks(Acks acks) {
    this.acks = Objects.requireNonNull(acks, ACKS);
    return this;
  }

  public int maxInFlightRequestsPerConnection() {
    return maxInFlightRequestsPerConnection;
  }

  /**
   * Produce requests the producer keeps unanswered on its connection; each holds at most one batch per
   * partition. 1 or more; at most {@value #MAX_IN_FLIGHT_WITH_IDEMPOTENCE} with idempotence. Default
   * {@value #DEFAULT_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION}.
   */
  public ClientOptions setMaxInFlightRequestsPerConnection(int maxInFlightRequestsPerConnection) {
    ensureAtLeast(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, maxInFlightRequestsPerConnection, 1);
    this.maxInFlightRequestsPerConnection = maxInFlightRequestsPerConnection;
    return this;
  }

  public int maxRequestSize() {
    return maxRequestSize;
  }

  /**
   * Largest Produce request the producer builds (batches of several partitions are packed up to it); at
   * least {@value #MIN_BATCH_SIZE}, default 1 MiB. Must stay below the node's {@code socket.request.max.bytes}.
   */
  public ClientOptions setMaxRequestSize(int maxRequestSize) {
    ensureAtLeast(MAX_REQUEST_SIZE, maxRequestSize, MIN_BATCH_SIZE);
    this.maxRequestSize = maxRequestSize;
    return this;
  }

  public int maxPollRecords() {
    return maxPollRecords;
  }

  /** Most records one {@link CairnConsumer#poll} returns; the rest wait for the next poll. At least 1. */
  public ClientOptions setMaxPollRecords(int maxPollRecords) {
    ensureAtLeast(MAX_POLL_RECORDS, maxPollRecords, 1);
    this.maxPollRecords = maxPollRecords;
    return this;
  }

  public int fetchMaxWaitMs() {
    return fetchMaxWaitMs;
  }

  /**
   * Longest a consumer's or subscription's Fetch waits on the node for records (the long poll). At least 0;
   * default {@value #DEFAULT_FETCH_MAX_WAIT_MS}.
   */
  public ClientOptions setFetchMaxWaitMs(int fetchMaxWaitMs) {
    ensureAtLeast(FETCH_MAX_WAIT_MS, fetchMaxWaitMs, 0);
    this.fetchMaxWaitMs = fetchMaxWaitMs;
    return this;
  }

  public int fetchMaxBytes() {
    return fetchMaxBytes;
  }

  /** Soft limit of one Fetch answer over all partitions; at least 1, default 50 MiB. */
  public ClientOptions setFetchMaxBytes(int fetchMaxBytes) {
    ensureAtLeast(FETCH_MAX_BYTES, fetchMaxBytes, 1);
    this.fetchMaxBytes = fetchMaxBytes;
    return this;
  }

  public int maxPartitionFetchBytes() {
    return maxPartitionFetchBytes;
  }

  /** Soft limit of one partition's records in a Fetch answer; at least 1, default 1 MiB. */
  public ClientOptions setMaxPartitionFetchBytes(int maxPartitionFetchBytes) {
    ensureAtLeast(MAX_PARTITION_FETCH_BYTES, maxPartitionFetchBytes, 1);
    this.maxPartitionFetchBytes = maxPartitionFetchBytes;
    return this;
  }

  public AutoOffsetReset autoOffsetReset() {
    return autoOffsetReset;
  }

  /** Where a consumer starts in a partition it was assigned without a seek; default earliest. */
  public ClientOptions setAutoOffsetReset(AutoOffsetReset autoOffsetReset) {
    this.autoOffsetReset = Objects.requireNonNull(autoOffsetReset, AUTO_OFFSET_RESET);
    return this;
  }

  private static CompressionType compressionForName(String value) {
    try {
      return CompressionType.forName(value);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(COMPRESSION_TYPE, value, "must be none, gzip, snappy, lz4 or zstd");
    }
  }

  @Override
  public String toString() {
    return "ClientOptions" + toMap();
  }
}
