package io.cairn.eventstore.spi;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the files of the log. The only seam between the store and the disk: production uses
 * {@link #DEFAULT}; fault-injection tests wrap the channel to fail writes or fsyncs (disk full,
 * I/O error) and check that nothing stored is lost.
 */
@FunctionalInterface
public interface StorageIo {

  /** Plain {@link FileChannel#open}. */
  StorageIo DEFAULT = FileChannel::open;

  /** Opens {@code path} with the given options. */
  FileChannel open(Path path, OpenOption... options) throws IOException;
}
