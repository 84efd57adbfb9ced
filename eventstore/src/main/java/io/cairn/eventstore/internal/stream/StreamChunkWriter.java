package io.cairn.eventstore.internal.stream;

import static io.cairn.eventstore.internal.stream.StreamChunkFile.BLOCK_ENTRIES;
import static io.cairn.eventstore.internal.stream.StreamChunkFile.HEADER_SIZE;

import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.spi.StorageIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes one chunk file (layout in {@link StreamChunkFile}) from sorted entries in a single pass:
 * entries are encoded ({@link EntryBlockEncoder}) and go out in writes of up to 64 KiB while fence keys, block
 * lengths and CRCs, irregular hashes and the Bloom filter are collected; then the meta section and finally the
 * header, and the file is fsynced. The caller writes to a temporary name and renames. Blocking; runs on a worker
 * thread.
 */
final class StreamChunkWriter {

  /** Bytes per write, whole blocks of entries (then meta). */
  static final int WRITE_BUFFER_BYTES = 64 * 1024;

  private StreamChunkWriter() {
  }

  /** What was written. */
  record Written(int entryCount, int distinctHashes, int irregularCount, long fileBytes) {
  }

  /**
   * Writes {@code entries} covering offsets {@code [fromOffset, toOffset)} to a new file
   * {@code path}, leaving out entries whose batch ends at or below {@code dropBelowOffset}
   * (retention). {@code distinctUpperBound} sizes the Bloom filter. {@code pacer} is told of every entry, a block's
   * worth ({@value StreamChunkFile#BLOCK_ENTRIES}) at a time.
   * The file is fsynced on return.
   */
  static Written write(Path path, StorageIo io, long fromOffset, long toOffset, SortedEntries entries,
      long distinctUpperBound, int bloomBitsPerKey, long dropBelowOffset, WorkPacer pacer) {
    try (FileChannel channel = io.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      return write(channel, path, fromOffset, toOffset, entries, distinctUpperBound, bloomBitsPerKey, dropBelowOffset,
          pacer);
    } catch (IOException e) {
      throw new StorageException("cannot write stream index chunk " + path + ": " + e, e);
    }
  }

  private static Written write(FileChannel channel, Path path, long fromOffset, long toOffset, SortedEntries entries,
      long distinctUpperBound, int bloomBitsPerKey, long dropBelowOffset, WorkPacer pacer) throws IOException {
    Body body = new Body(channel, path, BloomFilter.forKeys(distinctUpperBound, bloomBitsPerKey), dropBelowOffset,
        pacer);
    entries.forEach(body);
    body.finishEntries();
    long metaCrc = body.writeMeta();
    int entryCount = (int) body.count;
    int distinct = body.distinct;
    int irregularCount = body.irregularCount;
    long entryBytes = body.entryBytes();
    BloomFilter bloom = body.bloom;

    ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
    header.putInt(StreamChunkFile.MAGIC_OFFSET, StreamChunkFile.MAGIC)
        .putShort(StreamChunkFile.FORMAT_VERSION_OFFSET, StreamChunkFile.FORMAT_VERSION)
        .putShort(StreamChunkFile.FLAGS_OFFSET, (short) 0)
        .putInt(StreamChunkFile.BLOCK_ENTRIES_OFFSET, BLOCK_ENTRIES)
        .putLong(StreamChunkFile.FROM_OFFSET_OFFSET, fromOffset)
        .putLong(StreamChunkFile.TO_OFFSET_OFFSET, toOffset)
        .putInt(StreamChunkFile.ENTRY_COUNT_OFFSET, entryCount)
        .putInt(StreamChunkFile.DISTINCT_HASHES_OFFSET, distinct)
        .putInt(StreamChunkFile.IRREGULAR_COUNT_OFFSET, irregularCount)
        .putInt(StreamChunkFile.BLOOM_WORDS_OFFSET, bloom.words().length)
        .putInt(StreamChunkFile.BLOOM_PROBES_OFFSET, bloom.probes())
        .putLong(StreamChunkFile.ENTRY_BYTES_OFFSET, entryBytes)
        .putInt(StreamChunkFile.META_CRC_OFFSET, (int) metaCrc);
    CRC32C headerCrc = new CRC32C();
    headerCrc.update(header.array(), 0, StreamChunkFile.HEADER_CRC_OFFSET);
    header.putInt(StreamChunkFile.HEADER_CRC_OFFSET, (int) headerCrc.getValue());
    writeFully(channel, header, 0);
    channel.force(true);
    long fileBytes = channel.size();
    long expected = StreamChunkFile.fileBytes(entryCount, entryBytes, irregularCount, bloom.words().length);
    if (fileBytes != expected) {
      throw new StorageException("stream index chunk " + path + " has " + fileBytes + " bytes after writing, expected "
          + expected);
    }
    return new Written(entryCount, distinct, irregularCount, fileBytes);
  }

  /**
   * The body of the file being written, after its header. {@link SortedEntries#forEach} feeds it the entries one
   * at a time; they are encoded and go out in writes of up to {@value #WRITE_BUFFER_BYTES} bytes, whole blocks,
   * while the fence keys, block lengths and CRCs, irregular hashes and the Bloom filter are collected.
   * {@link #finishEntries()} writes the last of them and {@link #writeMeta()} the meta section.
   */
  private static final class Body implements SortedEntries.EntrySink {

    private final FileChannel channel;
    private final Path path;
    private final BloomFilter bloom;
    private final long dropBelowOffset;
    private final WorkPacer pacer;
    private final ByteBuffer out = ByteBuffer.allocate(WRITE_BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();
    private final EntryBlockEncoder encoder = new EntryBlockEncoder();
    private long[] fenceHashes = new long[16];
    private long[] fenceVersions = new long[16];
    private int[] blockLengths = new int[16];
    private int[] blockCrcs = new int[16];
    private long[] irregular = new long[4];
    private int irregularCount;
    private long count;
    /** Entries accepted since the pacer was last told. */
    private int unpaced;
    private int distinct;
    /** File position of the first byte in {@link #out}. */
    private long position = HEADER_SIZE;
    private long previousHash;
    private long previousEnd;
    private int blockStartInBuffer;
    private long entryBytes;

    Body(FileChannel channel, Path path, BloomFilter bloom, long dropBelowOffset, WorkPacer pacer) {
      this.channel = channel;
      this.path = path;
      this.bloom = bloom;
      this.dropBelowOffset = dropBelowOffset;
      this.pacer = pacer;
    }

    @Override
    public void accept(long hash, long firstVersion, long baseOffset, int eventCount, int batchPosition)
        throws IOException {
      if (++unpaced == BLOCK_ENTRIES) {
        pacer.pace(unpaced);
        unpaced = 0;
      }
      if (baseOffset + eventCount <= dropBelowOffset) {
        return;
      }
      if (count == Integer.MAX_VALUE) {
        throw new StorageException("stream index chunk " + path + " would exceed " + Integer.MAX_VALUE + " entries");
      }
      if (count > 0 && hash == previousHash) {
        if (firstVersion != previousEnd && (irregularCount == 0 || irregular[irregularCount - 1] != hash)) {
          if (irregularCount == irregular.length) {
            irregular = Arrays.copyOf(irregular, irregularCount * 2);
          }
          irregular[irregularCount++] = hash;
        }
      } else {
        distinct++;
        bloom.add(hash);
      }
      int block = (int) (count / BLOCK_ENTRIES);
      if (count % BLOCK_ENTRIES == 0) {
        if (block == fenceHashes.length) {
          fenceHashes = Arrays.copyOf(fenceHashes, block * 2);
          fenceVersions = Arrays.copyOf(fenceVersions, block * 2);
          blockLengths = Arrays.copyOf(blockLengths, block * 2);
          blockCrcs = Arrays.copyOf(blockCrcs, block * 2);
        }
        fenceHashes[block] = hash;
        fenceVersions[block] = firstVersion;
        if (out.remaining() < EntryBlock.MAX_BLOCK_BYTES + EntryBlock.READ_SLACK_BYTES) {
          position += flush(channel, out, position);
          blockStartInBuffer = 0;
        }
        encoder.startBlock();
      }
      out.position(encoder.encode(out.array(), out.position(), hash, firstVersion, baseOffset, eventCount,
          batchPosition));
      count++;
      if (count % BLOCK_ENTRIES == 0) {
        endBlock(block);
      }
      previousHash = hash;
      previousEnd = firstVersion + eventCount;
    }

    /** Takes the length and CRC of the block just encoded. */
    private void endBlock(int block) {
      blockLengths[block] = out.position() - blockStartInBuffer;
      blockCrcs[block] = blockCrc(crc, out, blockStartInBuffer);
      blockStartInBuffer = out.position();
    }

    /** Ends a last, shorter block and writes the entries still buffered. */
    void finishEntries() throws IOException {
      if (count % BLOCK_ENTRIES != 0) {
        endBlock(StreamChunkFile.blockCount((int) count) - 1);
      }
      position += flush(channel, out, position);
      entryBytes = position - HEADER_SIZE;
    }

    /** Bytes of the encoded entries; once {@link #finishEntries()} returned. */
    long entryBytes() {
      return entryBytes;
    }

    /** Writes the meta section after the entries; returns its CRC-32C. */
    long writeMeta() throws IOException {
      int blocks = StreamChunkFile.blockCount((int) count);
      crc.reset();
      for (int b = 0; b < blocks; b++) {
        position += ensureRoom(channel, out, position, StreamChunkFile.FENCE_SIZE, crc);
        out.putLong(fenceHashes[b]).putLong(fenceVersions[b]);
      }
      for (int b = 0; b < blocks; b++) {
        position += ensureRoom(channel, out, position, StreamChunkFile.BLOCK_LENGTH_SIZE, crc);
        out.putInt(blockLengths[b]);
      }
      for (int b = 0; b < blocks; b++) {
        position += ensureRoom(channel, out, position, StreamChunkFile.BLOCK_CRC_SIZE, crc);
        out.putInt(blockCrcs[b]);
      }
      for (int i = 0; i < irregularCount; i++) {
        position += ensureRoom(channel, out, position, StreamChunkFile.IRREGULAR_HASH_SIZE, crc);
        out.putLong(irregular[i]);
      }
      for (long word : bloom.words()) {
        position += ensureRoom(channel, out, position, StreamChunkFile.BLOOM_WORD_SIZE, crc);
        out.putLong(word);
      }
      updateCrc(crc, out);
      position += flush(channel, out, position);
      return crc.getValue();
    }
  }

  private static int blockCrc(CRC32C crc, ByteBuffer out, int blockStart) {
    crc.reset();
    crc.update(out.array(), blockStart, out.position() - blockStart);
    return (int) crc.getValue();
  }

  /**
   * Makes room for {@code bytes} in the meta buffer: if full, adds its bytes to the meta CRC and
   * writes them at {@code position}. Returns the bytes written.
   */
  private static int ensureRoom(FileChannel channel, ByteBuffer out, long position, int bytes, CRC32C crc)
      throws IOException {
    if (out.remaining() >= bytes) {
      return 0;
    }
    updateCrc(crc, out);
    return flush(channel, out, position);
  }

  private static void updateCrc(CRC32C crc, ByteBuffer out) {
    crc.update(out.array(), 0, out.position());
  }

  private static int flush(FileChannel channel, ByteBuffer out, long position) throws IOException {
    int bytes = out.position();
    writeFully(channel, out.flip(), position);
    out.clear();
    return bytes;
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }
}
