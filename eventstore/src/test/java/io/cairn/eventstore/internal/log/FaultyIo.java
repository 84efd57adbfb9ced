package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
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

/**
 * A {@link StorageIo} for fault-injection tests, at the true boundary between the log and the disk:
 * it can fail writes after a byte budget ("No space left on device"), fail fsyncs and truncates, and
 * simulate a crash by closing every channel it opened (as kill -9 would). Thread-safe.
 */
final class FaultyIo implements StorageIo {

  /** Message of the simulated disk-full error. */
  static final String DISK_FULL = "No space left on device";

  private final List<FileChannel> opened = new ArrayList<>();
  private volatile long writeBudgetBytes = Long.MAX_VALUE;
  private volatile boolean failForce;
  private volatile boolean failTruncate;

  /** Lets {@code bytes} more bytes be written, then every write throws {@value #DISK_FULL}. */
  void failWritesAfter(long bytes) {
    writeBudgetBytes = bytes;
  }

  /** Makes every {@code force} throw an I/O error. */
  void failForce(boolean fail) {
    failForce = fail;
  }

  /** Makes every {@code truncate} throw an I/O error. */
  void failTruncate(boolean fail) {
    failTruncate = fail;
  }

  /** Clears every fault. */
  void heal() {
    writeBudgetBytes = Long.MAX_VALUE;
    failForce = false;
    failTruncate = false;
  }

  /** Closes every channel opened so far, as a killed process would lose them. */
  synchronized void crash() throws IOException {
    for (FileChannel channel : opened) {
      channel.close();
    }
    opened.clear();
  }

  @Override
  public synchronized FileChannel open(Path path, OpenOption... options) throws IOException {
    FileChannel channel = new Faulty(FileChannel.open(path, options));
    opened.add(channel);
    return channel;
  }

  private synchronized void consume(int bytes) throws IOException {
    if (writeBudgetBytes != Long.MAX_VALUE) {
      if (bytes > writeBudgetBytes) {
        writeBudgetBytes = 0;
        throw new IOException(DISK_FULL);
      }
      writeBudgetBytes -= bytes;
    }
  }

  /** Delegates to a real channel, failing where the enclosing io says so. */
  private final class Faulty extends FileChannel {

    private final FileChannel delegate;

    Faulty(FileChannel delegate) {
      this.delegate = delegate;
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
      return writeLimited(src, -1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long total = 0;
      for (int i = offset; i < offset + length; i++) {
        total += write(srcs[i]);
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
        throw new IOException("Input/output error (injected truncate failure)");
      }
      delegate.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (failForce) {
        throw new IOException("Input/output error (injected fsync failure)");
      }
      delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
      throw new IOException("transferFrom is not used by the log");
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return delegate.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return writeLimited(src, position);
    }

    private int writeLimited(ByteBuffer src, long position) throws IOException {
      int wanted = src.remaining();
      long budget = writeBudgetBytes;
      if (budget != Long.MAX_VALUE && wanted > budget) {
        // write what still fits, as a filling disk does, then fail
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + (int) budget);
        int written = position < 0 ? delegate.write(part) : delegate.write(part, position);
        src.position(src.position() + written);
        consume(wanted);
      }
      consume(wanted);
      return position < 0 ? delegate.write(src) : delegate.write(src, position);
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
      delegate.close();
    }
  }
}
