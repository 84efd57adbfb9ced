package io.cairn.eventstore.testing;

import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A {@link StorageIo} whose channels fail on command, for disk-fault tests at the true boundary between
 * the store and the disk: writes fail like a full disk (after writing what still fits, as a real short
 * write does), {@link FileChannel#force} and {@link FileChannel#truncate} fail like I/O errors, and
 * {@link #crash()} closes every channel as a killed process would lose them. Everything else passes
 * through. Switches may be flipped from any thread. It also records which thread closed each channel
 * ({@link #closes()}), for tests of where slow closes run, records every force ({@link #forces()}) and every
 * positional read ({@link #positionalReads()}), and can hold writes or forces of chosen files as a stalled disk
 * would ({@link #holdWrites}, {@link #holdForces}).
 */
public final class FaultyStorageIo implements StorageIo {

  public static final String DISK_FULL_MESSAGE = "No space left on device";
  public static final String FSYNC_FAILED_MESSAGE = "Input/output error (injected fsync failure)";
  public static final String TRUNCATE_FAILED_MESSAGE = "Input/output error (injected truncate failure)";
  private static final long UNLIMITED = Long.MAX_VALUE;

  /** Bytes that may still be written before writes fail; {@link #UNLIMITED} when healthy. */
  private final AtomicLong writeBudgetBytes = new AtomicLong(UNLIMITED);
  private volatile boolean failForce;
  private volatile boolean failTruncate;
  private final List<FileChannel> opened = new ArrayList<>();
  private final AtomicInteger failedWrites = new AtomicInteger();
  private final AtomicInteger failedForces = new AtomicInteger();
  private final List<Close> closes = new CopyOnWriteArrayList<>();
  /** Queues, not copy-on-write lists: tests that read or fsync a log through this make many reads and forces. */
  private final Queue<PositionalRead> positionalReads = new ConcurrentLinkedQueue<>();
  private final Queue<Force> forces = new ConcurrentLinkedQueue<>();
  private final Hold writeHold = new Hold("write");
  private final Hold forceHold = new Hold("force");

  /**
   * A channel was closed.
   *
   * @param path   the file it was opened on
   * @param thread the name of the thread that closed it
   */
  public record Close(Path path, String thread) {
  }

  /**
   * A channel was forced ({@link FileChannel#force}) without an injected failure.
   *
   * @param path the file it was opened on
   */
  public record Force(Path path) {
  }

  /**
   * A positional read ({@link FileChannel#read(ByteBuffer, long)}).
   *
   * @param path     the file it was made on
   * @param position where it started
   * @param bytes    how many bytes it asked for
   */
  public record PositionalRead(Path path, long position, int bytes) {
  }

  /** From now on writes succeed for {@code bytes} more bytes, then fail with "No space left on device". */
  public void diskFullAfter(long bytes) {
    writeBudgetBytes.set(bytes);
  }

  /** Space is free again: writes succeed. */
  public void freeSpace() {
    writeBudgetBytes.set(UNLIMITED);
  }

  /** Whether {@link FileChannel#force} fails. */
  public void failFsync(boolean fail) {
    failForce = fail;
  }

  /** Whether {@link FileChannel#truncate} fails. */
  public void failTruncate(boolean fail) {
    failTruncate = fail;
  }

  /** Clears every fault. */
  public void heal() {
    freeSpace();
    failForce = false;
    failTruncate = false;
  }

  /** Closes every channel opened so far, as a killed process would lose them. */
  public synchronized void crash() throws IOException {
    for (FileChannel channel : opened) {
      channel.close();
    }
    opened.clear();
  }

  public int failedWrites() {
    return failedWrites.get();
  }

  public int failedForces() {
    return failedForces.get();
  }

  /**
   * From now on, writes to the files that {@code files} accepts block, as on a stalled disk, until
   * {@link #releaseWrites()}. Call it before those writes start.
   */
  public void holdWrites(Predicate<Path> files) {
    writeHold.hold(files);
  }

  /** Lets every held write go on, and the writes after them. */
  public void releaseWrites() {
    writeHold.release();
  }

  /** Writes blocked by {@link #holdWrites} right now. */
  public int heldWrites() {
    return writeHold.held();
  }

  /**
   * From now on, forces of the files that {@code files} accepts block before they reach the disk, as a slow fsync
   * would, until {@link #releaseForces()}. Call it before those forces start.
   */
  public void holdForces(Predicate<Path> files) {
    forceHold.hold(files);
  }

  /** Lets every held force go on, and the forces after them. */
  public void releaseForces() {
    forceHold.release();
  }

  /** Forces blocked by {@link #holdForces} right now. */
  public int heldForces() {
    return forceHold.held();
  }

  /** Every force that did not fail, in the order they were made. */
  public List<Force> forces() {
    return List.copyOf(forces);
  }

  /** Every positional read so far, in order. */
  public List<PositionalRead> positionalReads() {
    return List.copyOf(positionalReads);
  }

  /** Every channel close so far, in order. */
  public List<Close> closes() {
    return List.copyOf(closes);
  }

  @Override
  public synchronized FileChannel open(Path path, OpenOption... options) throws IOException {
    FileChannel channel = new FaultyChannel(path, FileChannel.open(path, options));
    opened.add(channel);
    return channel;
  }

  /**
   * How many of {@code wanted} bytes may be written now; throws once nothing may be written. A
   * short write is returned as the smaller count, the next call throws.
   */
  private int allow(int wanted) throws IOException {
    while (true) {
      long budget = writeBudgetBytes.get();
      if (budget == UNLIMITED) {
        return wanted;
      }
      if (budget <= 0 && wanted > 0) {
        failedWrites.incrementAndGet();
        throw new IOException(DISK_FULL_MESSAGE);
      }
      int granted = (int) Math.min(budget, wanted);
      if (writeBudgetBytes.compareAndSet(budget, budget - granted)) {
        return granted;
      }
    }
  }

  /** Blocks one kind of call on chosen files until released, counting the calls blocked meanwhile. */
  private static final class Hold {

    private final String call;
    private volatile Predicate<Path> files = path -> false;
    private volatile CountDownLatch released = new CountDownLatch(0);
    private final AtomicInteger held = new AtomicInteger();

    Hold(String call) {
      this.call = call;
    }

    void hold(Predicate<Path> chosen) {
      released = new CountDownLatch(1);
      files = chosen;
    }

    void release() {
      files = path -> false;
      released.countDown();
    }

    int held() {
      return held.get();
    }

    void awaitIfHeld(Path path) throws IOException {
      if (!files.test(path)) {
        return;
      }
      CountDownLatch latch = released;
      held.incrementAndGet();
      try {
        latch.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while a " + call + " of " + path + " was held");
      } finally {
        held.decrementAndGet();
      }
    }
  }

  private final class FaultyChannel extends FileChannel {

    private final Path path;
    private final FileChannel delegate;

    FaultyChannel(Path path, FileChannel delegate) {
      this.path = path;
      this.delegate = delegate;
    }

    private int write(ByteBuffer src, long position, boolean positional) throws IOException {
      writeHold.awaitIfHeld(path);
      int granted = allow(src.remaining());
      if (granted == src.remaining()) {
        return positional ? delegate.write(src, position) : delegate.write(src);
      }
      ByteBuffer part = src.duplicate();
      part.limit(part.position() + granted);
      int written = positional ? delegate.write(part, position) : delegate.write(part);
      src.position(src.position() + written);
      return written;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return delegate.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return write(src, -1, false);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        int before = srcs[i].remaining();
        int written = write(srcs[i]);
        total += written;
        if (written < before) {
          break;
        }
      }
      return total;
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      if (failTruncate) {
        throw new IOException(TRUNCATE_FAILED_MESSAGE);
      }
      delegate.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (failForce) {
        failedForces.incrementAndGet();
        throw new IOException(FSYNC_FAILED_MESSAGE);
      }
      forceHold.awaitIfHeld(path);
      delegate.force(metaData);
      forces.add(new Force(path));
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      int granted = allow((int) Math.min(Integer.MAX_VALUE, count));
      return delegate.transferFrom(src, position, granted);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      positionalReads.add(new PositionalRead(path, position, dst.remaining()));
      return delegate.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return write(src, position, true);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
      return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
      return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
      return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      closes.add(new Close(path, Thread.currentThread().getName()));
      delegate.close();
    }
  }
}
