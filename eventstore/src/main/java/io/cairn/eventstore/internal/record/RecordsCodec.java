package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.CompressionType;
import java.io.IOException;

/**
 * One compression codec for the records section of a batch: the whole section is one
 * compressed block (a gzip member, a snappy-java stream, a Kafka LZ4 frame or a zstd frame), and
 * the 61-byte batch header stays uncompressed.
 *
 * <p>Compression is one call. Decompression is incremental so that a reader that only needs the
 * first record stops early: {@link #startDecompression} checks the frame header, then each
 * {@link #decompressMore} call appends one more piece (a block, a chunk or a few KiB) to the
 * output. An instance keeps its native contexts and scratch arrays across batches and MUST be
 * {@linkplain #close() closed}. Not thread-safe.
 */
interface RecordsCodec extends AutoCloseable {

  /** Bytes a streaming codec appends per {@link #decompressMore} call at most. */
  int DECOMPRESS_STEP_BYTES = 16 * 1024;

  CompressionType type();

  /** Appends the compressed form of {@code src[offset, offset + length)} to {@code out}. */
  void compress(byte[] src, int offset, int length, GrowableBytes out);

  /**
   * Starts decompressing {@code src[offset, offset + length)}, which MUST stay unchanged until the
   * last {@link #decompressMore} call. Throws if the frame header is malformed.
   */
  void startDecompression(byte[] src, int offset, int length) throws IOException;

  /**
   * Appends the next piece of decompressed data to {@code out}.
   *
   * @return bytes appended (at least 1), or -1 once the whole input was decompressed and verified
   * @throws IOException if the input is corrupt or truncated
   */
  int decompressMore(GrowableBytes out) throws IOException;

  /** Frees native resources; the codec is unusable afterwards. */
  @Override
  void close();

  /** A new codec for {@code type}; {@link CompressionType#NONE} has none (records are used in place). */
  static RecordsCodec create(CompressionType type) {
    switch (type) {
      case GZIP:
        return new GzipCodec();
      case SNAPPY:
        return new SnappyCodec();
      case LZ4:
        return new Lz4FrameCodec();
      case ZSTD:
        return new ZstdCodec();
      default:
        throw new IllegalArgumentException("no codec object for compression " + type.configName());
    }
  }
}
