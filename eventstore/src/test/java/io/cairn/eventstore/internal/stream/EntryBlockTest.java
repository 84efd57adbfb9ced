package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.StorageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryBlockTest {

  private static final Path FILE = Path.of("00000000000000000000.streams");

  private final EntryBlockEncoder encoder = new EntryBlockEncoder();
  private final EntryBlock block = new EntryBlock();
  private final byte[] bytes = new byte[EntryBlock.MAX_BLOCK_BYTES + EntryBlock.READ_SLACK_BYTES];

  /** Encodes {@code entries} as one block; returns its length. */
  private int encode(List<StreamIndexEntry> entries) {
    encoder.startBlock();
    int at = 0;
    for (StreamIndexEntry e : entries) {
      at = encoder.encode(bytes, at, e.hash(), e.firstVersion(), e.baseOffset(), e.eventCount(), e.position());
    }
    return at;
  }

  private List<StreamIndexEntry> decoded() {
    List<StreamIndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < block.size(); i++) {
      entries.add(new StreamIndexEntry(block.hash(i), block.firstVersion(i), block.eventCount(i),
          block.baseOffset(i), block.position(i)));
    }
    return entries;
  }

  @Test
  void everyEntryComesBackAsItWentInDownToTheExtremesOfEachField() {
    // given runs in chunk order: the lowest and highest hashes, a regular run, an irregular one (two aggregates
    // sharing a hash, their offsets and positions going back and forth), and each field at its largest
    List<StreamIndexEntry> entries = List.of(
        new StreamIndexEntry(Long.MIN_VALUE, 1, 1, 0, 0),
        new StreamIndexEntry(Long.MIN_VALUE, 2, 3, 10, 4_096),
        new StreamIndexEntry(-1, 1, 1, Long.MAX_VALUE - 1, Integer.MAX_VALUE),
        new StreamIndexEntry(0, 1, 2, 5, 0),
        new StreamIndexEntry(0, 1, 1, 9, 100),
        new StreamIndexEntry(0, 2, 1, 7, 50),
        new StreamIndexEntry(0, 3, Integer.MAX_VALUE, 3, Integer.MAX_VALUE),
        new StreamIndexEntry(42, Long.MAX_VALUE - Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 0),
        new StreamIndexEntry(Long.MAX_VALUE, Long.MAX_VALUE - 1, 1, Long.MAX_VALUE - 1, 0));

    // when
    int length = encode(entries);
    block.decode(bytes, 0, length, entries.size(), FILE, 0);

    // then
    assertThat(decoded()).containsExactlyElementsOf(entries);
    assertThat(length).isLessThanOrEqualTo(entries.size() * EntryBlock.MAX_ENTRY_BYTES);
  }

  @Test
  void aFullBlockOfRandomEntriesRoundTripsAtAnOffsetInTheBuffer() {
    // given 128 entries of random hashes and values, sorted as a chunk sorts them
    Random random = new Random(7);
    List<StreamIndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < StreamChunkFile.BLOCK_ENTRIES; i++) {
      int count = 1 + random.nextInt(1_000);
      entries.add(new StreamIndexEntry(random.nextLong(), 1 + (random.nextLong() >>> 2), count,
          random.nextLong() >>> 2, random.nextInt(Integer.MAX_VALUE)));
    }
    entries.sort((a, b) -> StreamChunkFile.compareKey(a.hash(), a.firstVersion(), b.hash(), b.firstVersion()));
    int length = encode(entries);
    byte[] shifted = new byte[7 + length + EntryBlock.READ_SLACK_BYTES];
    System.arraycopy(bytes, 0, shifted, 7, length);

    // when
    block.decode(shifted, 7, length, entries.size(), FILE, 3);

    // then
    assertThat(decoded()).containsExactlyElementsOf(entries);
  }

  @Test
  void anAggregatesNextRunTakesThreeBytesPlusItsOffsetAndPositionSteps() {
    // given one aggregate's runs of one event each, 10 000 offsets and 1.2 MB apart (the network benchmark's
    // 10 000 aggregates and 100-byte records), after a first run
    long hash = StreamHash.hash64("account-17");
    List<StreamIndexEntry> entries = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      entries.add(new StreamIndexEntry(hash, 1 + i, 1, 5 + 10_000L * i, 3 + 1_200_000 * i));
    }
    int first = encode(entries.subList(0, 1));

    // when
    int all = encode(entries);

    // then a tag of 2 bytes, no hash or version bytes, 1 byte of count, the offset step in 2, the position step in 3
    assertThat((all - first) / 10.0).as("bytes per further run").isEqualTo(8.0);
  }

  @Test
  void anEntryRunningPastTheEndOfTheBlockIsCorrupt() {
    // given
    int length = encode(List.of(new StreamIndexEntry(5, 1, 1, 300, 70_000)));

    // when / then
    assertThatThrownBy(() -> block.decode(bytes, 0, length - 1, 1, FILE, 9))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("block 9, entry 0: tag")
        .hasMessageContaining("its " + length + " bytes run past the end of the block");
  }

  @Test
  void bytesLeftAfterTheEntriesAreCorrupt() {
    // given
    int length = encode(List.of(new StreamIndexEntry(5, 1, 1, 300, 70_000), new StreamIndexEntry(6, 1, 1, 2, 0)));

    // when / then the block claims one entry less than it holds
    assertThatThrownBy(() -> block.decode(bytes, 0, length, 1, FILE, 0))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("block length = " + length)
        .hasMessageContaining("bytes are left after its 1 entries");
  }

  @Test
  void aTagWithItsUnusedBitSetIsCorrupt() {
    // given an entry of one event, but bit 15 of its tag set
    byte[] entry = {0x40, (byte) 0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0};

    // when / then
    assertThatThrownBy(() -> block.decode(entry, 0, 3, 1, FILE, 0))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("entry 0: tag = 0x8040: bit 15 must be 0");
  }

  @Test
  void aBlockWithoutRoomToReadPastItsEndIsRefused() {
    // given
    int length = encode(List.of(new StreamIndexEntry(5, 1, 1, 300, 70_000)));
    byte[] tight = Arrays.copyOf(bytes, length);

    // when / then
    assertThatThrownBy(() -> block.decode(tight, 0, length, 1, FILE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(EntryBlock.READ_SLACK_BYTES + " bytes of room");
  }

  @Test
  void aFieldOutsideItsRangeIsCorruptAndNamed() {
    // given, encoded by hand: an entry whose fields are all 0 bytes wide (so no events), and one of version 1 and
    // one event whose position steps back from 0 to -1 (zigzag 1)
    byte[] noEvents = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    byte[] negativePosition = {0x48, 0x10, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};

    // when / then
    assertThatThrownBy(() -> block.decode(noEvents, 0, 2, 1, FILE, 2))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("block 2, entry 0: eventCount = 0: must be within 1..");
    assertThatThrownBy(() -> block.decode(negativePosition, 0, 5, 1, FILE, 2))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("block 2, entry 0: position = -1: must be within 0..");
  }
}
