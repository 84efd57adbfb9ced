package io.cairn.bench.jmh;

import io.cairn.bench.BenchFiles;
import io.cairn.bench.CairnStore;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.TopicConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A local store in a new temporary folder, with one topic, for one benchmark trial: {@link #close()} closes the
 * store and deletes the folder. Not thread-safe.
 */
final class TemporaryStore implements AutoCloseable {

  private final Path dir;
  private final CairnStore cairn;

  private TemporaryStore(Path dir, CairnStore cairn) {
    this.dir = dir;
    this.cairn = cairn;
  }

  /** Opens a store in a new folder whose name starts with {@code prefix} and creates {@code topic} in it. */
  static TemporaryStore open(String prefix, String topic, TopicConfig config) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    CairnStore cairn = CairnStore.open(dir);
    cairn.ensureTopic(topic, config);
    return new TemporaryStore(dir, cairn);
  }

  EventStore store() {
    return cairn.store();
  }

  @Override
  public void close() {
    try {
      cairn.close();
    } finally {
      BenchFiles.deleteRecursively(dir);
    }
  }
}
