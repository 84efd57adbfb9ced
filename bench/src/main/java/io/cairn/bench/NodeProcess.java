package io.cairn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Cairn node in its own process ({@code bin/cairn node}) on 127.0.0.1, with its protocol and HTTP
 * ports chosen by the OS ({@code --port 0 --http-port 0}) and its data in a fresh temporary folder. It
 * is ready when it logs its ready line ({@value #READY_PREFIX}{@code ..., protocol=HOST:PORT}), which
 * also names the bound protocol port. {@link #close()} stops it with SIGTERM (SIGKILL after
 * {@link #STOP_GRACE}) and deletes its folder; the {@link ProcessSupervisor} also stops it if the
 * benchmark fails or the JVM exits. Not thread-safe.
 */
public final class NodeProcess implements AutoCloseable {

  /** Start of the line a node logs when it serves requests (CairnNode's READY_PREFIX). */
  public static final String READY_PREFIX = "Cairn node ready: ";
  /** Main class of {@code bin/cairn}. */
  public static final String CAIRN_CLI_MAIN = "io.cairn.cli.CairnCli";
  /** Heap flags of the node JVM when none are given: the same heap as the Kafka broker's. */
  public static final String DEFAULT_HEAP_OPTS = KafkaBroker.DEFAULT_HEAP_OPTS;
  /** How long the node may take to start. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /** How long the node may take to stop after SIGTERM before it is killed. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(60);
  static final Pattern READY_LINE = Pattern.compile(Pattern.quote(READY_PREFIX) + ".*\\bprotocol=([^\\s,]+):(\\d+)");
  static final Pattern READY_HTTP = Pattern.compile(Pattern.quote(READY_PREFIX) + ".*\\bhttp=([^\\s,]+):(\\d+)");
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);

  private final ProcessSupervisor supervisor;
  private final Process process;
  private final Path runDir;
  private final String bootstrap;
  private final String httpAddress;
  private final boolean keepRunDir;
  private boolean closed;

  private NodeProcess(ProcessSupervisor supervisor, Process process, Path runDir, String bootstrap, String httpAddress,
                      boolean keepRunDir) {
    this.supervisor = supervisor;
    this.process = process;
    this.runDir = runDir;
    this.bootstrap = bootstrap;
    this.httpAddress = httpAddress;
    this.keepRunDir = keepRunDir;
  }

  /**
   * How to start the node: the command up to (not including) its {@code --data-dir} and port options.
   *
   * @param command program and arguments, e.g. {@code [java, -Xmx1g, -cp, ..., io.cairn.cli.CairnCli, node]}
   */
  public record Launch(List<String> command) {

    /** The environment variable through which {@code bin/cairn} hands the node's JVM options on. */
    public static final String NODE_JVM_OPTS_VARIABLE = "CAIRN_NODE_JVM_OPTS";

    public Launch {
      command = List.copyOf(command);
      if (command.isEmpty()) {
        throw new IllegalArgumentException("a node launch command needs at least a program");
      }
    }

    /**
     * What {@code bin/cairn node} runs: a JVM with the node's JVM options ({@link #nodeJvmOptions()}), then
     * {@code heapOpts}, on this JVM's class path, main class {@value #CAIRN_CLI_MAIN}. Fails with a
     * {@link BenchException} if that class is not on the class path (the benchmark was not started through
     * {@code bin/cairn}).
     */
    public static Launch cairnCli(String heapOpts) {
      try {
        Class.forName(CAIRN_CLI_MAIN, false, NodeProcess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new BenchException("the Cairn node is started as bin/cairn node, with main class " + CAIRN_CLI_MAIN
            + ", which is not on this JVM's class path: run the benchmark through bin/cairn bench", e);
      }
      return javaMain(nodeJvmOptions() + " " + heapOpts, CAIRN_CLI_MAIN, List.of("node"));
    }

    /**
     * The JVM options {@code bin/cairn node} starts a node with: {@value #NODE_JVM_OPTS_VARIABLE} as
     * {@code bin/cairn} exported it to this JVM (its default or the user's choice, ADR 0012); empty when
     * this JVM was not started by {@code bin/cairn}.
     */
    public static String nodeJvmOptions() {
      String options = System.getenv(NODE_JVM_OPTS_VARIABLE);
      return options == null ? "" : options.trim();
    }

    /** A JVM with {@code heapOpts} on this JVM's class path running {@code mainClass args}. */
    public static Launch javaMain(String heapOpts, String mainClass, List<String> args) {
      List<String> command = new ArrayList<>();
      command.add(KafkaBroker.javaExecutable());
      String heap = heapOpts.trim();
      if (!heap.isEmpty()) {
        command.addAll(List.of(heap.split("\\s+")));
      }
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
      command.addAll(args);
      return new Launch(command);
    }
  }

  /**
   * Starts a node with {@code launch} on a fresh data folder and waits for its ready line.
   *
   * @param keepRunDir keep the data folder and the node's log after {@link #close()} (for debugging)
   */
  public static NodeProcess start(Launch launch, ProcessSupervisor supervisor, boolean keepRunDir) throws IOException {
    Path runDir = Files.createTempDirectory("cairn-bench-node-");
    boolean started = false;
    try {
      Path data = Files.createDirectories(runDir.resolve("data"));
      Path log = runDir.resolve("node.log");
      List<String> command = new ArrayList<>(launch.command());
      command.addAll(List.of("--data-dir", data.toString(), "--port", "0", "--http-port", "0"));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(BenchFiles.nullDevice()));
      builder.environment().remove("CAIRN_DATA_DIR");
      Process process = supervisor.start(builder);
      String readyLog;
      try {
        readyLog = awaitReady(process, log, START_TIMEOUT);
      } catch (RuntimeException | IOException e) {
        supervisor.stop(process, STOP_GRACE);
        throw e;
      }
      String bootstrap = readyBootstrap(readyLog);
      String httpAddress = readyHttp(readyLog);
      LOG.info("Cairn node pid {} serving the protocol on {} and HTTP on {}, data in {}", process.pid(), bootstrap,
          httpAddress, data);
      started = true;
      return new NodeProcess(supervisor, process, runDir, bootstrap, httpAddress, keepRunDir);
    } finally {
      if (!started && !keepRunDir) {
        BenchFiles.deleteRecursively(runDir);
      }
    }
  }

  /** {@code host:port} of the node's protocol listener. */
  public String bootstrap() {
    return bootstrap;
  }

  /** {@code host:port} of the node's HTTP API (health, metrics), or null if its ready line names none. */
  public String httpAddress() {
    return httpAddress;
  }

  /** The node's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the node process is still running. */
  public boolean alive() {
    return process.isAlive();
  }

  /** The folder with the node's data ({@code data/}) and its log ({@code node.log}). */
  public Path runDir() {
    return runDir;
  }

  /**
   * Stops the node (SIGTERM, SIGKILL after {@link #STOP_GRACE}) and deletes its folder unless kept;
   * idempotent. Returns the node's exit code (0 after a clean stop).
   */
  public int stop() {
    if (closed) {
      return process.exitValue();
    }
    closed = true;
    int exitCode = supervisor.stop(process, STOP_GRACE);
    if (exitCode != 0) {
      LOG.warn("the Cairn node pid {} exited with code {}; its log ends with: {}", process.pid(), exitCode,
          KafkaBroker.tail(runDir.resolve("node.log")));
    }
    if (!keepRunDir) {
      BenchFiles.deleteRecursively(runDir);
    }
    return exitCode;
  }

  /** {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /** The {@code host:port} in the ready line of {@code logText}, or null if it has none yet. */
  static String readyBootstrap(String logText) {
    Matcher ready = READY_LINE.matcher(logText);
    return ready.find() ? ready.group(1) + ":" + ready.group(2) : null;
  }

  /** The HTTP API's {@code host:port} in the ready line of {@code logText}, or null if it names none. */
  static String readyHttp(String logText) {
    Matcher ready = READY_HTTP.matcher(logText);
    return ready.find() ? ready.group(1) + ":" + ready.group(2) : null;
  }

  /** The node's log once it holds the ready line with a protocol address. */
  private static String awaitReady(Process process, Path log, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - deadline < 0) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (readyBootstrap(text) != null) {
        return text;
      }
      if (!process.isAlive()) {
        throw new BenchException("the Cairn node exited with code " + process.exitValue() + " while starting; "
            + log + " ends with: " + KafkaBroker.tail(log));
      }
      pause(POLL_INTERVAL);
    }
    throw new BenchException("the Cairn node did not log \"" + READY_PREFIX + "... protocol=HOST:PORT\" within "
        + timeout.toSeconds() + " s; " + log + " ends with: " + KafkaBroker.tail(log));
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for the Cairn node", e);
    }
  }
}
