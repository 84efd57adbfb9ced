package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the file range just past an active segment's last batch into the page cache, on a thread of its own,
 * so that the owner's next writes land in page-cache pages that already exist (ADR 0015). The owner grows the
 * file sparsely ({@link LogSegment}); the warmer reads the new range, and the kernel fills a page of zeros for
 * every page of the hole it reads. Creating those pages is the expensive part of a buffered write on a machine
 * whose memory is handed out lazily (a virtual machine whose host takes freed memory back): measured here, about
 * 3 s per GB written into new pages against 0.23-0.26 s per GB into pages that a read created (docs/benchmarks.md).
 *
 * <p>The warmer reads {@value #READ_BYTES} bytes at a time and yields the CPU after each read
 * ({@link Thread#yield()}). A read of that size creates 16 pages, about 0.2 ms of kernel time here; without the yield
 * the warmer kept a CPU for ~2.7 ms at a stretch, and an event loop woken meanwhile on a busy machine waited for the
 * rest of that stretch (the scheduler lets a running thread finish its slice, as ADR 0013 found for the stream-index
 * jobs). The yield costs a system call per read and lets a waiting thread go first.
 *
 * <p>It reads each range from its end down. The kernel reads ahead of a read whose page just below is cached, taking
 * it for a sequential reader, and a range starts just above cached pages (the log's, or the last range's): read from
 * the bottom, its first read made the kernel fill the whole range, up to the end of the file, in that one system call,
 * ~6 ms here, which a kernel that does not preempt system calls let no other thread interrupt on that CPU. Read from
 * the top, every read but the last finds an uncached page below it and fills only its own 16 pages; the last finds
 * every page above it cached already.
 *
 * <p>Warming is advisory: it only reads, through a read-only channel of its own opened per range, so it can
 * neither change a byte of the log nor close the owner's channel (an interrupted read closes only the
 * channel it runs on). A range it gets to late is warmed down to the segment's current end only; any failure
 * (file deleted, closed store, I/O error) drops the rest of the range. Ranges are read one at a time, in the order
 * they were asked for.
 *
 * <p>Thread-safe. {@link #OFF} warms nothing.
 */
public final class PageCacheWarmer implements AutoCloseable {

  /** Warms nothing: logs opened with it write as if it did not exist. */
  public static final PageCacheWarmer OFF = new PageCacheWarmer(null, null);
  /** Bytes an active segment keeps warm past its last batch, at most; it asks for more when half are used. */
  public static final int DEFAULT_AHEAD_BYTES = 4 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(PageCacheWarmer.class);
  /** Bytes per read: 64 KiB, 16 pages (see the class comment). */
  private static final int READ_BYTES = 64 * 1024;
  private static final int PAGE_BYTES = 4096;

  private final ExecutorService thread;
  private final StorageIo io;
  /** Scratch of the warming thread: what it reads is thrown away. */
  private final ByteBuffer scratch;
  private final AtomicLong warmedBytes = new AtomicLong();

  private PageCacheWarmer(ExecutorService thread, StorageIo io) {
    this.thread = thread;
    this.io = io;
    this.scratch = thread == null ? null : ByteBuffer.allocateDirect(READ_BYTES);
  }

  /**
   * A warmer on a new daemon thread named {@code threadName}, opening files through {@code io}. The thread asks for
   * the lowest priority (ADR 0016), which the JVM hands to the operating system only with
   * {@code -XX:ThreadPriorityPolicy=1} ({@code bin/cairn node} sets it, as nice 19): the owner whose pages it warms
   * goes first when both want the CPU, and a page the warmer has not reached yet is created by the owner's write, as
   * without a warmer.
   */
  public static PageCacheWarmer start(String threadName, StorageIo io) {
    ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
      Thread warming = new Thread(task, threadName);
      warming.setDaemon(true);
      warming.setPriority(Thread.MIN_PRIORITY);
      return warming;
    });
    return new PageCacheWarmer(thread, io);
  }

  /** Whether this warmer warms anything (false for {@link #OFF}). */
  public boolean enabled() {
    return thread != null;
  }

  /** Bytes read into the page cache so far (a figure for tests and diagnostics). */
  public long warmedBytes() {
    return warmedBytes.get();
  }

  /**
   * Any thread: asks for {@code [from, to)} of {@code file} to be read into the page cache, skipping what lies
   * below {@code writtenEnd} (rounded down to a page) when the read starts. Returns at once.
   */
  void warm(Path file, long from, long to, IntSupplier writtenEnd) {
    if (!enabled()) {
      return;
    }
    try {
      thread.execute(() -> read(file, from, to, writtenEnd));
    } catch (RejectedExecutionException closed) {
      LOG.debug("{}: not warmed, the warmer is closed", file);
    }
  }

  /**
   * Reads {@code [from, to)} from its end down, {@value #READ_BYTES} bytes at a time on {@value #READ_BYTES}-byte
   * boundaries, stopping at the page holding the written end as it is when each read starts, or where the file ends.
   */
  private void read(Path file, long from, long to, IntSupplier writtenEnd) {
    long top = to;
    if (top <= bottom(from, writtenEnd)) {
      return;
    }
    try (FileChannel channel = io.open(file, StandardOpenOption.READ)) {
      top = Math.min(to, channel.size());
      while (true) {
        long bottom = bottom(from, writtenEnd);
        if (top <= bottom) {
          return;
        }
        long start = Math.max(bottom, (top - 1) & -(long) READ_BYTES);
        scratch.clear().limit((int) (top - start));
        int read = channel.read(scratch, start);
        if (read > 0) {
          warmedBytes.addAndGet(read);
        }
        if (read < top - start) {
          return; // the file was cut meanwhile (a roll trimmed it)
        }
        top = start;
        Thread.yield();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("{}: warming [{}, {}) stopped: {}", file, from, top, e.toString());
    }
  }

  /** Where warming {@code [from, ...)} stops now: {@code from}, or the start of the page holding the written end. */
  private static long bottom(long from, IntSupplier writtenEnd) {
    return Math.max(from, writtenEnd.getAsInt() & -(long) PAGE_BYTES);
  }

  /** Completes once every range asked for before this call has been read or dropped (at once when off or closed). */
  public CompletableFuture<Void> caughtUp() {
    if (!enabled()) {
      return CompletableFuture.completedFuture(null);
    }
    try {
      return CompletableFuture.runAsync(() -> { }, thread);
    } catch (RejectedExecutionException closed) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Stops the thread and drops the ranges not yet read. A read under way is interrupted, which closes only the
   * warmer's own channel.
   */
  @Override
  public void close() {
    if (!enabled()) {
      return;
    }
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("page-cache warmer still running 10 s after close; left to end as a daemon thread");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
