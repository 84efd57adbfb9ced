package io.cairn.bench;

import io.cairn.node.CairnNode;
import io.cairn.node.NodeOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The node process of the bench module's integration tests: {@code bin/cairn node} needs the cli
 * module, which depends on this one, so the tests run {@link CairnNode} from a main of their own with the
 * same options ({@code --data-dir D --port P --http-port H}) and the same shutdown on SIGTERM. The ready
 * line is CairnNode's own.
 */
public final class TestNodeMain {

  private static final long STOP_TIMEOUT_MS = 60_000;

  private TestNodeMain() {
  }

  /** Starts the node and keeps the process alive until SIGTERM, which stops it cleanly. */
  public static void main(String[] args) throws Exception {
    NodeOptions options = new NodeOptions();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--data-dir" -> options.setDataDir(Path.of(args[i + 1]));
        case "--port" -> options.setPort(Integer.parseInt(args[i + 1]));
        case "--http-port" -> options.setHttpPort(Integer.parseInt(args[i + 1]));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    CairnNode node = CairnNode.start(options).await();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int exitCode = 0;
      try {
        node.stop().await(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        exitCode = 1;
      }
      Runtime.getRuntime().halt(exitCode);
    }, "test-node-shutdown"));
    new CountDownLatch(1).await();
  }

  /** Starts a node process running this main (a small JVM on the test class path) and waits until it is ready. */
  public static NodeProcess start(ProcessSupervisor supervisor) throws IOException {
    return NodeProcess.start(NodeProcess.Launch.javaMain("-Xmx256m", TestNodeMain.class.getName(), List.of()),
        supervisor, false);
  }
}
