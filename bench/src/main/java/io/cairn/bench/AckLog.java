package io.cairn.bench;

import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * A text file with one line per acknowledged event, written so that a check from outside can prove
 * that every acknowledged event is still stored after a crash:
 * <pre>topic TAB aggregateId TAB version TAB partition TAB offset TAB sha256(payload) as hex LF</pre>
 * The lines of one append are handed to the OS ({@code write}) before {@link #appended} returns, so
 * they survive a kill -9 of this process (not a power loss: the ack log itself is not fsynced).
 * Aggregate ids must not contain tabs or line breaks. Thread-safe (one lock).
 */
public final class AckLog implements Closeable {

  /** Field separator. */
  public static final char SEPARATOR = '\t';
  /** Number of fields in a line. */
  public static final int FIELDS = 6;
  private static final String DIGEST = "SHA-256";
  private static final int WRITER_BUFFER_BYTES = 64 * 1024;
  private static final int READ_BUFFER_CHARS = 64 * 1024;
  private static final AckLog DISABLED = new AckLog(null, null);

  private final Path file;
  private final BufferedWriter writer;
  private final MessageDigest digest;
  private final StringBuilder line = new StringBuilder();

  private AckLog(Path file, BufferedWriter writer) {
    this.file = file;
    this.writer = writer;
    this.digest = writer == null ? null : sha256();
  }

  /** An ack log that writes nothing. */
  public static AckLog disabled() {
    return DISABLED;
  }

  /** Creates (or truncates) {@code file} and its parent folders. */
  public static AckLog open(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new AckLog(file, new BufferedWriter(
        new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), WRITER_BUFFER_BYTES));
  }

  /** Whether lines are written. */
  public boolean enabled() {
    return writer != null;
  }

  /**
   * Writes one line per event of an acknowledged append and hands them to the OS.
   *
   * @throws UncheckedIOException if the file cannot be written
   */
  public void appended(String topic, String aggregateId, AppendResult.Appended result, List<EventData> events) {
    if (writer == null) {
      return;
    }
    synchronized (this) {
      try {
        for (int i = 0; i < events.size(); i++) {
          byte[] payload = events.get(i).payload();
          line.setLength(0);
          line.append(topic).append(SEPARATOR).append(aggregateId).append(SEPARATOR)
              .append(result.firstVersion() + i).append(SEPARATOR)
              .append(result.partition()).append(SEPARATOR)
              .append(result.firstOffset() + i).append(SEPARATOR)
              .append(payload == null ? "" : sha256Hex(payload)).append('\n');
          writer.append(line);
        }
        writer.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write ack log " + file, e);
      }
    }
  }

  private String sha256Hex(byte[] payload) {
    return HexFormat.of().formatHex(digest.digest(payload));
  }

  /** SHA-256 of {@code payload} as lower-case hex; empty for a tombstone. */
  public static String sha256Hex(byte[] payload, MessageDigest digest) {
    return payload == null ? "" : HexFormat.of().formatHex(digest.digest(payload));
  }

  /** A new SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance(DIGEST);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no " + DIGEST, e);
    }
  }

  @Override
  public void close() throws IOException {
    if (writer != null) {
      synchronized (this) {
        writer.close();
      }
    }
  }

  /**
   * Reads every complete line of an ack log, in order, into {@code sink}, and returns how many it read.
   * A last line without its line break (torn by a crash while it was written) is skipped. A malformed
   * complete line throws {@link InvalidInputException} naming file, line and content. Streams the
   * file: memory does not grow with its size.
   */
  public static long read(Path file, Consumer<Entry> sink) throws IOException {
    long lineNumber = 0;
    StringBuilder current = new StringBuilder();
    char[] buffer = new char[READ_BUFFER_CHARS];
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int read;
      while ((read = reader.read(buffer)) >= 0) {
        for (int i = 0; i < read; i++) {
          char c = buffer[i];
          if (c == '\n') {
            lineNumber++;
            sink.accept(Entry.parse(file, lineNumber, current.toString()));
            current.setLength(0);
          } else {
            current.append(c);
          }
        }
      }
    }
    return lineNumber;
  }

  /** Every complete line of an ack log; see {@link #read(Path, Consumer)}. For small files. */
  public static List<Entry> readAll(Path file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    read(file, entries::add);
    return entries;
  }

  /**
   * One acknowledged event.
   *
   * @param topic       the topic
   * @param aggregateId the aggregate id
   * @param version     the event's stream version
   * @param partition   the partition
   * @param offset      the offset in the partition
   * @param sha256Hex   SHA-256 of the payload, lower-case hex; empty for a tombstone
   */
  public record Entry(String topic, String aggregateId, long version, int partition, long offset, String sha256Hex) {

    static Entry parse(Path file, long lineNumber, String line) {
      String where = "ack log " + file + " line " + lineNumber;
      String[] fields = line.split(String.valueOf(SEPARATOR), -1);
      if (fields.length != FIELDS) {
        throw new InvalidInputException(where, line, "must have " + FIELDS
            + " tab-separated fields (topic, aggregate id, version, partition, offset, sha-256), has " + fields.length);
      }
      try {
        return new Entry(fields[0], fields[1], Long.parseLong(fields[2]), Integer.parseInt(fields[3]),
            Long.parseLong(fields[4]), fields[5]);
      } catch (NumberFormatException e) {
        throw new InvalidInputException(where, line, "version, partition and offset must be whole numbers");
      }
    }
  }
}
