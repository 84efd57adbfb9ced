package io.cairn.bench;

import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.TopicConfig;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Cairn as a {@link NetworkPeer}: a node at {@code bootstrap} (usually a {@link NodeProcess} the caller
 * started), Cairn's network producer ({@link CairnRecordSink}) and consumer ({@link CairnRecordSource}),
 * each on a client of its own, and an admin client for topics. Topics are created with
 * {@link FlushMode#PAGE_CACHE}: acknowledged once in the page cache, like Kafka's {@code acks=1} without
 * fsync. {@link #close()} closes the admin client; the node belongs to the caller.
 */
public final class CairnNetworkPeer implements NetworkPeer {

  /** Flush mode of the benchmark topics. */
  public static final FlushMode FLUSH_MODE = FlushMode.PAGE_CACHE;

  private final String bootstrap;
  private final String httpAddress;
  private final long nodePid;
  private final CairnClient admin;
  private final long seed;

  private CairnNetworkPeer(String bootstrap, String httpAddress, long nodePid, CairnClient admin, long seed) {
    this.bootstrap = bootstrap;
    this.httpAddress = httpAddress;
    this.nodePid = nodePid;
    this.admin = admin;
    this.seed = seed;
  }

  /**
   * Connects the admin client to the node at {@code bootstrap} (process {@code nodePid}, for the output), whose HTTP
   * API is at {@code httpAddress} (null if unknown: then the node's own latency is not read); {@code seed} seeds the
   * event ids.
   */
  public static CairnNetworkPeer connect(String bootstrap, String httpAddress, long nodePid, long seed) {
    return new CairnNetworkPeer(bootstrap, httpAddress, nodePid, CairnClients.connect(new ClientOptions()
        .setBootstrapServers(bootstrap).setClientId("cairn-bench-admin")), seed);
  }

  @Override
  public String name() {
    return "cairn";
  }

  @Override
  public boolean ensureTopic(String topic, int partitions, CompressionType compression) {
    return CairnClients.ensureTopic(admin, topic, new TopicConfig().setPartitions(partitions).setFlushMode(FLUSH_MODE)
        .setCompressionType(compression));
  }

  @Override
  public RecordSink openSink(String topic, AggregateKeys keys, ProducerSettings settings) {
    return CairnRecordSink.open(bootstrap, topic, keys, settings, seed);
  }

  @Override
  public RecordSource openSource(String topic) {
    return CairnRecordSource.open(bootstrap, topic);
  }

  @Override
  public Optional<NodeRequestLatency> serverProduceLatency() {
    return Optional.ofNullable(httpAddress).map(address -> new NodeRequestLatency(address, "Produce"));
  }

  @Override
  public OptionalLong serverPid() {
    return nodePid > 0 ? OptionalLong.of(nodePid) : OptionalLong.empty();
  }

  @Override
  public void describe(JsonLine line) {
    line.put("flush_mode", FLUSH_MODE.configName()).put("bootstrap", bootstrap).put("node_pid", nodePid);
  }

  @Override
  public void close() {
    CairnClients.close(admin);
  }
}
