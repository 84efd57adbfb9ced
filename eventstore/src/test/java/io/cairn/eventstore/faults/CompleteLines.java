package io.cairn.eventstore.faults;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a child process's stdout until it ends and hands each complete line (UTF-8, without its
 * {@code \n}) to a consumer, in order. A last line the child did not finish, because it was killed in the
 * middle of writing it, is dropped: only what the child wrote whole counts.
 */
final class CompleteLines implements Runnable {

  private final InputStream in;
  private final Consumer<String> lines;

  CompleteLines(InputStream in, Consumer<String> lines) {
    this.in = in;
    this.lines = lines;
  }

  @Override
  public void run() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines.accept(line.toString(StandardCharsets.UTF_8));
            line.reset();
          } else {
            line.write(buffer[i]);
          }
        }
      }
    } catch (IOException e) {
      // the pipe breaks when the child is killed: what was complete so far counts
    }
  }
}
