package io.cairn.aggregates.contract;

import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * A node started in-process on a data directory (ports chosen by the OS), to which tests connect as many
 * {@link CairnClient}s as they need. Its own store ({@link #store()}) is the in-process way in.
 *
 * @param node the running node
 */
public record RunningNode(CairnNode node) {

  /** Starts a node on {@code dataDir}. */
  public static Future<RunningNode> start(Path dataDir) {
    return CairnNode.start(new NodeOptions().setDataDir(dataDir).setHttpPort(0).setPort(0)).map(RunningNode::new);
  }

  /** A new client of this node on {@code vertx}; the caller closes it. */
  public Future<CairnClient> connect(Vertx vertx) {
    return CairnClient.connect(vertx, new ClientOptions().setBootstrapServers("127.0.0.1:" + node.protocolPort()));
  }

  /** The node's own store, in process. */
  public io.cairn.eventstore.EventStore store() {
    return node.store();
  }

  /** Stops the node. */
  public Future<Void> stop() {
    return node.stop();
  }
}
