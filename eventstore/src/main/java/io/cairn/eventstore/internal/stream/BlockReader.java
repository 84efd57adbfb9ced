package io.cairn.eventstore.internal.stream;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The owner thread's reusable buffer for one 4 KiB entry block of a chunk file. Remembers which
 * block of which file it holds, so walking a run that stays in one block reads it once; the page
 * cache serves everything else. Not thread-safe: one per owner thread.
 */
final class BlockReader {

  private final ByteBuffer buffer = ByteBuffer.allocate(StreamChunkFile.BLOCK_BYTES);
  private final CRC32C crc = new CRC32C();
  private StreamChunkFile loadedChunk;
  private int loadedBlock = -1;
  private long blocksRead;

  /** Block {@code block} of {@code chunk}, read and CRC-checked unless it is already loaded. */
  ByteBuffer load(StreamChunkFile chunk, int block) {
    if (chunk != loadedChunk || block != loadedBlock) {
      loadedChunk = null;
      chunk.readBlock(block, buffer, crc);
      loadedChunk = chunk;
      loadedBlock = block;
      blocksRead++;
    }
    return buffer;
  }

  /** Forgets the loaded block (its file was replaced or closed). */
  void invalidate() {
    loadedChunk = null;
    loadedBlock = -1;
  }

  /** Blocks read from disk so far (a test and metrics counter). */
  long blocksRead() {
    return blocksRead;
  }

  long memoryBytes() {
    return buffer.capacity();
  }
}
