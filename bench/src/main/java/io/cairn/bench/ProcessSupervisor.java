package io.cairn.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts child processes and makes sure every one of them, with its whole process tree, is gone when
 * the supervisor closes, when the benchmark fails, and when the JVM exits (a shutdown hook; it cannot
 * help after a kill -9 of this JVM). Stops a tree politely first (SIGTERM to every member), then with
 * SIGKILL after the grace period. Thread-safe.
 */
public final class ProcessSupervisor implements AutoCloseable {

  /** Grace period between SIGTERM and SIGKILL when none is given. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
  /** Grace period used by the shutdown hook, which must not hold the JVM's exit for long. */
  public static final Duration SHUTDOWN_HOOK_GRACE = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(ProcessSupervisor.class);

  private final Set<Process> live = ConcurrentHashMap.newKeySet();
  private final Thread shutdownHook = new Thread(() -> stopAll(SHUTDOWN_HOOK_GRACE), "bench-process-reaper");
  private volatile boolean hookRegistered;

  /** A supervisor with its shutdown hook registered. */
  public ProcessSupervisor() {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    hookRegistered = true;
  }

  /** Starts {@code builder}'s process and watches it until it is stopped or this supervisor closes. */
  public Process start(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    live.add(process);
    return process;
  }

  /** Processes started here that are still being watched. */
  public int liveCount() {
    live.removeIf(p -> !p.isAlive());
    return live.size();
  }

  /**
   * Stops {@code process} and all its descendants: SIGTERM, then SIGKILL for what is still alive
   * after {@code grace}. Returns the exit code of {@code process}.
   */
  public int stop(Process process, Duration grace) {
    List<ProcessHandle> tree = treeOf(process);
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle handle : tree) {
      awaitExit(handle, deadline);
    }
    for (ProcessHandle handle : tree) {
      if (handle.isAlive()) {
        LOG.warn("pid {} still alive {} ms after SIGTERM; sending SIGKILL", handle.pid(), grace.toMillis());
        handle.destroyForcibly();
      }
    }
    return awaitExitCode(process);
  }

  /** Kills {@code process} and its descendants at once with SIGKILL (a crash); returns its exit code. */
  public int kill(Process process) {
    List<ProcessHandle> tree = treeOf(process);
    // the parent first: a crash test wants the writer to die before anything else can happen
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    return awaitExitCode(process);
  }

  /** Stops every process still watched, each with {@code grace}. */
  public void stopAll(Duration grace) {
    for (Process process : new ArrayList<>(live)) {
      if (process.isAlive()) {
        LOG.warn("stopping leftover child process pid {}", process.pid());
        stop(process, grace);
      }
      live.remove(process);
    }
  }

  /** Stops every process still watched ({@link #DEFAULT_GRACE}) and removes the shutdown hook. */
  @Override
  public void close() {
    stopAll(DEFAULT_GRACE);
    if (hookRegistered) {
      hookRegistered = false;
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting and runs the hook itself
      }
    }
  }

  /** The descendants of {@code process} followed by the process itself. */
  private static List<ProcessHandle> treeOf(Process process) {
    // collect before signalling: once a parent dies, its children are re-parented and lost to us
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    return tree;
  }

  private static void awaitExit(ProcessHandle handle, long deadlineNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0 || !handle.isAlive()) {
      return;
    }
    try {
      handle.onExit().get(remaining, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // still alive: the caller escalates to SIGKILL
    }
  }

  private int awaitExitCode(Process process) {
    try {
      int code = process.waitFor();
      live.remove(process);
      return code;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return -1;
    }
  }
}
