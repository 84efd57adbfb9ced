package io.cairn.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File helpers of the harness. Stateless. */
public final class BenchFiles {

  private static final Logger LOG = LoggerFactory.getLogger(BenchFiles.class);

  private BenchFiles() {
  }

  /** Deletes {@code dir} and everything below it; a failure is logged, not thrown. */
  public static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  /** Total size in bytes of the regular files below {@code dir}; 0 if it does not exist. */
  public static long sizeBytes(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).mapToLong(path -> {
        try {
          return Files.size(path);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    }
  }

  /** The null device, for a child process's standard input. */
  public static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
