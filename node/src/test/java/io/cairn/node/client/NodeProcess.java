package io.cairn.node.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.node.CairnNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node running in a child JVM ({@link NodeMain}) on a data directory: started, stopped with SIGTERM,
 * killed with kill -9, restarted on the same directory and port. Its log goes to a file next to the data.
 * Not thread-safe; one test drives it.
 */
final class NodeProcess implements AutoCloseable {

  private static final long START_TIMEOUT_MS = 120_000;
  private static final long STOP_TIMEOUT_MS = 60_000;
  private static final Pattern READY_ANY_ORDER = Pattern.compile(Pattern.quote(CairnNode.READY_PREFIX)
      + ".*protocol=[^:\\s,]+:(\\d+)");

  private final Path dataDir;
  private final Path logDir;
  private Process process;
  private Path log;
  private int port;
  private int starts;

  NodeProcess(Path dataDir, Path logDir) {
    this.dataDir = dataDir;
    this.logDir = logDir;
  }

  /** Starts the node (on the port of the last run if there was one, else on any free port). */
  NodeProcess start() throws IOException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    log = logDir.resolve("node-" + (++starts) + ".log");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), NodeMain.class.getName(),
        "data.dir=" + dataDir, "port=" + port)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline && process.isAlive()) {
      Matcher ready = READY_ANY_ORDER.matcher(log());
      if (ready.find()) {
        port = Integer.parseInt(ready.group(1));
        return this;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("node did not log its ready line (alive: " + process.isAlive() + "): " + log());
  }

  /** The protocol port (the same across restarts). */
  int port() {
    return port;
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** SIGTERM, then waits for a clean exit. */
  void stop() throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)).as("stopped after SIGTERM: %s", log()).isTrue();
    assertThat(log()).contains("Cairn node stopped");
  }

  /** kill -9. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The current run's log. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + log, e);
    }
  }

  /** Every run's log, for failure messages. */
  List<Path> logs() throws IOException {
    try (var files = Files.list(logDir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("node-")).sorted().toList();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
