package io.cairn.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft: broker and controller in one process, no ZooKeeper)
 * on 127.0.0.1, assembled from Maven Central jars: the classpath comes from
 * {@code mvn dependency:build-classpath} on a small POM ({@value #POM_RESOURCE}) and is cached in the
 * cache folder. Data and logs live in a fresh temporary folder that {@link #close()} deletes after
 * stopping the broker (SIGTERM, SIGKILL after {@link #STOP_GRACE}); the {@link ProcessSupervisor}
 * also stops it if the benchmark fails or the JVM exits. Ports are free ephemeral ports.
 *
 * <p>The broker runs with the settings of Kafka's {@code kafka-server-start.sh} (G1, 1 GiB heap by
 * default) and a stock configuration: no fsync per message. Not thread-safe.
 */
public final class KafkaBroker implements AutoCloseable {

  /** Kafka version of the broker jars. */
  public static final String KAFKA_VERSION = "4.3.1";
  /** Class-path resource of the POM that names the broker jars. */
  public static final String POM_RESOURCE = "/io/cairn/bench/peers/kafka-broker-pom.xml";
  /** Class-path resource of the broker's log4j2 configuration. */
  public static final String LOG4J_RESOURCE = "/io/cairn/bench/peers/kafka-log4j2.properties";
  /** Heap flags of the broker JVM when none are given (kafka-server-start.sh's default). */
  public static final String DEFAULT_HEAP_OPTS = "-Xms1g -Xmx1g";
  /** How long the broker may take to start. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /** How long resolving the classpath with Maven may take. */
  public static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(15);
  /** How long the broker may take to stop after SIGTERM before it is killed. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(30);
  /** The line the broker logs when it is ready. */
  static final String STARTED_LINE = "Kafka Server started";
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final int CONNECT_TIMEOUT_MS = 500;
  private static final int LOG_TAIL_BYTES = 4000;
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
  private static final List<String> BROKER_JVM_FLAGS = List.of("-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
      "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

  private final ProcessSupervisor supervisor;
  private final Path runDir;
  private final Process process;
  private final int port;
  private final boolean keepRunDir;
  private boolean closed;

  private KafkaBroker(ProcessSupervisor supervisor, Path runDir, Process process, int port, boolean keepRunDir) {
    this.supervisor = supervisor;
    this.runDir = runDir;
    this.process = process;
    this.port = port;
    this.keepRunDir = keepRunDir;
  }

  /**
   * Options.
   *
   * @param cacheDir   where the POM and the resolved classpath are kept between runs
   * @param heapOpts   heap flags of the broker JVM, e.g. {@value #DEFAULT_HEAP_OPTS}
   * @param keepRunDir keep data and logs after {@link #close()} (for debugging)
   */
  public record Options(Path cacheDir, String heapOpts, boolean keepRunDir) {

    /** Default options: cache under {@code ~/.cache/cairn-bench/kafka-4.3.1}, 1 GiB heap. */
    public static Options defaults() {
      return new Options(Path.of(System.getProperty("user.home"), ".cache", "cairn-bench", "kafka-" + KAFKA_VERSION),
          DEFAULT_HEAP_OPTS, false);
    }
  }

  /** Resolves the classpath if needed, formats a fresh storage folder and starts the broker. */
  public static KafkaBroker start(Options options, ProcessSupervisor supervisor) throws IOException {
    String classpath = String.join(File.pathSeparator, resolveClasspath(options.cacheDir(), supervisor));
    Path runDir = Files.createTempDirectory("cairn-bench-kafka-");
    boolean started = false;
    try {
      Path logs = Files.createDirectories(runDir.resolve("logs"));
      Path data = Files.createDirectories(runDir.resolve("data"));
      int port = freePort();
      int controllerPort = freePort();
      Path properties = runDir.resolve("server.properties");
      Files.writeString(properties, serverProperties(data, port, controllerPort), StandardCharsets.UTF_8);
      Path log4j = runDir.resolve("log4j2.properties");
      Files.write(log4j, resource(LOG4J_RESOURCE));
      String java = javaExecutable();

      List<String> format = new ArrayList<>(List.of(java, "-Dlog4j2.configurationFile=" + log4j,
          "-Dkafka.logs.dir=" + logs, "-cp", classpath, "kafka.tools.StorageTool", "format",
          "-t", Uuid.randomUuid().toString(), "-c", properties.toString()));
      runToCompletion(supervisor, format, logs.resolve("format.log"), START_TIMEOUT, "formatting Kafka storage");

      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(Arrays.asList(options.heapOpts().trim().split("\\s+")));
      command.addAll(BROKER_JVM_FLAGS);
      command.addAll(List.of("-Dkafka.logs.dir=" + logs, "-Dlog4j2.configurationFile=" + log4j,
          "-cp", classpath, "kafka.Kafka", properties.toString()));
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(logs.resolve("stdout.log").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(BenchFiles.nullDevice()));
      Process process = supervisor.start(builder);
      KafkaBroker broker = new KafkaBroker(supervisor, runDir, process, port, options.keepRunDir());
      try {
        broker.awaitReady(START_TIMEOUT);
      } catch (RuntimeException | IOException e) {
        supervisor.stop(process, STOP_GRACE);
        throw e;
      }
      LOG.info("Kafka {} broker pid {} listening on {}:{}, data in {}", KAFKA_VERSION, process.pid(), LOOPBACK,
          port, data);
      started = true;
      return broker;
    } finally {
      if (!started && !options.keepRunDir()) {
        BenchFiles.deleteRecursively(runDir);
      }
    }
  }

  /** {@code 127.0.0.1:port} of the client listener. */
  public String bootstrapServers() {
    return LOOPBACK + ":" + port;
  }

  /** The broker's process id. */
  public long pid() {
    return process.pid();
  }

  /** The broker's data and log folder (deleted by {@link #close()} unless kept). */
  public Path runDir() {
    return runDir;
  }

  /** Stops the broker (SIGTERM, SIGKILL after {@link #STOP_GRACE}) and deletes its folder; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    supervisor.stop(process, STOP_GRACE);
    if (!keepRunDir) {
      BenchFiles.deleteRecursively(runDir);
    }
  }

  private void awaitReady(Duration timeout) throws IOException {
    Path serverLog = runDir.resolve("logs").resolve("server.log");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new BenchException("the Kafka broker exited with code " + process.exitValue() + " while starting; "
            + runDir.resolve("logs") + " ends with: " + tail(runDir.resolve("logs").resolve("stdout.log")));
      }
      if (Files.exists(serverLog) && Files.readString(serverLog, StandardCharsets.UTF_8).contains(STARTED_LINE)
          && portOpen(port)) {
        return;
      }
      pause(POLL_INTERVAL);
    }
    throw new BenchException("the Kafka broker did not log \"" + STARTED_LINE + "\" and open port " + port
        + " within " + timeout.toSeconds() + " s; see " + serverLog);
  }

  /**
   * The broker's jars: read from {@code cacheDir/classpath.txt} if every jar it names still exists,
   * else resolved with {@code mvn dependency:build-classpath} (offline first, then online).
   */
  static List<String> resolveClasspath(Path cacheDir, ProcessSupervisor supervisor) throws IOException {
    Files.createDirectories(cacheDir);
    Path pom = cacheDir.resolve("pom.xml");
    byte[] pomBytes = resource(POM_RESOURCE);
    if (!Files.exists(pom) || !Arrays.equals(Files.readAllBytes(pom), pomBytes)) {
      Files.write(pom, pomBytes);
    }
    Path classpathFile = cacheDir.resolve("classpath.txt");
    List<String> cached = readClasspath(classpathFile);
    if (!cached.isEmpty() && Files.getLastModifiedTime(classpathFile).compareTo(Files.getLastModifiedTime(pom)) >= 0
        && cached.stream().allMatch(jar -> Files.isRegularFile(Path.of(jar)))) {
      return cached;
    }
    Files.deleteIfExists(classpathFile);
    List<String> mvn = List.of("mvn", "-q", "-B", "-Dstyle.color=never", "-f", pom.toString(),
        "dependency:build-classpath", "-Dmdep.outputFile=" + classpathFile);
    List<String> offline = new ArrayList<>(mvn);
    offline.add(1, "-o");
    Path mvnLog = cacheDir.resolve("mvn.log");
    try {
      runToCompletion(supervisor, offline, mvnLog, RESOLVE_TIMEOUT, "resolving the Kafka classpath offline");
    } catch (BenchException offlineFailed) {
      LOG.info("Kafka broker jars not all in the local Maven repository; resolving them online");
      runToCompletion(supervisor, mvn, mvnLog, RESOLVE_TIMEOUT, "resolving the Kafka classpath with Maven");
    }
    List<String> resolved = readClasspath(classpathFile);
    if (resolved.isEmpty()) {
      throw new BenchException("mvn dependency:build-classpath wrote no classpath to " + classpathFile + "; see " + mvnLog);
    }
    return resolved;
  }

  private static List<String> readClasspath(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8).trim();
    return text.isEmpty() ? List.of() : List.of(text.split(File.pathSeparator));
  }

  static String serverProperties(Path dataDir, int port, int controllerPort) {
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@" + LOOPBACK + ":" + controllerPort,
        "listeners=PLAINTEXT://" + LOOPBACK + ":" + port + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort,
        "advertised.listeners=PLAINTEXT://" + LOOPBACK + ":" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dataDir,
        "num.partitions=1",
        "default.replication.factor=1",
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "num.network.threads=3",
        "num.io.threads=8",
        "log.retention.hours=1",
        "log.segment.bytes=1073741824",
        "auto.create.topics.enable=false",
        "");
  }

  private static void runToCompletion(ProcessSupervisor supervisor, List<String> command, Path log, Duration timeout,
                                      String what) throws IOException {
    Process process = supervisor.start(new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(BenchFiles.nullDevice())));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        supervisor.stop(process, Duration.ofSeconds(5));
        throw new BenchException(what + " took longer than " + timeout.toSeconds() + " s; see " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      supervisor.kill(process);
      throw new BenchException(what + " was interrupted", e);
    }
    supervisor.stop(process, Duration.ZERO);
    if (process.exitValue() != 0) {
      throw new BenchException(what + " failed with exit code " + process.exitValue() + ": " + tail(log));
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(LOOPBACK, 0));
      return socket.getLocalPort();
    }
  }

  private static boolean portOpen(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), CONNECT_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = KafkaBroker.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new BenchException("class-path resource " + name + " is missing from the bench jar");
      }
      return in.readAllBytes();
    }
  }

  static String tail(Path file) {
    try {
      if (!Files.exists(file)) {
        return "(" + file + " does not exist)";
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.length() <= LOG_TAIL_BYTES ? text : "..." + text.substring(text.length() - LOG_TAIL_BYTES);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for the Kafka broker", e);
    }
  }
}
