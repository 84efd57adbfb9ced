package io.cairn.eventstore.internal.stream;

/**
 * Encodes the entries of a chunk file block by block, in the encoding {@link EntryBlock} describes and decodes.
 * Entries MUST come in chunk order (ascending hash, then firstVersion, then baseOffset) with values a
 * {@link StreamIndex#add} accepted; {@link #startBlock()} goes before each block's first entry. One writer.
 */
final class EntryBlockEncoder {

  private boolean blockStarted;
  private long previousHash;
  private long previousEnd;
  private long previousBaseOffset;
  private int previousPosition;

  /** The next entry is the first of a block: it is encoded without reference to the entries before it. */
  void startBlock() {
    blockStarted = false;
    previousHash = Long.MIN_VALUE;
    previousEnd = 0;
    previousBaseOffset = 0;
    previousPosition = 0;
  }

  /**
   * Writes one entry at {@code into[at]}, which MUST have room for {@value EntryBlock#MAX_ENTRY_BYTES} bytes and
   * {@value EntryBlock#READ_SLACK_BYTES} more (fields are written eight bytes at a time); returns the index after
   * the entry. Bytes after that index may have changed.
   */
  int encode(byte[] into, int at, long hash, long firstVersion, long baseOffset, int eventCount, int position) {
    long hashDelta = hash - previousHash;
    long version = blockStarted && hashDelta == 0 ? zigzag(firstVersion - previousEnd) : firstVersion;
    long offsetStep = zigzag(baseOffset - previousBaseOffset);
    long positionStep = zigzag((long) position - previousPosition);
    int hashCode = widthCode(hashDelta);
    int versionCode = widthCode(version);
    int countCode = widthCode(eventCount);
    int offsetCode = widthCode(offsetStep);
    int positionCode = widthCode(positionStep);
    int tag = hashCode << EntryBlock.HASH_SHIFT | versionCode << EntryBlock.VERSION_SHIFT
        | countCode << EntryBlock.COUNT_SHIFT | offsetCode << EntryBlock.OFFSET_SHIFT
        | positionCode << EntryBlock.POSITION_SHIFT;
    into[at] = (byte) tag;
    into[at + 1] = (byte) (tag >>> Byte.SIZE);
    int next = at + EntryBlock.TAG_BYTES;
    next = put(into, next, hashDelta, hashCode);
    next = put(into, next, version, versionCode);
    next = put(into, next, eventCount, countCode);
    next = put(into, next, offsetStep, offsetCode);
    next = put(into, next, positionStep, positionCode);
    blockStarted = true;
    previousHash = hash;
    previousEnd = firstVersion + eventCount;
    previousBaseOffset = baseOffset;
    previousPosition = position;
    return next;
  }

  /** The width code of the fewest whole bytes that hold {@code value} as an unsigned number. */
  private static int widthCode(long value) {
    return EntryBlock.CODE_FOR_BYTES[(Long.SIZE - Long.numberOfLeadingZeros(value) + Byte.SIZE - 1) / Byte.SIZE];
  }

  private static int put(byte[] into, int at, long value, int code) {
    EntryBlock.LONG_LE.set(into, at, value);
    return at + EntryBlock.WIDTH_BYTES[code];
  }

  private static long zigzag(long value) {
    return (value << 1) ^ (value >> (Long.SIZE - 1));
  }
}
