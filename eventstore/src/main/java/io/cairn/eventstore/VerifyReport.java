package io.cairn.eventstore;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of {@link LogInspector#verify(Path)}: what was checked and every inconsistency found.
 *
 * @param partitions partition directories checked
 * @param segments   segment {@code .log} files checked
 * @param batches    batches read and CRC-checked
 * @param bytes      bytes of segment files read
 * @param problems   inconsistencies, each with file and byte position; empty if all is consistent
 * @param notes      observations that are not inconsistencies (e.g. an index file that the next
 *                   open will rebuild, a clean-shutdown marker present)
 */
public record VerifyReport(int partitions, int segments, long batches, long bytes, List<Problem> problems,
                           List<String> notes) {

  public VerifyReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  /** True only if no problem was found. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /**
   * One inconsistency.
   *
   * @param file     the file it is in
   * @param position byte position in the file, or -1 if it concerns the file as a whole
   * @param message  what is wrong, with the values found and expected
   */
  public record Problem(Path file, long position, String message) {

    @Override
    public String toString() {
      return file + (position >= 0 ? " at position " + position : "") + ": " + message;
    }
  }
}
