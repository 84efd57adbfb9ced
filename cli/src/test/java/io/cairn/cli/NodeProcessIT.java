package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/cairn node} as a real process (the jar and {@code lib/} this build produced,
 * found as {@link CairnBuild} says), talks to it over HTTP, stops it with SIGTERM and with
 * kill -9, and checks that acknowledged data survives both.
 */
class NodeProcessIT {

  private static final long PROCESS_TIMEOUT_MS = 120_000;
  private static final String TOPIC = "bank.account";

  private static CairnBuild build;

  @TempDir
  Path tmp;

  private Process process;
  private Path stderr;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void locateBuild() {
    build = CairnBuild.of(NodeProcessIT.class);
  }

  @AfterEach
  void killLeftovers() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void sigtermStopsTheNodeCleanlyAndKillNineLosesNoAcknowledgedWrite() throws Exception {
    // given: a node on a free port
    Path dataDir = tmp.resolve("data");
    String base = startNode("--data-dir", dataDir.toString(), "--http-port", "0", "--port", "0");

    // when
    HttpResponse<String> created = send(base, "POST", "/topics", "{\"name\":\"" + TOPIC + "\",\"partitions\":1}");
    HttpResponse<String> appended = send(base, "POST", "/topics/" + TOPIC + "/streams/acc-1/events",
        "{\"expectedVersion\":\"no-stream\",\"events\":[{\"type\":\"AccountOpened\",\"data\":{\"owner\":\"Zoë\"}}]}");
    HttpResponse<String> read = send(base, "GET", "/topics/" + TOPIC + "/streams/acc-1", null);

    // then
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(appended.statusCode()).as(appended.body()).isEqualTo(200);
    JsonNode stream = Json.MAPPER.readTree(read.body());
    assertThat(stream.get("currentVersion").asLong()).isEqualTo(1);
    assertThat(stream.get("events").get(0).get("data").get("owner").asText()).isEqualTo("Zoë");
    assertThat(send(base, "GET", "/health", null).body()).contains("UP");

    // when: SIGTERM
    process.destroy();

    // then
    assertThat(process.waitFor(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS)).as("stopped after SIGTERM").isTrue();
    assertThat(process.exitValue()).as(log()).isZero();
    assertThat(dataDir.resolve(TOPIC + "-0").resolve("clean-shutdown")).exists();
    assertThat(log()).contains("Cairn node stopped");

    // given: a restart from a config file, more acknowledged writes
    Path config = tmp.resolve("node.properties");
    Files.writeString(config, "data.dir=" + dataDir + "\nhttp.port=0\nport=0\n", StandardCharsets.UTF_8);
    base = startNode("--config", config.toString());
    for (int version = 1; version <= 5; version++) {
      HttpResponse<String> more = send(base, "POST", "/topics/" + TOPIC + "/streams/acc-1/events",
          "{\"expectedVersion\":" + version + ",\"events\":[{\"type\":\"Deposited\",\"data\":{\"n\":" + version + "}}]}");
      assertThat(more.statusCode()).as(more.body()).isEqualTo(200);
    }

    // when: kill -9
    process.destroyForcibly();
    assertThat(process.waitFor(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    base = startNode("--data-dir", dataDir.toString(), "--http-port", "0", "--port", "0");

    // then: every acknowledged write is there
    JsonNode recovered = Json.MAPPER.readTree(send(base, "GET", "/topics/" + TOPIC + "/streams/acc-1", null).body());
    assertThat(recovered.get("currentVersion").asLong()).isEqualTo(6);
    List<String> types = recovered.get("events").findValues("type").stream().map(JsonNode::asText).toList();
    assertThat(types).containsExactly("AccountOpened", "Deposited", "Deposited", "Deposited", "Deposited", "Deposited");
    process.destroy();
    assertThat(process.waitFor(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(process.exitValue()).as(log()).isZero();
  }

  @Test
  void thePageCacheWarmerRunsAtNiceNineteenAndEveryOtherThreadAtNiceZero() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "reads thread priorities from Linux's /proc");
    // given: a node whose topic took a write, so that its page-cache warmer runs
    String base = startNode("--data-dir", tmp.resolve("data").toString(), "--http-port", "0", "--port", "0");
    HttpResponse<String> created = send(base, "POST", "/topics", "{\"name\":\"" + TOPIC + "\",\"partitions\":1}");
    HttpResponse<String> appended = send(base, "POST", "/topics/" + TOPIC + "/streams/acc-1/events",
        "{\"expectedVersion\":\"no-stream\",\"events\":[{\"type\":\"AccountOpened\",\"data\":{}}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(appended.statusCode()).as(appended.body()).isEqualTo(200);

    // when
    List<NodeThread> threads = NodeThread.of(process.pid());

    // then: bin/cairn's default JVM options (ADR 0016) reached the operating system, and raised no thread (GC, VM,
    // compiler) above the event loops, which they would for a node run as root without the mapping to nice 0
    assertThat(threads).filteredOn(thread -> thread.name().startsWith("cairn-warm-")).isNotEmpty()
        .allSatisfy(thread -> assertThat(thread.nice()).as(thread.toString()).isEqualTo(19));
    assertThat(threads).filteredOn(thread -> !thread.name().startsWith("cairn-warm-")).isNotEmpty()
        .allSatisfy(thread -> assertThat(thread.nice()).as(thread.toString()).isZero());
  }

  @Test
  void aMissingDataDirectoryIsAUsageError() throws Exception {
    // when
    ProcessBuilder builder = launcher("node", "--http-port", "0", "--port", "0");
    builder.environment().remove(DataDirOptions.DATA_DIR_ENV);
    process = builder.start();

    // then
    assertThat(process.waitFor(PROCESS_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    assertThat(process.exitValue()).as(log()).isEqualTo(ExitCodes.USAGE);
    assertThat(log()).contains("--data-dir");
  }

  /** Starts {@code bin/cairn node ARGS}, waits for the ready line and returns {@code http://host:port}. */
  private String startNode(String... args) throws IOException {
    String[] command = new String[args.length + 1];
    command[0] = "node";
    System.arraycopy(args, 0, command, 1, args.length);
    process = launcher(command).start();
    return "http://127.0.0.1:" + CairnBuild.awaitReady(process, this::log).group(1);
  }

  private ProcessBuilder launcher(String... args) throws IOException {
    ProcessBuilder builder = build.smallLauncher(tmp, List.of(args));
    // the node's JVM options are bin/cairn's defaults, whatever the environment of the build says
    builder.environment().remove("CAIRN_NODE_JVM_OPTS");
    stderr = Files.createTempFile(tmp, "stderr", ".txt");
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
    return builder;
  }

  /** A thread of a process as Linux's {@code /proc/PID/task/TID/stat} shows it: its name (15 characters at most). */
  private record NodeThread(String name, int nice) {

    static List<NodeThread> of(long pid) throws IOException {
      List<NodeThread> threads = new ArrayList<>();
      try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path task : tasks.toList()) {
          String stat;
          try {
            stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
          } catch (IOException ended) {
            continue;
          }
          // "tid (name) state ppid ...": the name may hold spaces and parentheses; nice is field 19 of the line
          String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          threads.add(new NodeThread(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
              Integer.parseInt(after[16])));
        }
      }
      return threads;
    }
  }

  private String log() {
    try {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + stderr, e);
    }
  }

  private HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
