package io.cairn.node.client;

import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import java.util.concurrent.TimeUnit;

/**
 * A node as a process of its own for the client's process tests: {@code NodeMain name=value...} with node
 * option names ({@code data.dir=D port=0}), logs the node's ready line, and stops the node cleanly on SIGTERM
 * (a shutdown hook), as {@code bin/cairn node} does. kill -9 kills it without any of that.
 */
public final class NodeMain {

  private NodeMain() {
  }

  public static void main(String[] args) throws Exception {
    NodeOptions options = new NodeOptions().setHttpPort(0);
    for (String arg : args) {
      int equals = arg.indexOf('=');
      options.set(arg.substring(0, equals), arg.substring(equals + 1));
    }
    CairnNode node = CairnNode.start(options).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    Thread stopper = new Thread(() -> {
      try {
        node.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        Thread.currentThread().interrupt();
      }
    }, "node-stopper");
    Runtime.getRuntime().addShutdownHook(stopper);
    Thread.currentThread().join();
  }
}
