package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class ProcessSupervisorTest {

  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void stopEndsTheProcessAndItsChildren() throws Exception {
    try (ProcessSupervisor supervisor = new ProcessSupervisor()) {
      // given: a shell with two sleeping children
      Process shell = supervisor.start(new ProcessBuilder("bash", "-c", "sleep 300 & sleep 300 & wait"));
      List<ProcessHandle> children = awaitChildren(shell, 2);

      // when
      supervisor.stop(shell, GRACE);

      // then
      assertThat(shell.isAlive()).isFalse();
      assertThat(children).noneMatch(ProcessHandle::isAlive);
      assertThat(supervisor.liveCount()).isZero();
    }
  }

  @Test
  void killEndsATreeThatIgnoresSigterm() throws Exception {
    try (ProcessSupervisor supervisor = new ProcessSupervisor()) {
      // given: a shell that ignores SIGTERM, with a child
      Process shell = supervisor.start(new ProcessBuilder("bash", "-c", "trap '' TERM; sleep 300 & wait"));
      List<ProcessHandle> children = awaitChildren(shell, 1);

      // when
      int exitCode = supervisor.kill(shell);

      // then: SIGKILL is 9, reported as 128 + 9
      assertThat(exitCode).isEqualTo(128 + 9);
      awaitDead(children);
    }
  }

  @Test
  void closeStopsWhatIsStillRunning() throws Exception {
    // given
    Process sleeper;
    try (ProcessSupervisor supervisor = new ProcessSupervisor()) {
      sleeper = supervisor.start(new ProcessBuilder("sleep", "300"));
      assertThat(supervisor.liveCount()).isEqualTo(1);
      // when: the supervisor closes
    }

    // then
    assertThat(sleeper.isAlive()).isFalse();
  }

  private static List<ProcessHandle> awaitChildren(Process process, int count) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      List<ProcessHandle> children = process.children().toList();
      if (children.size() >= count) {
        return children;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    throw new AssertionError("process " + process.pid() + " did not start " + count + " children within " + DEADLINE);
  }

  private static void awaitDead(List<ProcessHandle> handles) throws Exception {
    for (ProcessHandle handle : handles) {
      handle.onExit().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
