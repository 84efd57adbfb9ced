package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.CompressionType;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.xerial.snappy.Snappy;

/**
 * Snappy in snappy-java's stream framing, the form Kafka's producer writes through
 * {@code org.xerial.snappy.SnappyOutputStream}:
 *
 * <pre>
 * magic 82 'S' 'N' 'A' 'P' 'P' 'Y' 00 | version int32 BE (1) | compatible version int32 BE (1) |
 * chunks: compressedLength int32 BE | raw snappy block of up to 32 KiB of input
 * </pre>
 *
 * <p>The encoder cuts the input into {@value #BLOCK_BYTES}-byte chunks as
 * {@code SnappyOutputStream} does, so its output is byte-identical. The decoder accepts what
 * {@code SnappyInputStream} accepts: a header repeated between chunks (concatenated streams) and,
 * when the input does not start with the magic, one raw snappy block. Not thread-safe.
 */
final class SnappyCodec implements RecordsCodec {

  private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
  private static final int MAGIC_HEAD = (MAGIC[0] & 0xff) << 24 | (MAGIC[1] & 0xff) << 16
      | (MAGIC[2] & 0xff) << 8 | (MAGIC[3] & 0xff);
  private static final int VERSION = 1;
  private static final int COMPATIBLE_VERSION = 1;
  /** Magic, version, compatible version. */
  static final int HEADER_LENGTH = MAGIC.length + Integer.BYTES + Integer.BYTES;
  private static final int CHUNK_LENGTH_LENGTH = Integer.BYTES;
  /** Input bytes per chunk, {@code SnappyOutputStream.DEFAULT_BLOCK_SIZE}. */
  static final int BLOCK_BYTES = 32 * 1024;
  /**
   * Snappy's densest element is a 3-byte copy of 64 bytes (ratio 21.3); a block claiming more than
   * this ratio is corrupt. Checked before allocating room for it.
   */
  private static final int MAX_EXPANSION = 32;
  private static final int MAX_EXPANSION_SLACK = 1024;

  private byte[] src;
  private int position;
  private int end;
  private boolean raw;
  private boolean ended;

  @Override
  public CompressionType type() {
    return CompressionType.SNAPPY;
  }

  @Override
  public void compress(byte[] input, int offset, int length, GrowableBytes out) {
    out.ensureRoom(HEADER_LENGTH);
    int at = out.size();
    System.arraycopy(MAGIC, 0, out.array(), at, MAGIC.length);
    putIntBe(out.array(), at + MAGIC.length, VERSION);
    putIntBe(out.array(), at + MAGIC.length + Integer.BYTES, COMPATIBLE_VERSION);
    out.size(at + HEADER_LENGTH);
    try {
      for (int from = offset; from < offset + length; from += BLOCK_BYTES) {
        int chunk = Math.min(BLOCK_BYTES, offset + length - from);
        out.ensureRoom(CHUNK_LENGTH_LENGTH + Snappy.maxCompressedLength(chunk));
        int lengthAt = out.size();
        int compressed = Snappy.compress(input, from, chunk, out.array(), lengthAt + CHUNK_LENGTH_LENGTH);
        putIntBe(out.array(), lengthAt, compressed);
        out.size(lengthAt + CHUNK_LENGTH_LENGTH + compressed);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("snappy compression of " + length + " bytes failed", e);
    }
  }

  @Override
  public void startDecompression(byte[] input, int offset, int length) throws IOException {
    this.src = input;
    this.position = offset;
    this.end = offset + length;
    this.ended = length == 0;
    this.raw = !ended && !startsWithMagic(offset);
    if (!raw && !ended) {
      skipHeader();
    }
  }

  private boolean startsWithMagic(int at) {
    if (end - at < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (src[at + i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private void skipHeader() throws IOException {
    if (end - position < HEADER_LENGTH || !startsWithMagic(position)) {
      throw new IOException("snappy stream header at byte " + position + " is truncated or lacks the magic");
    }
    position += HEADER_LENGTH;
  }

  @Override
  public int decompressMore(GrowableBytes out) throws IOException {
    if (ended) {
      return -1;
    }
    if (raw) {
      ended = true;
      return uncompressBlock(position, end - position, out);
    }
    while (position < end) {
      if (end - position < CHUNK_LENGTH_LENGTH) {
        throw new IOException("snappy stream ends inside a chunk length (" + (end - position) + " bytes left)");
      }
      int chunkLength = getIntBe(src, position);
      if (chunkLength == MAGIC_HEAD) {
        skipHeader();
        continue;
      }
      int data = position + CHUNK_LENGTH_LENGTH;
      if (chunkLength < 0 || chunkLength > end - data) {
        throw new IOException("snappy chunk length " + chunkLength + " does not fit the "
            + (end - data) + " bytes left");
      }
      position = data + chunkLength;
      return uncompressBlock(data, chunkLength, out);
    }
    ended = true;
    return -1;
  }

  private int uncompressBlock(int at, int length, GrowableBytes out) throws IOException {
    int expected = Snappy.uncompressedLength(src, at, length);
    if (expected < 0 || expected > (long) length * MAX_EXPANSION + MAX_EXPANSION_SLACK) {
      throw new IOException("snappy block of " + length + " bytes claims " + Integer.toUnsignedLong(expected)
          + " uncompressed bytes, more than snappy can encode in it");
    }
    if (out.ensureRoomUpTo(expected) < expected) {
      throw new IOException("snappy block decompresses to " + expected + " bytes, more than the "
          + (out.limit() - out.size()) + " allowed");
    }
    int n = Snappy.uncompress(src, at, length, out.array(), out.size());
    if (n != expected) {
      throw new IOException("snappy block decompressed to " + n + " bytes, its header says " + expected);
    }
    out.size(out.size() + n);
    return n;
  }

  private static void putIntBe(byte[] dst, int at, int value) {
    for (int i = 0; i < Integer.BYTES; i++) {
      dst[at + i] = (byte) (value >>> (Byte.SIZE * (Integer.BYTES - 1 - i)));
    }
  }

  private static int getIntBe(byte[] src, int at) {
    int value = 0;
    for (int i = 0; i < Integer.BYTES; i++) {
      value = value << Byte.SIZE | (src[at + i] & 0xff);
    }
    return value;
  }

  @Override
  public void close() {
    src = null;
  }
}
