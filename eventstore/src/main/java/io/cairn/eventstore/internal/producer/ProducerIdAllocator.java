package io.cairn.eventstore.internal.producer;

import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.internal.io.DurableFiles;
import io.cairn.eventstore.spi.StorageIo;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Hands out idempotent-producer ids unique for the lifetime of a data directory. Ids are reserved in
 * blocks of {@value #BLOCK_SIZE}: the end of the reserved range is written durably (through
 * {@link DurableFiles#writeAtomically}, on a disk thread) before any id of a new block is handed out, then
 * ids come from memory. After a restart or a crash allocation continues at the stored end, so the unused
 * rest of the last block is skipped and no id is ever handed out twice. Every id has epoch 0.
 *
 * <p>File format (ASCII, three lines ending in {@code \n}, like {@code recovery-point}):
 * <pre>
 * cairn-producer-ids 1
 * &lt;end of the reserved ids, decimal: the next block starts here&gt;
 * &lt;CRC-32C of the first two lines, 8 lowercase hex digits&gt;
 * </pre>
 * A file that does not parse or verify makes {@link #load} fail: an id is never guessed.
 *
 * <p>Thread-safe: {@link #next} may be called from any thread.
 */
public final class ProducerIdAllocator {

  /** Ids reserved per durable write. */
  public static final int BLOCK_SIZE = 1000;
  /** File name under the store's {@code meta} directory. */
  public static final String FILE_NAME = "producer-ids";
  static final String MAGIC_LINE = "cairn-producer-ids 1";
  private static final String LINE_END = "\n";
  private static final int LINES = 3;

  private final Path file;
  private final StorageIo io;
  private final WorkerExecutor diskExecutor;
  /** The next id to hand out; below {@link #reservedEnd} when one is available. */
  private long next;
  /** End of the durably reserved ids. */
  private long reservedEnd;
  /** The block reservation in progress, or null. */
  private Future<Void> reserving;

  private ProducerIdAllocator(Path file, StorageIo io, WorkerExecutor diskExecutor, long reservedEnd) {
    this.file = file;
    this.io = io;
    this.diskExecutor = diskExecutor;
    this.next = reservedEnd;
    this.reservedEnd = reservedEnd;
  }

  /**
   * Reads the reserved end from {@code file} (missing: nothing reserved yet). Blocking.
   *
   * @param diskExecutor runs the durable writes of later blocks
   * @throws StorageException if the file cannot be read or does not verify
   */
  public static ProducerIdAllocator load(Path file, StorageIo io, WorkerExecutor diskExecutor) {
    try {
      String content = Files.readString(file, StandardCharsets.US_ASCII);
      return new ProducerIdAllocator(file, io, diskExecutor, parse(content, file));
    } catch (NoSuchFileException e) {
      return new ProducerIdAllocator(file, io, diskExecutor, 0);
    } catch (IOException e) {
      throw new StorageException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static long parse(String content, Path file) {
    String[] lines = content.split(LINE_END, -1);
    if (lines.length != LINES + 1 || !lines[LINES].isEmpty() || !MAGIC_LINE.equals(lines[0])) {
      throw new StorageException(file + " is not a producer-id file (expected \"" + MAGIC_LINE
          + "\", the reserved end and a CRC on three lines)");
    }
    String covered = lines[0] + LINE_END + lines[1] + LINE_END;
    String computed = crcOf(covered);
    if (!computed.equals(lines[2])) {
      throw new StorageException(file + " has CRC " + lines[2] + ", computed " + computed
          + "; refusing to guess which producer ids were handed out");
    }
    try {
      long end = Long.parseLong(lines[1]);
      if (end < 0) {
        throw new NumberFormatException("negative");
      }
      return end;
    } catch (NumberFormatException e) {
      throw new StorageException(file + " holds reserved end \"" + lines[1] + "\", not an id", e);
    }
  }

  /** The content written for reserved end {@code end}. */
  static String render(long end) {
    String covered = MAGIC_LINE + LINE_END + end + LINE_END;
    return covered + crcOf(covered) + LINE_END;
  }

  private static String crcOf(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.US_ASCII));
    return String.format("%08x", crc.getValue());
  }

  /**
   * A new producer id (epoch 0), never handed out before from this data directory. Completes at once
   * while the current block lasts; otherwise after the next block's reservation is durable. Fails with
   * {@link StorageException} if that write fails (a later call tries again).
   */
  public Future<ProducerId> next() {
    Future<Void> pending;
    synchronized (this) {
      if (next < reservedEnd) {
        return Future.succeededFuture(new ProducerId(next++, (short) 0));
      }
      if (reserving == null) {
        long end = reservedEnd + BLOCK_SIZE;
        reserving = diskExecutor.<Void>executeBlocking(() -> {
          write(end);
          return null;
        }, false).transform(written -> {
          synchronized (this) {
            reserving = null;
            if (written.succeeded()) {
              reservedEnd = end;
            }
          }
          return written.succeeded() ? Future.succeededFuture() : Future.failedFuture(written.cause());
        });
      }
      pending = reserving;
    }
    return pending.compose(reserved -> next());
  }

  private void write(long end) {
    try {
      DurableFiles.writeAtomically(io, file, render(end).getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new StorageException("reserving producer ids up to " + end + " in " + file + " failed: " + e.getMessage()
          + "; no id was handed out from that block", e);
    }
  }

  /** End of the durably reserved ids (the next block starts here). */
  public synchronized long reservedEnd() {
    return reservedEnd;
  }
}
