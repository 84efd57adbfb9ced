package io.cairn.eventstore.internal.stream;

/**
 * A blocked Bloom filter over 64-bit stream hashes: every key sets {@code probes} bits inside one
 * 512-bit block (one cache line), so a query touches one block. The block is picked from the mixed
 * hash's high 32 bits, the bits inside it by double hashing of a second mix. Words are stored in
 * chunk files as big-endian longs, so this layout MUST NOT change without a new format version.
 * Not thread-safe while keys are added; read-only use from any thread after publication is safe.
 */
final class BloomFilter {

  static final int BLOCK_BITS = 512;
  static final int BLOCK_WORDS = BLOCK_BITS / Long.SIZE;
  static final int MAX_PROBES = 16;
  private static final int BIT_IN_BLOCK_MASK = BLOCK_BITS - 1;
  private static final int WORD_SHIFT = 6;
  private static final int BIT_IN_WORD_MASK = Long.SIZE - 1;
  private static final double LN_2 = Math.log(2);
  private static final long SECOND_MIX = 0x9E3779B97F4A7C15L;

  private final long[] words;
  private final int blocks;
  private final int probes;

  BloomFilter(long[] words, int probes) {
    if (words.length == 0 || words.length % BLOCK_WORDS != 0) {
      throw new IllegalArgumentException("bloom filter of " + words.length + " words, expected a positive multiple of "
          + BLOCK_WORDS);
    }
    if (probes < 1 || probes > MAX_PROBES) {
      throw new IllegalArgumentException("bloom filter with " + probes + " probes, expected 1.." + MAX_PROBES);
    }
    this.words = words;
    this.blocks = words.length / BLOCK_WORDS;
    this.probes = probes;
  }

  /** An empty filter sized for {@code keys} distinct keys at {@code bitsPerKey}. */
  static BloomFilter forKeys(long keys, int bitsPerKey) {
    return new BloomFilter(new long[wordsFor(keys, bitsPerKey)], probesFor(bitsPerKey));
  }

  /** Words for {@code keys} keys: whole blocks, at least one. */
  static int wordsFor(long keys, int bitsPerKey) {
    long bits = Math.max(1, keys) * bitsPerKey;
    long blockCount = (bits + BLOCK_BITS - 1) / BLOCK_BITS;
    long words = blockCount * BLOCK_WORDS;
    if (words > Integer.MAX_VALUE - BLOCK_WORDS) {
      throw new IllegalArgumentException("bloom filter for " + keys + " keys at " + bitsPerKey + " bits is too large");
    }
    return (int) words;
  }

  /** The probe count that minimises false positives: bitsPerKey * ln 2, within 1..16. */
  static int probesFor(int bitsPerKey) {
    return (int) Math.max(1, Math.min(MAX_PROBES, Math.round(bitsPerKey * LN_2)));
  }

  void add(long hash) {
    long mixed = mix(hash);
    int blockStart = blockOf(mixed) * BLOCK_WORDS;
    long second = mixed * SECOND_MIX;
    int bit = (int) second;
    int step = (int) (second >>> Integer.SIZE) | 1;
    for (int i = 0; i < probes; i++) {
      int inBlock = bit & BIT_IN_BLOCK_MASK;
      words[blockStart + (inBlock >>> WORD_SHIFT)] |= 1L << (inBlock & BIT_IN_WORD_MASK);
      bit += step;
    }
  }

  boolean mightContain(long hash) {
    long mixed = mix(hash);
    int blockStart = blockOf(mixed) * BLOCK_WORDS;
    long second = mixed * SECOND_MIX;
    int bit = (int) second;
    int step = (int) (second >>> Integer.SIZE) | 1;
    for (int i = 0; i < probes; i++) {
      int inBlock = bit & BIT_IN_BLOCK_MASK;
      if ((words[blockStart + (inBlock >>> WORD_SHIFT)] & (1L << (inBlock & BIT_IN_WORD_MASK))) == 0) {
        return false;
      }
      bit += step;
    }
    return true;
  }

  long[] words() {
    return words;
  }

  int probes() {
    return probes;
  }

  long memoryBytes() {
    return (long) words.length * Long.BYTES;
  }

  private int blockOf(long mixed) {
    return (int) (((mixed >>> Integer.SIZE) * blocks) >>> Integer.SIZE);
  }

  /** MurmurHash3's 64-bit finaliser: spreads test hashes such as 1, 2, 3 over all blocks. */
  private static long mix(long hash) {
    long h = hash;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }
}
