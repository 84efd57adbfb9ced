package io.cairn.eventstore.faults;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the crash writers ({@link CrashWriterMain}, {@link ProduceCrashWriterMain}) share as child processes
 * of a kill -9 test: whole lines to the unbuffered standard output (a line is either written completely or,
 * if the process is killed, cut off, which {@link CompleteLines} drops), a fatal exit that names the problem
 * on a {@value #ERROR} line, and an exit when the parent test process goes away. Thread-safe.
 */
final class CrashWriterOutput {

  /** Start of the line a writer prints before exiting on anything unexpected. */
  static final String ERROR = "ERROR";
  private static final int EXIT_ERROR = 3;
  private static final OutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private CrashWriterOutput() {
  }

  /** Writes {@code lines} and a line end to standard output at once; halts if that fails. */
  static synchronized void print(String lines) {
    try {
      OUT.write((lines + "\n").getBytes(StandardCharsets.UTF_8));
      OUT.flush();
    } catch (IOException e) {
      Runtime.getRuntime().halt(EXIT_ERROR);
    }
  }

  /** Prints {@code message} on an {@value #ERROR} line and halts the process. */
  static void fatal(String message) {
    print(ERROR + " " + message.replace('\n', ' '));
    Runtime.getRuntime().halt(EXIT_ERROR);
  }

  /** Halts the process once its standard input ends: the parent writes nothing, so EOF means it is gone. */
  static void exitWhenParentGoes() {
    Thread watchdog = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // the parent writes nothing; EOF means it is gone
        }
      } catch (IOException e) {
        // treated like EOF
      }
      Runtime.getRuntime().halt(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
