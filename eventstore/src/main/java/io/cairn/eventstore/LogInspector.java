package io.cairn.eventstore;

import io.cairn.eventstore.internal.log.LogVerifier;
import java.nio.file.Path;
import java.util.List;

/**
 * Offline checks of a data directory, for the CLI's {@code verify} and {@code dump}. Never modifies
 * a file. Meant for a store that is closed; on a running store the tail of an active segment may be
 * in the middle of an append and be reported as torn. Thread-safe (stateless).
 */
public final class LogInspector {

  private LogInspector() {
  }

  /**
   * Checks every partition directory under {@code dataDir} (any directory holding segment
   * {@code .log} files, or {@code dataDir} itself): each batch's magic, length and CRC-32C, dense
   * offsets within and across segments (strictly increasing with gaps for a topic whose metadata says
   * {@code cleanup.policy=compact}, since compaction removes records but keeps offsets), every {@code .index} and {@code .timeindex} entry (it must
   * point at a real batch start with that base offset, resp. a batch whose max timestamp it holds),
   * completeness of the time index of closed segments, and the recovery-point file.
   *
   * @throws StorageException if {@code dataDir} cannot be listed
   */
  public static VerifyReport verify(Path dataDir) {
    return LogVerifier.verify(dataDir);
  }

  /**
   * Every batch of one segment {@code .log} file in file order, like {@code kafka-dump-log}: a batch
   * whose CRC fails is listed with its problem and the dump goes on; a torn or malformed batch is
   * listed last with its problem.
   *
   * @throws StorageException if the file cannot be read
   */
  public static List<BatchSummary> dump(Path segmentLogFile) {
    return LogVerifier.dump(segmentLogFile);
  }
}
