package io.cairn.eventstore.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.internal.log.CleanShutdownMarker;
import io.cairn.eventstore.internal.log.RecoveryPointFile;
import io.cairn.eventstore.internal.log.SegmentFiles;
import io.cairn.eventstore.internal.record.BatchHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Test-side access to a closed store's partition files, for damaging them on purpose: finds a
 * partition directory, lists its segments, walks the batches of a {@code .log} with
 * {@link BatchHeader} and cuts, flips or appends bytes. Never used while the store is open.
 */
final class LogFiles {

  private LogFiles() {
  }

  /** One valid batch of a segment file. */
  record Batch(Path file, int position, int sizeBytes, long baseOffset, long lastOffset) {

    int endPosition() {
      return position + sizeBytes;
    }

    int eventCount() {
      return (int) (lastOffset - baseOffset + 1);
    }
  }

  /**
   * The directory {@code <topic>-<partition>} somewhere under {@code dataDir}. Looks at directories
   * only, so it is safe while a store is open and renames its temporary files.
   */
  static Path partitionDir(Path dataDir, String topic, int partition) {
    String name = SegmentFiles.partitionDirName(topic, partition);
    List<Path> found = new ArrayList<>();
    collectDirectoriesNamed(dataDir, name, found);
    assertThat(found).as("partition directory %s under %s", name, dataDir).hasSize(1);
    return found.get(0);
  }

  private static void collectDirectoriesNamed(Path dir, String name, List<Path> found) {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path child : children) {
        if (child.getFileName().toString().equals(name)) {
          found.add(child);
        }
        collectDirectoriesNamed(child, name, found);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code .log} files of a partition directory in offset order. */
  static List<Path> segmentLogs(Path partitionDir) {
    try {
      List<Path> logs = new ArrayList<>();
      for (long base : SegmentFiles.listBaseOffsets(partitionDir, SegmentFiles.LOG_SUFFIX)) {
        logs.add(SegmentFiles.logFile(partitionDir, base));
      }
      return logs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The newest segment's {@code .log}. */
  static Path activeSegment(Path partitionDir) {
    List<Path> logs = segmentLogs(partitionDir);
    assertThat(logs).as("segments of %s", partitionDir).isNotEmpty();
    return logs.get(logs.size() - 1);
  }

  /** The valid batches of one {@code .log} file from its start, stopping at the first invalid byte. */
  static List<Batch> batches(Path logFile) {
    ByteBuffer bytes = ByteBuffer.wrap(readAllBytes(logFile));
    List<Batch> batches = new ArrayList<>();
    int at = 0;
    while (BatchHeader.invalidReason(bytes, at, bytes.limit()) == null) {
      int size = BatchHeader.sizeInBytes(bytes, at);
      batches.add(new Batch(logFile, at, size, BatchHeader.baseOffset(bytes, at), BatchHeader.lastOffset(bytes, at)));
      at += size;
    }
    assertThat(at).as("%s holds only whole valid batches before it is damaged", logFile)
        .isEqualTo(bytes.limit());
    return batches;
  }

  /** Every batch of the partition, across segments, in offset order. */
  static List<Batch> allBatches(Path partitionDir) {
    List<Batch> all = new ArrayList<>();
    for (Path log : segmentLogs(partitionDir)) {
      all.addAll(batches(log));
    }
    return all;
  }

  /** Deletes the clean-shutdown marker, so the next open recovers as after a crash. */
  static void deleteCleanShutdownMarker(Path partitionDir) {
    try {
      Files.deleteIfExists(CleanShutdownMarker.path(partitionDir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path recoveryPointFile(Path partitionDir) {
    return RecoveryPointFile.path(partitionDir);
  }

  /** The stored recovery point (fails the test if there is none). */
  static long recoveryPoint(Path partitionDir) {
    return RecoveryPointFile.read(partitionDir).orElseThrow(
        () -> new AssertionError("no recovery point in " + partitionDir));
  }

  /** Cuts {@code file} to {@code sizeBytes}. */
  static void truncate(Path file, long sizeBytes) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(sizeBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Inverts every bit of the byte at {@code position}. */
  static void flipByte(Path file, long position) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, position);
      one.put(0, (byte) ~one.get(0));
      one.rewind();
      channel.write(one, position);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends {@code garbage} to the end of {@code file}. */
  static void append(Path file, byte[] garbage) {
    try {
      Files.write(file, garbage, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] readAllBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, byte[] content) {
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every regular file under {@code dir} with its content, to check that nothing was modified. */
  static Map<Path, ByteBuffer> snapshot(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      Map<Path, ByteBuffer> contents = new TreeMap<>();
      for (Path file : paths.filter(Files::isRegularFile).collect(Collectors.toList())) {
        contents.put(dir.relativize(file), ByteBuffer.wrap(Files.readAllBytes(file)));
      }
      return contents;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files in {@code dir} whose names end with {@code suffix}. */
  static List<Path> filesEndingWith(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
