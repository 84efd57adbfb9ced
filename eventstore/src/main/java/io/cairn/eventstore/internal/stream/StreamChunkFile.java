package io.cairn.eventstore.internal.stream;

import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.spi.StorageIo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * One immutable {@code <20-digit fromOffset>.streams} file: the stream-index entries of every
 * batch at offsets {@code [fromOffset, toOffset)}, sorted by (hash, firstVersion, baseOffset), in
 * blocks of {@value #BLOCK_ENTRIES} entries, with per-block fence keys, lengths and CRCs, the hashes
 * whose runs are irregular, and a Bloom filter.
 *
 * <p>Layout (big-endian):
 * <pre>
 * header (64 bytes):
 *   magic int32 "CSIX" | formatVersion int16 | flags int16 (0) | blockEntries int32 |
 *   fromOffset int64 | toOffset int64 | entryCount int32 | distinctHashes int32 |
 *   irregularCount int32 | bloomWords int32 | bloomProbes int32 | entryBytes int64 |
 *   metaCrc uint32 | headerCrc uint32
 * entries: blockCount blocks, entryBytes bytes in all; in each, its entries relative to each other ({@link EntryBlock})
 * meta:    blockCount x (fenceHash int64 | fenceFirstVersion int64)   key of each block's first entry
 *          blockCount x blockLength int32                              bytes of each block
 *          blockCount x blockCrc uint32                                CRC-32C of each block's bytes
 *          irregularCount x hash int64 (ascending)                     runs that are not one dense version sequence
 *          bloomWords x int64                                          {@link BloomFilter} words
 * </pre>
 * {@code blockCount = ceil(entryCount / blockEntries)}; a block is {@code blockEntries} entries (the
 * last may be shorter). {@code headerCrc} is the CRC-32C of the header bytes before it; {@code metaCrc}
 * that of the whole meta section. The file size is exactly header + entries + meta. Format version 1
 * (fixed 32-byte entries) is not read: such a file fails the version check at open, is deleted, and its
 * entries are rebuilt from the log (ADR 0002).
 *
 * <p>Opening checks the header, its CRC, the exact file size, the meta CRC and the block lengths, and loads the
 * meta section onto the heap (about 1.5 bytes per entry at 10 Bloom bits per key); entries stay on disk and are
 * read one block at a time with positional reads, each block's CRC checked when it is read.
 *
 * <p>Thread-safety: the content is immutable and positional reads are safe from several threads
 * (owner lookups and a merge worker); the pin count and flags are owner-thread state.
 */
final class StreamChunkFile implements Closeable {

  static final int MAGIC = 0x43534958; // "CSIX"
  static final short FORMAT_VERSION = 2;

  static final int MAGIC_OFFSET = 0;
  static final int MAGIC_LENGTH = 4;
  static final int FORMAT_VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
  static final int FORMAT_VERSION_LENGTH = 2;
  static final int FLAGS_OFFSET = FORMAT_VERSION_OFFSET + FORMAT_VERSION_LENGTH;
  static final int FLAGS_LENGTH = 2;
  static final int BLOCK_ENTRIES_OFFSET = FLAGS_OFFSET + FLAGS_LENGTH;
  static final int BLOCK_ENTRIES_LENGTH = 4;
  static final int FROM_OFFSET_OFFSET = BLOCK_ENTRIES_OFFSET + BLOCK_ENTRIES_LENGTH;
  static final int FROM_OFFSET_LENGTH = 8;
  static final int TO_OFFSET_OFFSET = FROM_OFFSET_OFFSET + FROM_OFFSET_LENGTH;
  static final int TO_OFFSET_LENGTH = 8;
  static final int ENTRY_COUNT_OFFSET = TO_OFFSET_OFFSET + TO_OFFSET_LENGTH;
  static final int ENTRY_COUNT_LENGTH = 4;
  static final int DISTINCT_HASHES_OFFSET = ENTRY_COUNT_OFFSET + ENTRY_COUNT_LENGTH;
  static final int DISTINCT_HASHES_LENGTH = 4;
  static final int IRREGULAR_COUNT_OFFSET = DISTINCT_HASHES_OFFSET + DISTINCT_HASHES_LENGTH;
  static final int IRREGULAR_COUNT_LENGTH = 4;
  static final int BLOOM_WORDS_OFFSET = IRREGULAR_COUNT_OFFSET + IRREGULAR_COUNT_LENGTH;
  static final int BLOOM_WORDS_LENGTH = 4;
  static final int BLOOM_PROBES_OFFSET = BLOOM_WORDS_OFFSET + BLOOM_WORDS_LENGTH;
  static final int BLOOM_PROBES_LENGTH = 4;
  static final int ENTRY_BYTES_OFFSET = BLOOM_PROBES_OFFSET + BLOOM_PROBES_LENGTH;
  static final int ENTRY_BYTES_LENGTH = 8;
  static final int META_CRC_OFFSET = ENTRY_BYTES_OFFSET + ENTRY_BYTES_LENGTH;
  static final int META_CRC_LENGTH = 4;
  static final int HEADER_CRC_OFFSET = META_CRC_OFFSET + META_CRC_LENGTH;
  static final int HEADER_CRC_LENGTH = 4;
  /** 64 bytes. */
  static final int HEADER_SIZE = HEADER_CRC_OFFSET + HEADER_CRC_LENGTH;

  /** Entries per block. */
  static final int BLOCK_ENTRIES = 128;

  static final int FENCE_HASH_LENGTH = 8;
  static final int FENCE_VERSION_LENGTH = 8;
  static final int FENCE_SIZE = FENCE_HASH_LENGTH + FENCE_VERSION_LENGTH;
  static final int BLOCK_LENGTH_SIZE = 4;
  static final int BLOCK_CRC_SIZE = 4;
  static final int IRREGULAR_HASH_SIZE = 8;
  static final int BLOOM_WORD_SIZE = 8;

  /** Read-ahead of {@link #verifyAllBlocks()}. */
  private static final int VERIFY_READ_BYTES = 64 * 1024;
  /** Rough bytes of this object, its channel and array headers, for {@link #memoryBytes()}. */
  private static final int OBJECT_OVERHEAD_BYTES = 512;
  private static final long UNSIGNED_INT_MASK = 0xFFFFFFFFL;

  private final Path path;
  private final FileChannel channel;
  private final long fromOffset;
  private final long toOffset;
  private final int entryCount;
  private final int distinctHashes;
  private final long[] fenceHashes;
  private final long[] fenceVersions;
  /** File position of each block, then of the meta section after the last. */
  private final long[] blockPositions;
  private final int[] blockCrcs;
  private final long[] irregularHashes;
  private final BloomFilter bloom;

  private int pins;
  private boolean retired;
  /** Set by whichever thread finds a bad block CRC (owner lookup or merge worker). */
  private volatile boolean corrupt;

  private StreamChunkFile(Path path, FileChannel channel, long fromOffset, long toOffset, int entryCount,
      int distinctHashes, long[] fenceHashes, long[] fenceVersions, long[] blockPositions, int[] blockCrcs,
      long[] irregularHashes, BloomFilter bloom) {
    this.path = path;
    this.channel = channel;
    this.fromOffset = fromOffset;
    this.toOffset = toOffset;
    this.entryCount = entryCount;
    this.distinctHashes = distinctHashes;
    this.fenceHashes = fenceHashes;
    this.fenceVersions = fenceVersions;
    this.blockPositions = blockPositions;
    this.blockCrcs = blockCrcs;
    this.irregularHashes = irregularHashes;
    this.bloom = bloom;
  }

  /** Blocks for {@code entryCount} entries. */
  static int blockCount(int entryCount) {
    return (entryCount + BLOCK_ENTRIES - 1) / BLOCK_ENTRIES;
  }

  /** Bytes of the meta section. */
  static long metaBytes(int blockCount, int irregularCount, int bloomWords) {
    return (long) blockCount * (FENCE_SIZE + BLOCK_LENGTH_SIZE + BLOCK_CRC_SIZE)
        + (long) irregularCount * IRREGULAR_HASH_SIZE + (long) bloomWords * BLOOM_WORD_SIZE;
  }

  /** Exact size of a file with these counts and {@code entryBytes} bytes of encoded entries. */
  static long fileBytes(int entryCount, long entryBytes, int irregularCount, int bloomWords) {
    return HEADER_SIZE + entryBytes + metaBytes(blockCount(entryCount), irregularCount, bloomWords);
  }

  /**
   * Opens and validates the chunk file at {@code path}; with {@code verifyEntries} every entry block's
   * CRC is checked too. Throws StorageException naming the file, field and value if anything is off.
   */
  static StreamChunkFile open(Path path, StorageIo io, boolean verifyEntries) {
    FileChannel channel;
    try {
      channel = io.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new StorageException("cannot open stream index chunk " + path + ": " + e, e);
    }
    try {
      StreamChunkFile chunk = load(path, channel);
      if (verifyEntries) {
        chunk.verifyAllBlocks();
      }
      return chunk;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new StorageException("cannot read stream index chunk " + path + ": " + e, e);
    } catch (StorageException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static StreamChunkFile load(Path path, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < HEADER_SIZE) {
      throw invalid(path, 0, "file size", size, "a chunk file has a " + HEADER_SIZE + "-byte header");
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
    readFully(channel, header, 0, path);
    int magic = header.getInt(MAGIC_OFFSET);
    if (magic != MAGIC) {
      throw invalid(path, MAGIC_OFFSET, "magic", String.format("0x%08x", magic),
          String.format("expected 0x%08x", MAGIC));
    }
    CRC32C crc = new CRC32C();
    crc.update(header.array(), 0, HEADER_CRC_OFFSET);
    long storedHeaderCrc = header.getInt(HEADER_CRC_OFFSET) & UNSIGNED_INT_MASK;
    if (crc.getValue() != storedHeaderCrc) {
      throw invalid(path, HEADER_CRC_OFFSET, "headerCrc", String.format("0x%08x", storedHeaderCrc),
          String.format("computed 0x%08x", crc.getValue()));
    }
    short version = header.getShort(FORMAT_VERSION_OFFSET);
    ensure(version == FORMAT_VERSION, path, FORMAT_VERSION_OFFSET, "formatVersion", version,
        "expected " + FORMAT_VERSION);
    short flags = header.getShort(FLAGS_OFFSET);
    ensure(flags == 0, path, FLAGS_OFFSET, "flags", flags, "expected 0");
    int blockEntries = header.getInt(BLOCK_ENTRIES_OFFSET);
    ensure(blockEntries == BLOCK_ENTRIES, path, BLOCK_ENTRIES_OFFSET, "blockEntries", blockEntries,
        "expected " + BLOCK_ENTRIES);
    long from = header.getLong(FROM_OFFSET_OFFSET);
    long to = header.getLong(TO_OFFSET_OFFSET);
    ensure(from >= 0, path, FROM_OFFSET_OFFSET, "fromOffset", from, "must not be negative");
    ensure(to >= from, path, TO_OFFSET_OFFSET, "toOffset", to, "must not be below fromOffset " + from);
    int entryCount = header.getInt(ENTRY_COUNT_OFFSET);
    ensure(entryCount >= 0, path, ENTRY_COUNT_OFFSET, "entryCount", entryCount, "must not be negative");
    int distinct = header.getInt(DISTINCT_HASHES_OFFSET);
    ensure(distinct >= 0 && distinct <= entryCount, path, DISTINCT_HASHES_OFFSET, "distinctHashes", distinct,
        "must be within 0.." + entryCount);
    int irregularCount = header.getInt(IRREGULAR_COUNT_OFFSET);
    ensure(irregularCount >= 0 && irregularCount <= distinct, path, IRREGULAR_COUNT_OFFSET, "irregularCount",
        irregularCount, "must be within 0.." + distinct);
    int bloomWords = header.getInt(BLOOM_WORDS_OFFSET);
    ensure(bloomWords > 0 && bloomWords % BloomFilter.BLOCK_WORDS == 0, path, BLOOM_WORDS_OFFSET, "bloomWords",
        bloomWords, "must be a positive multiple of " + BloomFilter.BLOCK_WORDS);
    int probes = header.getInt(BLOOM_PROBES_OFFSET);
    ensure(probes >= 1 && probes <= BloomFilter.MAX_PROBES, path, BLOOM_PROBES_OFFSET, "bloomProbes", probes,
        "must be within 1.." + BloomFilter.MAX_PROBES);
    long entryBytes = header.getLong(ENTRY_BYTES_OFFSET);
    ensure(entryBytes >= (long) entryCount * EntryBlock.MIN_ENTRY_BYTES
        && entryBytes <= (long) entryCount * EntryBlock.MAX_ENTRY_BYTES, path, ENTRY_BYTES_OFFSET, "entryBytes",
        entryBytes, "must be within " + EntryBlock.MIN_ENTRY_BYTES + " and " + EntryBlock.MAX_ENTRY_BYTES
            + " bytes per entry for " + entryCount + " entries");
    long expectedSize = fileBytes(entryCount, entryBytes, irregularCount, bloomWords);
    if (size != expectedSize) {
      throw invalid(path, 0, "file size", size, "the header's counts give " + expectedSize + " bytes");
    }
    String expectedName = StreamIndex.chunkFileName(from);
    Path fileName = path.getFileName();
    if (fileName == null || !expectedName.equals(fileName.toString())) {
      throw invalid(path, FROM_OFFSET_OFFSET, "fromOffset", from, "the file name must be " + expectedName);
    }

    int blocks = blockCount(entryCount);
    long metaStart = HEADER_SIZE + entryBytes;
    long metaLength = metaBytes(blocks, irregularCount, bloomWords);
    if (metaLength > Integer.MAX_VALUE) {
      throw invalid(path, metaStart, "meta section", metaLength, "must be below 2 GiB");
    }
    ByteBuffer meta = ByteBuffer.allocate((int) metaLength);
    readFully(channel, meta, metaStart, path);
    meta.flip();
    crc.reset();
    crc.update(meta.array(), 0, meta.capacity());
    long storedMetaCrc = header.getInt(META_CRC_OFFSET) & UNSIGNED_INT_MASK;
    if (crc.getValue() != storedMetaCrc) {
      throw invalid(path, metaStart, "metaCrc", String.format("0x%08x", storedMetaCrc),
          String.format("computed 0x%08x", crc.getValue()));
    }
    long[] fenceHashes = new long[blocks];
    long[] fenceVersions = new long[blocks];
    for (int b = 0; b < blocks; b++) {
      fenceHashes[b] = meta.getLong();
      fenceVersions[b] = meta.getLong();
    }
    long[] blockPositions = new long[blocks + 1];
    blockPositions[0] = HEADER_SIZE;
    for (int b = 0; b < blocks; b++) {
      int length = meta.getInt();
      int entries = Math.min(BLOCK_ENTRIES, entryCount - b * BLOCK_ENTRIES);
      if (length < entries * EntryBlock.MIN_ENTRY_BYTES || length > entries * EntryBlock.MAX_ENTRY_BYTES) {
        throw invalid(path, metaStart, "length of block " + b, length, "must be within "
            + EntryBlock.MIN_ENTRY_BYTES + " and " + EntryBlock.MAX_ENTRY_BYTES + " bytes per entry for " + entries
            + " entries");
      }
      blockPositions[b + 1] = blockPositions[b] + length;
    }
    if (blockPositions[blocks] != metaStart) {
      throw invalid(path, metaStart, "block lengths", blockPositions[blocks] - HEADER_SIZE,
          "must add up to entryBytes " + entryBytes);
    }
    int[] blockCrcs = new int[blocks];
    for (int b = 0; b < blocks; b++) {
      blockCrcs[b] = meta.getInt();
    }
    long[] irregular = new long[irregularCount];
    for (int i = 0; i < irregularCount; i++) {
      irregular[i] = meta.getLong();
      if (i > 0 && irregular[i] <= irregular[i - 1]) {
        throw invalid(path, metaStart, "irregular hashes", irregular[i], "must be strictly ascending");
      }
    }
    long[] words = new long[bloomWords];
    meta.asLongBuffer().get(words);
    return new StreamChunkFile(path, channel, from, to, entryCount, distinct, fenceHashes, fenceVersions,
        blockPositions, blockCrcs, irregular, new BloomFilter(words, probes));
  }

  Path path() {
    return path;
  }

  long fromOffset() {
    return fromOffset;
  }

  long toOffset() {
    return toOffset;
  }

  int entryCount() {
    return entryCount;
  }

  int distinctHashes() {
    return distinctHashes;
  }

  int blockCount() {
    return blockCrcs.length;
  }

  /** Entries in block {@code block}. */
  int entriesInBlock(int block) {
    return Math.min(BLOCK_ENTRIES, entryCount - block * BLOCK_ENTRIES);
  }

  boolean mightContain(long hash) {
    return entryCount > 0 && bloom.mightContain(hash);
  }

  boolean isIrregular(long hash) {
    return Arrays.binarySearch(irregularHashes, hash) >= 0;
  }

  /** Heap bytes held for this file (meta arrays plus a fixed overhead). */
  long memoryBytes() {
    return bloom.memoryBytes() + (long) fenceHashes.length * (FENCE_SIZE + Long.BYTES + BLOCK_CRC_SIZE)
        + (long) irregularHashes.length * IRREGULAR_HASH_SIZE + OBJECT_OVERHEAD_BYTES;
  }

  /**
   * Reads block {@code block} into {@code scratch} (a heap buffer of {@link EntryBlock#MAX_BLOCK_BYTES} and
   * {@link EntryBlock#READ_SLACK_BYTES} more), checks its CRC and decodes it into {@code into}; a mismatch marks
   * the chunk corrupt and throws StorageException naming file, block and position.
   */
  void readBlock(int block, ByteBuffer scratch, CRC32C crc, EntryBlock into) {
    long position = blockPosition(block);
    try {
      readRange(position, blockLength(block), scratch);
    } catch (IOException e) {
      throw new StorageException("cannot read block " + block + " at position " + position + " of " + path + ": " + e,
          e);
    }
    decodeBlock(block, scratch, 0, crc, into);
  }

  /**
   * Checks the CRC of block {@code block}, whose bytes sit from {@code at} of the heap buffer {@code buffer}, with the
   * caller's reusable {@code crc}, and decodes it into {@code into}. A CRC mismatch marks the chunk corrupt.
   */
  void decodeBlock(int block, ByteBuffer buffer, int at, CRC32C crc, EntryBlock into) {
    int bytes = blockLength(block);
    crc.reset();
    crc.update(buffer.array(), buffer.arrayOffset() + at, bytes);
    long stored = blockCrcs[block] & UNSIGNED_INT_MASK;
    if (crc.getValue() != stored) {
      corrupt = true;
      throw new StorageException(String.format(
          "stream index chunk %s is corrupt: block %d at position %d has CRC 0x%08x, expected 0x%08x",
          path, block, blockPosition(block), crc.getValue(), stored));
    }
    try {
      into.decode(buffer.array(), buffer.arrayOffset() + at, bytes, entriesInBlock(block), path, block);
    } catch (StorageException e) {
      corrupt = true;
      throw e;
    }
  }

  /** Reads {@code bytes} of entries starting at {@code position} into {@code into} (flipped, no CRC check). */
  void readRange(long position, int bytes, ByteBuffer into) throws IOException {
    into.clear().limit(bytes);
    readFully(channel, into, position, path);
    into.flip();
  }

  /** File position of block {@code block}; of the meta section for {@code block == blockCount()}. */
  long blockPosition(int block) {
    return blockPositions[block];
  }

  /** Bytes of block {@code block}. */
  int blockLength(int block) {
    return (int) (blockPositions[block + 1] - blockPositions[block]);
  }

  /**
   * The last block whose fence key is below (or, with {@code inclusive}, at) (hash, version), or 0.
   * A key's entries start in this block or later.
   */
  int seekBlock(long hash, long version, boolean inclusive) {
    int low = 0;
    int high = fenceHashes.length - 1;
    int found = 0;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      int cmp = compareKey(fenceHashes[middle], fenceVersions[middle], hash, version);
      if (cmp < 0 || (inclusive && cmp == 0)) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /**
   * Appends to {@code out} the entries of {@code hash} whose versions meet
   * {@code [fromVersion, toVersionExclusive)}, in file order. A regular run (one dense version sequence)
   * starts at the block holding the entry that contains fromVersion and stops past the range;
   * an irregular run is read whole.
   */
  void find(long hash, long fromVersion, long toVersionExclusive, BlockReader reader, StreamEntryBuffer out) {
    if (entryCount == 0) {
      return;
    }
    boolean irregular = isIrregular(hash);
    int block = irregular ? seekBlock(hash, Long.MIN_VALUE, false) : seekBlock(hash, fromVersion, true);
    for (int b = block; b < blockCount(); b++) {
      EntryBlock entries = reader.load(this, b);
      for (int i = 0; i < entries.size(); i++) {
        long entryHash = entries.hash(i);
        if (entryHash != hash) {
          if (Long.compare(entryHash, hash) > 0) {
            return;
          }
          continue;
        }
        long first = entries.firstVersion(i);
        int eventCount = entries.eventCount(i);
        if (first < toVersionExclusive && first + eventCount > fromVersion) {
          out.add(hash, first, eventCount, entries.baseOffset(i), entries.position(i));
        } else if (!irregular && first >= toVersionExclusive) {
          return;
        }
      }
    }
  }

  /**
   * Appends to {@code out} the entries of {@code hash} from the highest (firstVersion, baseOffset) down
   * (each aggregate's entries newest first), after skipping {@code skip}, until {@code out} holds
   * {@code maxSize}. Returns how many were skipped.
   */
  int newestFirst(long hash, int skip, int maxSize, BlockReader reader, StreamEntryBuffer out) {
    if (entryCount == 0) {
      return 0;
    }
    int block = seekBlock(hash, Long.MAX_VALUE, true);
    EntryBlock entries = reader.load(this, block);
    int index = -1;
    for (int i = 0; i < entries.size(); i++) {
      long entryHash = entries.hash(i);
      if (Long.compare(entryHash, hash) > 0) {
        break;
      }
      if (entryHash == hash) {
        index = i;
      }
    }
    if (index < 0) {
      return 0;
    }
    int skipped = 0;
    int b = block;
    int i = index;
    while (out.size() < maxSize) {
      if (entries.hash(i) != hash) {
        break;
      }
      if (skipped < skip) {
        skipped++;
      } else {
        out.add(hash, entries.firstVersion(i), entries.eventCount(i), entries.baseOffset(i), entries.position(i));
      }
      i--;
      if (i < 0) {
        if (b == 0) {
          break;
        }
        b--;
        entries = reader.load(this, b);
        i = entries.size() - 1;
      }
    }
    return skipped;
  }

  /** Reads every block and checks its CRC and entry order; throws StorageException on the first problem. */
  void verifyAllBlocks() {
    EntryIterator iterator = new EntryIterator(this, VERIFY_READ_BYTES);
    long previousHash = Long.MIN_VALUE;
    long previousVersion = Long.MIN_VALUE;
    long previousOffset = Long.MIN_VALUE;
    long index = 0;
    while (iterator.next()) {
      long hash = iterator.hash();
      long version = iterator.firstVersion();
      long offset = iterator.baseOffset();
      if (index > 0 && compareKey(previousHash, previousVersion, hash, version) > 0
          || (index > 0 && previousHash == hash && previousVersion == version && previousOffset > offset)) {
        throw invalidEntry(index, hash + "/" + version, "entries must be sorted by (hash, firstVersion, baseOffset)");
      }
      if (offset < fromOffset || offset + iterator.eventCount() > toOffset) {
        throw invalidEntry(index, "offset " + offset + " count " + iterator.eventCount(),
            "must lie within [" + fromOffset + ", " + toOffset + ")");
      }
      previousHash = hash;
      previousVersion = version;
      previousOffset = offset;
      index++;
    }
  }

  private StorageException invalidEntry(long index, Object value, String rule) {
    int block = (int) (index / BLOCK_ENTRIES);
    return invalid(path, blockPosition(block), "entry " + index + " (block " + block + ")", value, rule);
  }

  static int compareKey(long hashA, long versionA, long hashB, long versionB) {
    int byHash = Long.compare(hashA, hashB);
    return byHash != 0 ? byHash : Long.compare(versionA, versionB);
  }

  void pin() {
    pins++;
  }

  /** Releases one pin; returns true if the file was retired meanwhile and should be closed now. */
  boolean unpin() {
    pins--;
    return pins == 0 && retired;
  }

  boolean isPinned() {
    return pins > 0;
  }

  /** Marks the file as no longer part of the index; closed once unpinned. */
  void retire() {
    retired = true;
  }

  boolean isCorrupt() {
    return corrupt;
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  @Override
  public String toString() {
    return path.getFileName() + "[" + fromOffset + ", " + toOffset + ") " + entryCount + " entries";
  }

  static void readFully(FileChannel channel, ByteBuffer into, long position, Path path) throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int read = channel.read(into, at);
      if (read < 0) {
        throw new StorageException("stream index chunk " + path + " ends at " + at + ", " + into.remaining()
            + " more bytes expected");
      }
      at += read;
    }
  }

  private static void ensure(boolean ok, Path path, long position, String field, Object value, String rule) {
    if (!ok) {
      throw invalid(path, position, field, value, rule);
    }
  }

  private static StorageException invalid(Path path, long position, String field, Object value, String rule) {
    return new StorageException("stream index chunk " + path + " at position " + position + ": " + field + " = " + value
        + ": " + rule);
  }

  static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // nothing left to do with a channel that fails to close
    }
  }

  /**
   * Sequential reader of every entry of a chunk in file order, reading whole blocks, up to {@code bufferBytes} (at
   * least one block) at a time, checking each block's CRC and decoding it when the iteration reaches it. For merges
   * and verification; one thread.
   */
  static final class EntryIterator {

    private final StreamChunkFile chunk;
    private final ByteBuffer buffer;
    private final CRC32C crc = new CRC32C();
    private final EntryBlock block = new EntryBlock();
    /** Bytes read at a time at most; the buffer has {@link EntryBlock#READ_SLACK_BYTES} more. */
    private final int readBytes;
    /** The next block to decode. */
    private int nextBlock;
    /** The block after the last one read into {@link #buffer}. */
    private int endOfRead;
    /** File position of the first byte in {@link #buffer}. */
    private long bufferPosition;
    private int entry = -1;

    EntryIterator(StreamChunkFile chunk, int bufferBytes) {
      this.chunk = chunk;
      this.readBytes = Math.max(bufferBytes, EntryBlock.MAX_BLOCK_BYTES);
      this.buffer = ByteBuffer.allocate(readBytes + EntryBlock.READ_SLACK_BYTES);
    }

    /** Moves to the next entry; false at the end. */
    boolean next() {
      entry++;
      if (entry < block.size()) {
        return true;
      }
      if (nextBlock >= chunk.blockCount()) {
        return false;
      }
      if (nextBlock == endOfRead) {
        readBlocksFrom(nextBlock);
      }
      chunk.decodeBlock(nextBlock, buffer, (int) (chunk.blockPosition(nextBlock) - bufferPosition), crc, block);
      nextBlock++;
      entry = 0;
      return true;
    }

    /** Reads as many whole blocks from {@code first} on as the buffer holds. */
    private void readBlocksFrom(int first) {
      int last = first + 1;
      while (last < chunk.blockCount()
          && chunk.blockPosition(last + 1) - chunk.blockPosition(first) <= readBytes) {
        last++;
      }
      bufferPosition = chunk.blockPosition(first);
      try {
        chunk.readRange(bufferPosition, (int) (chunk.blockPosition(last) - bufferPosition), buffer);
      } catch (IOException e) {
        throw new StorageException("cannot read blocks " + first + ".." + (last - 1) + " of " + chunk.path + ": " + e,
            e);
      }
      endOfRead = last;
    }

    long hash() {
      return block.hash(entry);
    }

    long firstVersion() {
      return block.firstVersion(entry);
    }

    long baseOffset() {
      return block.baseOffset(entry);
    }

    int eventCount() {
      return block.eventCount(entry);
    }

    int position() {
      return block.position(entry);
    }
  }
}
