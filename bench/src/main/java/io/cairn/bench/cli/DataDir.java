package io.cairn.bench.cli;

import io.cairn.bench.BenchFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data folder of a benchmark: the one given (created if missing, kept afterwards), or a fresh
 * temporary folder that {@link #close()} deletes. Not thread-safe.
 */
final class DataDir implements AutoCloseable {

  private final Path path;
  private final boolean temporary;

  private DataDir(Path path, boolean temporary) {
    this.path = path;
    this.temporary = temporary;
  }

  /** {@code given} if not null, else a new temporary folder named after {@code prefix}. */
  static DataDir of(Path given, String prefix) throws IOException {
    if (given != null) {
      return new DataDir(Files.createDirectories(given), false);
    }
    return new DataDir(Files.createTempDirectory(prefix), true);
  }

  Path path() {
    return path;
  }

  boolean temporary() {
    return temporary;
  }

  @Override
  public void close() {
    if (temporary) {
      BenchFiles.deleteRecursively(path);
    }
  }
}
