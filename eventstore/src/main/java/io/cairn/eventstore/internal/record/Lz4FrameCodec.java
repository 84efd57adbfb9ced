package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.CompressionType;
import java.io.IOException;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The LZ4 frame format as Kafka writes it for batches of magic 1 and 2 (its
 * {@code Lz4BlockOutputStream}); all integers little-endian:
 *
 * <pre>
 * magic 0x184D2204 | FLG 0x60 (version 01, independent blocks, no checksums, no content size) |
 * BD 0x40 (64 KiB blocks) | HC = (xxHash32(FLG, BD; seed 0) &gt;&gt; 8) &amp; 0xff |
 * blocks: size int32 (high bit set = stored uncompressed) | data |
 * end mark int32 0
 * </pre>
 *
 * <p>The encoder uses lz4's fast compressor, Kafka's choice at its default level, and stores a
 * block uncompressed when compression does not shrink it, so the output is byte-identical to
 * Kafka's. The decoder follows Kafka's reader: version 01, independent blocks only, optional
 * content size, block checksums verified when flagged, a content checksum skipped, and the
 * descriptor checksum over FLG through the content size. Not thread-safe.
 */
final class Lz4FrameCodec implements RecordsCodec {

  static final int MAGIC = 0x184D2204;
  private static final int MAGIC_LENGTH = Integer.BYTES;
  private static final int FLG_VERSION_SHIFT = 6;
  private static final int FLG_VERSION_MASK = 0x03;
  private static final int SUPPORTED_VERSION = 1;
  private static final int FLG_BLOCK_INDEPENDENCE = 0x20;
  private static final int FLG_BLOCK_CHECKSUM = 0x10;
  private static final int FLG_CONTENT_SIZE = 0x08;
  private static final int FLG_CONTENT_CHECKSUM = 0x04;
  private static final int FLG_RESERVED = 0x03;
  private static final int BD_BLOCK_SIZE_SHIFT = 4;
  private static final int BD_BLOCK_SIZE_MASK = 0x07;
  private static final int BD_RESERVED = 0x8f;
  private static final int MIN_BLOCK_SIZE_ID = 4;
  private static final int BLOCK_SIZE_BASE_SHIFT = 8;
  private static final int BITS_PER_BLOCK_SIZE_ID = 2;
  /** Kafka always writes 64 KiB blocks (block size id 4). */
  static final int BLOCK_SIZE_ID = 4;
  static final int FLG = SUPPORTED_VERSION << FLG_VERSION_SHIFT | FLG_BLOCK_INDEPENDENCE;
  static final int BD = BLOCK_SIZE_ID << BD_BLOCK_SIZE_SHIFT;
  static final int BLOCK_BYTES = blockBytes(BLOCK_SIZE_ID);
  private static final int CONTENT_SIZE_LENGTH = Long.BYTES;
  private static final int CHECKSUM_LENGTH = Integer.BYTES;
  private static final int BLOCK_SIZE_LENGTH = Integer.BYTES;
  private static final int HC_SHIFT = 8;
  private static final int HC_MASK = 0xff;
  /** Magic, FLG, BD, HC. */
  static final int HEADER_LENGTH = MAGIC_LENGTH + 3;
  static final int UNCOMPRESSED_FLAG = 0x80000000;
  private static final int END_MARK = 0;
  private static final int HASH_SEED = 0;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final XXHash32 XXHASH = XXHashFactory.fastestInstance().hash32();

  private LZ4Compressor compressor;
  private LZ4SafeDecompressor decompressor;
  private byte[] src;
  private int position;
  private int end;
  private int maxBlockBytes;
  private boolean blockChecksum;
  private boolean contentChecksum;
  private boolean ended;

  @Override
  public CompressionType type() {
    return CompressionType.LZ4;
  }

  private static int blockBytes(int blockSizeId) {
    return 1 << (BLOCK_SIZE_BASE_SHIFT + BITS_PER_BLOCK_SIZE_ID * blockSizeId);
  }

  @Override
  public void compress(byte[] input, int offset, int length, GrowableBytes out) {
    if (compressor == null) {
      compressor = LZ4.fastCompressor();
    }
    out.ensureRoom(HEADER_LENGTH);
    byte[] dst = out.array();
    int at = out.size();
    putIntLe(dst, at, MAGIC);
    dst[at + MAGIC_LENGTH] = (byte) FLG;
    dst[at + MAGIC_LENGTH + 1] = (byte) BD;
    dst[at + MAGIC_LENGTH + 2] = headerChecksum(dst, at + MAGIC_LENGTH, 2);
    out.size(at + HEADER_LENGTH);

    int maxCompressed = compressor.maxCompressedLength(BLOCK_BYTES);
    for (int from = offset; from < offset + length; from += BLOCK_BYTES) {
      int block = Math.min(BLOCK_BYTES, offset + length - from);
      out.ensureRoom(BLOCK_SIZE_LENGTH + Math.max(maxCompressed, block));
      int sizeAt = out.size();
      int dataAt = sizeAt + BLOCK_SIZE_LENGTH;
      int compressed = compressor.compress(input, from, block, out.array(), dataAt, maxCompressed);
      if (compressed >= block) {
        System.arraycopy(input, from, out.array(), dataAt, block);
        putIntLe(out.array(), sizeAt, block | UNCOMPRESSED_FLAG);
        out.size(dataAt + block);
      } else {
        putIntLe(out.array(), sizeAt, compressed);
        out.size(dataAt + compressed);
      }
    }
    out.ensureRoom(BLOCK_SIZE_LENGTH);
    putIntLe(out.array(), out.size(), END_MARK);
    out.size(out.size() + BLOCK_SIZE_LENGTH);
  }

  private static byte headerChecksum(byte[] bytes, int from, int length) {
    return (byte) ((XXHASH.hash(bytes, from, length, HASH_SEED) >> HC_SHIFT) & HC_MASK);
  }

  @Override
  public void startDecompression(byte[] input, int offset, int length) throws IOException {
    this.src = input;
    this.end = offset + length;
    this.ended = false;
    int p = offset;
    require(p, HEADER_LENGTH, "frame header");
    int magic = getIntLe(src, p);
    if (magic != MAGIC) {
      throw new IOException(String.format("LZ4 frame magic is 0x%08x, expected 0x%08x", magic, MAGIC));
    }
    p += MAGIC_LENGTH;
    int descriptorStart = p;
    int flg = src[p++] & 0xff;
    int bd = src[p++] & 0xff;
    int version = (flg >>> FLG_VERSION_SHIFT) & FLG_VERSION_MASK;
    if (version != SUPPORTED_VERSION) {
      throw new IOException("LZ4 frame version is " + version + ", expected " + SUPPORTED_VERSION);
    }
    if ((flg & FLG_RESERVED) != 0 || (bd & BD_RESERVED) != 0) {
      throw new IOException(String.format("LZ4 frame reserved bits are set: FLG 0x%02x, BD 0x%02x", flg, bd));
    }
    if ((flg & FLG_BLOCK_INDEPENDENCE) == 0) {
      throw new IOException("LZ4 frame uses dependent blocks, which Kafka does not support");
    }
    int blockSizeId = (bd >>> BD_BLOCK_SIZE_SHIFT) & BD_BLOCK_SIZE_MASK;
    if (blockSizeId < MIN_BLOCK_SIZE_ID) {
      throw new IOException("LZ4 frame block size id is " + blockSizeId + ", must be 4 to 7");
    }
    maxBlockBytes = blockBytes(blockSizeId);
    blockChecksum = (flg & FLG_BLOCK_CHECKSUM) != 0;
    contentChecksum = (flg & FLG_CONTENT_CHECKSUM) != 0;
    if ((flg & FLG_CONTENT_SIZE) != 0) {
      require(p, CONTENT_SIZE_LENGTH + 1, "content size");
      p += CONTENT_SIZE_LENGTH;
    }
    byte expected = headerChecksum(src, descriptorStart, p - descriptorStart);
    if (src[p] != expected) {
      throw new IOException(String.format("LZ4 frame descriptor checksum is 0x%02x, computed 0x%02x",
          src[p] & 0xff, expected & 0xff));
    }
    position = p + 1;
    if (decompressor == null) {
      decompressor = LZ4.safeDecompressor();
    }
  }

  @Override
  public int decompressMore(GrowableBytes out) throws IOException {
    if (ended) {
      return -1;
    }
    require(position, BLOCK_SIZE_LENGTH, "block size");
    int word = getIntLe(src, position);
    position += BLOCK_SIZE_LENGTH;
    if (word == END_MARK) {
      if (contentChecksum) {
        require(position, CHECKSUM_LENGTH, "content checksum");
        position += CHECKSUM_LENGTH;
      }
      if (position != end) {
        throw new IOException("LZ4 frame is followed by " + (end - position) + " unexpected bytes");
      }
      ended = true;
      return -1;
    }
    boolean stored = (word & UNCOMPRESSED_FLAG) != 0;
    int blockLength = word & ~UNCOMPRESSED_FLAG;
    if (blockLength > maxBlockBytes) {
      throw new IOException("LZ4 block size " + blockLength + " exceeds the frame's maximum " + maxBlockBytes);
    }
    require(position, blockLength + (blockChecksum ? CHECKSUM_LENGTH : 0), "block");
    int data = position;
    position += blockLength;
    if (blockChecksum) {
      int storedHash = getIntLe(src, position);
      int hash = XXHASH.hash(src, data, blockLength, HASH_SEED);
      if (storedHash != hash) {
        throw new IOException(String.format("LZ4 block checksum is 0x%08x, computed 0x%08x", storedHash, hash));
      }
      position += CHECKSUM_LENGTH;
    }
    int room = out.ensureRoomUpTo(stored ? blockLength : maxBlockBytes);
    if (stored) {
      if (room < blockLength) {
        throw new IOException("LZ4 data decompresses to more than " + out.limit() + " bytes");
      }
      System.arraycopy(src, data, out.array(), out.size(), blockLength);
      out.size(out.size() + blockLength);
      return blockLength;
    }
    int n;
    try {
      n = decompressor.decompress(src, data, blockLength, out.array(), out.size(), room);
    } catch (LZ4Exception e) {
      throw new IOException("LZ4 block of " + blockLength + " bytes is corrupt: " + e.getMessage(), e);
    }
    out.size(out.size() + n);
    return n;
  }

  private void require(int at, int bytes, String what) throws IOException {
    if (end - at < bytes) {
      throw new IOException("LZ4 frame ends inside the " + what + " (" + (end - at) + " bytes left, " + bytes + " needed)");
    }
  }

  private static void putIntLe(byte[] dst, int at, int value) {
    for (int i = 0; i < Integer.BYTES; i++) {
      dst[at + i] = (byte) (value >>> (Byte.SIZE * i));
    }
  }

  private static int getIntLe(byte[] bytes, int at) {
    int value = 0;
    for (int i = 0; i < Integer.BYTES; i++) {
      value |= (bytes[at + i] & 0xff) << (Byte.SIZE * i);
    }
    return value;
  }

  @Override
  public void close() {
    src = null;
  }
}
