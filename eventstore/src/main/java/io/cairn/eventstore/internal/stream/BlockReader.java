package io.cairn.eventstore.internal.stream;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The owner thread's reusable buffers for one entry block of a chunk file: its bytes and its decoded entries.
 * Remembers which block of which file it holds, so walking a run that stays in one block reads and decodes it
 * once; the page cache serves everything else. Not thread-safe: one per owner thread.
 */
final class BlockReader {

  private final ByteBuffer buffer = ByteBuffer.allocate(EntryBlock.MAX_BLOCK_BYTES + EntryBlock.READ_SLACK_BYTES);
  private final CRC32C crc = new CRC32C();
  private final EntryBlock block = new EntryBlock();
  private StreamChunkFile loadedChunk;
  private int loadedBlock = -1;
  private long blocksRead;

  /**
   * Block {@code index} of {@code chunk}, read, CRC-checked and decoded unless it is already loaded. Valid until the
   * next call.
   */
  EntryBlock load(StreamChunkFile chunk, int index) {
    if (chunk != loadedChunk || index != loadedBlock) {
      loadedChunk = null;
      chunk.readBlock(index, buffer, crc, block);
      loadedChunk = chunk;
      loadedBlock = index;
      blocksRead++;
    }
    return block;
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
    return buffer.capacity() + EntryBlock.MEMORY_BYTES;
  }
}
