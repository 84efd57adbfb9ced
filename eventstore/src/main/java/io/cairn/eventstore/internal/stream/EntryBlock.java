package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.StorageException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * One decoded block of a chunk file's entries: up to {@value StreamChunkFile#BLOCK_ENTRIES} entries in file order,
 * held in primitive arrays and reused from block to block.
 *
 * <p>Encoding (format version 2; {@link EntryBlockEncoder} writes it). Each entry is a 16-bit little-endian tag and
 * five unsigned little-endian fields, each only as wide as its value needs, each relative to the entry before it
 * in the same block. A block's first entry is relative to hash {@link Long#MIN_VALUE}, base offset 0 and position
 * 0, so that a block decodes on its own:
 * <pre>
 * tag         bits 0-2 hashDelta, 3-5 version, 6-8 eventCount, 9-11 baseOffset, 12-14 position: each the width
 *             code of its field (code 0-6 = that many bytes, 7 = 8 bytes; 0 bytes = the value 0); bit 15 is 0
 * hashDelta   hash - previous hash (entries ascend by signed hash, so this is never negative as an unsigned
 *             64-bit number); 0 = the same hash as the entry before
 * version     the same hash as the entry before: zigzag of firstVersion - (its firstVersion + eventCount), 0 for
 *             a run that continues the one before; otherwise (and for a block's first entry): firstVersion
 * eventCount  eventCount
 * baseOffset  zigzag of baseOffset - previous baseOffset
 * position    zigzag of position - previous position
 * </pre>
 * Zigzag maps signed to unsigned as Protocol Buffers and Kafka's record fields do. The common entry, the next run
 * of an aggregate already in the block, takes 2 + 0 + 0 + 1 bytes plus its offset and position steps (8 bytes in
 * the network benchmark) instead of the 32 of format version 1; an entry takes at most
 * {@value #MAX_ENTRY_BYTES}. Fields have whole-byte widths picked from a table rather than varints, so that
 * encoding and decoding read and write eight bytes at a time without a branch per byte: readers keep
 * {@value #READ_SLACK_BYTES} bytes of room after the encoded bytes.
 *
 * <p>Not thread-safe: one per reading thread (an owner's {@link BlockReader}, a merge's input).
 */
final class EntryBlock {

  static final int TAG_BYTES = 2;
  /** Bits of a field's width code in the tag. */
  static final int CODE_BITS = 3;
  static final int CODE_MASK = (1 << CODE_BITS) - 1;
  static final int HASH_SHIFT = 0;
  static final int VERSION_SHIFT = HASH_SHIFT + CODE_BITS;
  static final int COUNT_SHIFT = VERSION_SHIFT + CODE_BITS;
  static final int OFFSET_SHIFT = COUNT_SHIFT + CODE_BITS;
  static final int POSITION_SHIFT = OFFSET_SHIFT + CODE_BITS;
  /** Bit 15 of the tag, which MUST be 0. */
  static final int UNUSED_TAG_BIT = 1 << (POSITION_SHIFT + CODE_BITS);
  /** Bytes of a field by its width code. */
  static final int[] WIDTH_BYTES = {0, 1, 2, 3, 4, 5, 6, 8};
  /** The value bits of a field by its width code. */
  static final long[] WIDTH_MASKS = {0, 0xFFL, 0xFFFFL, 0xFFFFFFL, 0xFFFFFFFFL, 0xFFFFFFFFFFL, 0xFFFFFFFFFFFFL, -1L};
  /** The width code of a field by the bytes its value needs. */
  static final int[] CODE_FOR_BYTES = {0, 1, 2, 3, 4, 5, 6, 7, 7};

  /** Tag, hash delta, version and base offset as 64-bit fields, event count and zigzagged position step. */
  static final int MAX_ENTRY_BYTES = TAG_BYTES + 3 * Long.BYTES + Integer.BYTES + 5;
  /** Tag and one byte of event count. */
  static final int MIN_ENTRY_BYTES = TAG_BYTES + 1;
  /** Bytes of a full block at most. */
  static final int MAX_BLOCK_BYTES = StreamChunkFile.BLOCK_ENTRIES * MAX_ENTRY_BYTES;
  /**
   * Room a buffer MUST have after the bytes it hands to {@link #decode} or to {@link EntryBlockEncoder#encode}:
   * fields are read and written eight bytes at a time.
   */
  static final int READ_SLACK_BYTES = Long.BYTES;
  /** Heap bytes of the decoded arrays, for memory accounting. */
  static final int MEMORY_BYTES = StreamChunkFile.BLOCK_ENTRIES * (3 * Long.BYTES + 2 * Integer.BYTES);

  static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class,
      ByteOrder.LITTLE_ENDIAN);

  private final long[] hashes = new long[StreamChunkFile.BLOCK_ENTRIES];
  private final long[] firstVersions = new long[StreamChunkFile.BLOCK_ENTRIES];
  private final long[] baseOffsets = new long[StreamChunkFile.BLOCK_ENTRIES];
  private final int[] eventCounts = new int[StreamChunkFile.BLOCK_ENTRIES];
  private final int[] positions = new int[StreamChunkFile.BLOCK_ENTRIES];
  private int size;

  int size() {
    return size;
  }

  long hash(int entry) {
    return hashes[entry];
  }

  long firstVersion(int entry) {
    return firstVersions[entry];
  }

  long baseOffset(int entry) {
    return baseOffsets[entry];
  }

  int eventCount(int entry) {
    return eventCounts[entry];
  }

  int position(int entry) {
    return positions[entry];
  }

  /**
   * Decodes the {@code entries} entries encoded in {@code bytes[at, at + length)}, replacing what this block held;
   * {@code bytes} MUST extend {@value #READ_SLACK_BYTES} bytes past them. The bytes MUST have passed the block's
   * CRC check; what is still malformed (an entry running past the block, a set unused tag bit, a field out of its
   * range, bytes left over) throws StorageException naming {@code path}, {@code block}, the entry and the field.
   */
  void decode(byte[] bytes, int at, int length, int entries, Path path, int block) {
    if (bytes.length - READ_SLACK_BYTES < at + length) {
      throw new IllegalArgumentException("a block decoded from bytes [" + at + ", " + (at + length) + ") needs "
          + READ_SLACK_BYTES + " bytes of room after it, the array has " + bytes.length);
    }
    int end = at + length;
    int next = at;
    size = 0;
    long hash = Long.MIN_VALUE;
    long previousEnd = 0;
    long baseOffset = 0;
    long position = 0;
    for (int i = 0; i < entries; i++) {
      int tag = (short) SHORT_LE.get(bytes, next) & 0xFFFF;
      int hashCode = tag >>> HASH_SHIFT & CODE_MASK;
      int versionCode = tag >>> VERSION_SHIFT & CODE_MASK;
      int countCode = tag >>> COUNT_SHIFT & CODE_MASK;
      int offsetCode = tag >>> OFFSET_SHIFT & CODE_MASK;
      int positionCode = tag >>> POSITION_SHIFT & CODE_MASK;
      int entryBytes = TAG_BYTES + WIDTH_BYTES[hashCode] + WIDTH_BYTES[versionCode] + WIDTH_BYTES[countCode]
          + WIDTH_BYTES[offsetCode] + WIDTH_BYTES[positionCode];
      if (entryBytes > end - next || (tag & UNUSED_TAG_BIT) != 0) {
        throw malformed(path, block, i, "tag", String.format("0x%04x", tag), (tag & UNUSED_TAG_BIT) != 0
            ? "bit 15 must be 0" : "its " + entryBytes + " bytes run past the end of the block");
      }
      next += TAG_BYTES;
      long hashDelta = field(bytes, next, hashCode);
      next += WIDTH_BYTES[hashCode];
      long version = field(bytes, next, versionCode);
      next += WIDTH_BYTES[versionCode];
      long eventCount = field(bytes, next, countCode);
      next += WIDTH_BYTES[countCode];
      baseOffset += unzigzag(field(bytes, next, offsetCode));
      next += WIDTH_BYTES[offsetCode];
      position += unzigzag(field(bytes, next, positionCode));
      next += WIDTH_BYTES[positionCode];
      hash += hashDelta;
      long firstVersion = i > 0 && hashDelta == 0 ? previousEnd + unzigzag(version) : version;
      if (eventCount < 1 || eventCount > Integer.MAX_VALUE || firstVersion < 1
          || firstVersion > Long.MAX_VALUE - eventCount || baseOffset < 0 || position < 0
          || position > Integer.MAX_VALUE) {
        throw outOfRange(path, block, i, firstVersion, eventCount, baseOffset, position);
      }
      hashes[i] = hash;
      firstVersions[i] = firstVersion;
      baseOffsets[i] = baseOffset;
      eventCounts[i] = (int) eventCount;
      positions[i] = (int) position;
      previousEnd = firstVersion + eventCount;
    }
    if (next != end) {
      throw malformed(path, block, entries, "block length", length,
          (end - next) + " bytes are left after its " + entries + " entries");
    }
    size = entries;
  }

  /** The field of width code {@code code} at {@code bytes[at]}. */
  private static long field(byte[] bytes, int at, int code) {
    return (long) LONG_LE.get(bytes, at) & WIDTH_MASKS[code];
  }

  private static long unzigzag(long encoded) {
    return (encoded >>> 1) ^ -(encoded & 1);
  }

  /** The first field of a decoded entry that is out of its range, as an exception. */
  private static StorageException outOfRange(Path path, int block, int entry, long firstVersion, long eventCount,
      long baseOffset, long position) {
    if (eventCount < 1 || eventCount > Integer.MAX_VALUE) {
      return malformed(path, block, entry, "eventCount", eventCount, "must be within 1.." + Integer.MAX_VALUE);
    }
    if (firstVersion < 1 || firstVersion > Long.MAX_VALUE - eventCount) {
      return malformed(path, block, entry, "firstVersion", firstVersion,
          "must be at least 1 and leave room for " + eventCount + " events");
    }
    if (baseOffset < 0) {
      return malformed(path, block, entry, "baseOffset", baseOffset, "must not be negative");
    }
    return malformed(path, block, entry, "position", position, "must be within 0.." + Integer.MAX_VALUE);
  }

  private static StorageException malformed(Path path, int block, int entry, String field, Object value,
      String rule) {
    return new StorageException("stream index chunk " + path + " is corrupt: block " + block + ", entry " + entry
        + ": " + field + " = " + value + ": " + rule);
  }
}
