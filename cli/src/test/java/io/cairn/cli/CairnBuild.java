package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.node.CairnNode;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The build a process test belongs to, so that it runs the real {@code bin/cairn} on exactly these classes:
 * the test classes live in {@code <repo>/cli/<build folder>/test-classes}, and the launcher is told the build
 * folder through {@code CAIRN_TARGET} (builds may use {@code -Dcairn.target=...}).
 */
final class CairnBuild {

  /** How long a node may take to log its ready line. */
  static final long READY_TIMEOUT_MS = 120_000;
  /** The ready line of {@code bin/cairn node}: group 1 the HTTP port, group 2 the protocol port. */
  static final Pattern READY = Pattern.compile(Pattern.quote(CairnNode.READY_PREFIX)
      + "data=.*, http=[^:\\s]+:(\\d+), protocol=[^:\\s]+:(\\d+)");
  private static final long POLL_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final Path repoRoot;
  private final String buildFolderName;

  private CairnBuild(Path repoRoot, String buildFolderName) {
    this.repoRoot = repoRoot;
    this.buildFolderName = buildFolderName;
  }

  /** The build {@code testClass} was compiled into; fails if {@code bin/cairn} is not next to it. */
  static CairnBuild of(Class<?> testClass) {
    try {
      Path testClasses = Path.of(testClass.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path buildDir = testClasses.getParent();
      CairnBuild build = new CairnBuild(buildDir.getParent().getParent(), buildDir.getFileName().toString());
      assertThat(build.repoRoot.resolve("bin/cairn")).isExecutable();
      return build;
    } catch (URISyntaxException e) {
      throw new AssertionError("cannot locate the test classes of " + testClass, e);
    }
  }

  /**
   * {@code bin/cairn ARGS} run in {@code workDir} on this build, with no data directory from the environment;
   * redirections are the caller's.
   */
  ProcessBuilder launcher(Path workDir, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(repoRoot.resolve("bin/cairn").toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().remove(DataDirOptions.DATA_DIR_ENV);
    builder.environment().put("CAIRN_TARGET", buildFolderName);
    return builder;
  }

  /** As {@link #launcher}, for a long-running process: a small heap and a quick start. */
  ProcessBuilder smallLauncher(Path workDir, List<String> args) {
    ProcessBuilder builder = launcher(workDir, args);
    builder.environment().put("CAIRN_JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1");
    return builder;
  }

  /**
   * Waits for a node's ready line in its log (read again on every poll) and returns the match; fails with the
   * log if the process ends or {@link #READY_TIMEOUT_MS} passes first.
   */
  static Matcher awaitReady(Process process, Supplier<String> log) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
    while (System.nanoTime() < deadline && process.isAlive()) {
      Matcher ready = READY.matcher(log.get());
      if (ready.find()) {
        return ready;
      }
      LockSupport.parkNanos(POLL_INTERVAL_NANOS);
    }
    throw new AssertionError("node did not log its ready line (alive: " + process.isAlive() + "): " + log.get());
  }
}
