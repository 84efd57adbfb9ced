package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.internal.record.BatchHeader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the record batches of a segment file one after the other through a reused buffer, for
 * recovery, index rebuilds, scans and the inspector. Each {@link #next()} either lands on a
 * complete batch (readable in {@link #buffer()} at {@link #batchStart()}), reports the clean end of
 * the range, or reports why the bytes at {@link #position()} are not a valid batch (torn, bad magic,
 * bad length and, when asked, bad CRC). It never allocates per batch: the buffer only grows to fit
 * the largest batch met.
 *
 * <p>Not thread-safe: one scanner per reading thread.
 */
final class BatchScanner {

  /** Result of one step. */
  enum Step {
    /** A complete batch is in the buffer. */
    BATCH,
    /** The scanned range ends exactly here. */
    END,
    /** The bytes at {@link #position()} are not a valid batch; see {@link #problem()}. */
    INVALID
  }

  /** Default read-ahead: large enough to read many small batches per system call. */
  static final int DEFAULT_BUFFER_BYTES = 256 * 1024;

  /** The read-ahead for a range of {@code rangeBytes}: the default, or less for a short range. */
  static int bufferBytesFor(long rangeBytes) {
    return (int) Math.max(BatchHeader.HEADER_SIZE, Math.min(DEFAULT_BUFFER_BYTES, rangeBytes));
  }

  private final FileChannel channel;
  private final long endPosition;
  private final boolean verifyCrc;
  private ByteBuffer buffer;
  private long bufferFilePosition;
  private int validBytes;
  private long position;
  private long batchPosition = -1;
  private int batchStart;
  private int batchSize;
  private String problem = "";

  /**
   * A scanner over {@code [startPosition, endPosition)} of {@code channel}, which must start at a
   * batch boundary. With {@code verifyCrc} each batch's CRC-32C is checked too.
   */
  BatchScanner(FileChannel channel, long startPosition, long endPosition, int bufferBytes, boolean verifyCrc) {
    this.channel = channel;
    this.position = startPosition;
    this.endPosition = endPosition;
    this.verifyCrc = verifyCrc;
    this.buffer = ByteBuffer.allocate(bufferBytes);
    this.buffer.limit(0);
    this.bufferFilePosition = startPosition;
  }

  /** Advances to the next batch. After {@link Step#INVALID} or {@link Step#END} it stays there. */
  Step next() throws IOException {
    if (!problem.isEmpty()) {
      return Step.INVALID;
    }
    buffer.limit(validBytes).position(0);
    long remaining = endPosition - position;
    if (remaining <= 0) {
      return Step.END;
    }
    int headerBytes = (int) Math.min(remaining, BatchHeader.HEADER_SIZE);
    int at = fill(position, headerBytes);
    if (headerBytes < BatchHeader.HEADER_SIZE) {
      return invalid("only " + remaining + " bytes left, a batch header needs " + BatchHeader.HEADER_SIZE);
    }
    byte magic = BatchHeader.magic(buffer, at);
    if (magic != BatchHeader.MAGIC_V2) {
      return invalid("magic is " + magic + ", expected " + BatchHeader.MAGIC_V2);
    }
    int length = BatchHeader.batchLength(buffer, at);
    if (length < BatchHeader.HEADER_SIZE - BatchHeader.LOG_OVERHEAD) {
      return invalid("batchLength " + length + " is smaller than the header");
    }
    long total = BatchHeader.LOG_OVERHEAD + (long) length;
    if (total > remaining) {
      return invalid("batchLength " + length + " runs past the end (" + (remaining - BatchHeader.LOG_OVERHEAD)
          + " bytes left)");
    }
    at = fill(position, (int) total);
    String reason = verifyCrc ? BatchHeader.invalidReason(buffer, at, at + (int) total) : countsReason(at);
    if (reason != null) {
      return invalid(reason);
    }
    batchPosition = position;
    batchStart = at;
    batchSize = (int) total;
    position += total;
    return Step.BATCH;
  }

  /** The buffer holding the current batch at {@link #batchStart()}; valid until the next call. */
  ByteBuffer buffer() {
    return buffer;
  }

  /** Index of the current batch in {@link #buffer()}. */
  int batchStart() {
    return batchStart;
  }

  /** Size in bytes of the current batch. */
  int batchSize() {
    return batchSize;
  }

  /** File position of the current batch. */
  long batchPosition() {
    return batchPosition;
  }

  /** File position of the next batch (or of the invalid bytes after {@link Step#INVALID}). */
  long position() {
    return position;
  }

  /** Why the bytes at {@link #position()} are not a batch; empty unless the last step was INVALID. */
  String problem() {
    return problem;
  }

  /**
   * Sets the buffer's position and limit to the current batch, for handing it to a visitor without
   * a copy. The next call to {@link #next()} resets them.
   */
  ByteBuffer currentBatchView() {
    buffer.limit(batchStart + batchSize).position(batchStart);
    return buffer;
  }

  private Step invalid(String reason) {
    problem = reason;
    return Step.INVALID;
  }

  private String countsReason(int at) {
    int count = BatchHeader.recordsCount(buffer, at);
    int delta = BatchHeader.lastOffsetDelta(buffer, at);
    if (count < 0 || delta < 0) {
      return "recordsCount " + count + " / lastOffsetDelta " + delta + " is negative";
    }
    return null;
  }

  /** Makes {@code [filePosition, filePosition + bytes)} available in the buffer; returns its index. */
  private int fill(long filePosition, int bytes) throws IOException {
    long bufferEnd = bufferFilePosition + validBytes;
    if (filePosition >= bufferFilePosition && filePosition + bytes <= bufferEnd) {
      return (int) (filePosition - bufferFilePosition);
    }
    if (buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocate(Math.max(bytes, buffer.capacity() * 2));
    }
    buffer.clear();
    buffer.limit((int) Math.min(buffer.capacity(), endPosition - filePosition));
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, filePosition + buffer.position());
      if (read < 0) {
        break;
      }
    }
    buffer.flip();
    bufferFilePosition = filePosition;
    validBytes = buffer.limit();
    if (validBytes < bytes) {
      throw new EOFException("file ended at position " + (filePosition + buffer.limit()) + " while "
          + bytes + " bytes from position " + filePosition + " were expected (was it truncated meanwhile?)");
    }
    return 0;
  }
}
