package io.cairn.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets SIGINT (Ctrl-C) and SIGTERM end a command that runs until stopped ({@code tail}) cleanly: a
 * JVM shutdown hook runs the command's stop action, waits until the command reports that it has
 * {@linkplain #finished finished} (its store closed, its output flushed), and then ends the process
 * with the command's exit code, so a stop by signal exits 0 like a normal end. If the command does
 * not finish within the stop timeout the process ends with {@link ExitCodes#FAILURE}.
 *
 * <p>Closing removes the hook; in-process runs (tests) never see it run. Thread-safe: the hook runs on
 * its own thread; {@link #onStop} and {@link #finished} may be called from the command thread at any time.
 */
final class SignalStop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SignalStop.class);

  private final Thread hook;
  private final long stopTimeoutMs;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile int exitCode = ExitCodes.FAILURE;
  private Runnable stopAction = () -> { };
  private boolean stopRequested;

  private SignalStop(String commandName, long stopTimeoutMs) {
    this.stopTimeoutMs = stopTimeoutMs;
    this.hook = new Thread(this::stopAndHalt, "cairn-" + commandName + "-stop");
  }

  /**
   * Installs the hook for {@code commandName}; the process waits up to {@code stopTimeoutMs} for the
   * command to finish after a signal.
   */
  static SignalStop install(String commandName, long stopTimeoutMs) {
    SignalStop signalStop = new SignalStop(commandName, stopTimeoutMs);
    Runtime.getRuntime().addShutdownHook(signalStop.hook);
    return signalStop;
  }

  /** Sets what a signal does to stop the command; runs it at once if a signal already came. */
  void onStop(Runnable action) {
    boolean runNow;
    synchronized (this) {
      stopAction = action;
      runNow = stopRequested;
    }
    if (runNow) {
      action.run();
    }
  }

  /** The command has finished with {@code code}: a waiting hook may end the process. */
  void finished(int code) {
    exitCode = code;
    finished.countDown();
  }

  /** Removes the hook unless the process is already shutting down (then the hook ends it). */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it ends the process once the command has finished.
    }
  }

  private void stopAndHalt() {
    Runnable action;
    synchronized (this) {
      stopRequested = true;
      action = stopAction;
    }
    action.run();
    int code = ExitCodes.FAILURE;
    try {
      if (finished.await(stopTimeoutMs, TimeUnit.MILLISECONDS)) {
        code = exitCode;
      } else {
        LOG.error("the command did not stop within {} ms after the signal", stopTimeoutMs);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // halt, not exit: System.exit from a shutdown hook blocks forever, and the status of a process
    // ended by a signal would otherwise be 128 + the signal's number.
    Runtime.getRuntime().halt(code);
  }
}
