package io.cairn.eventstore.internal.producer;

import io.cairn.eventstore.OutOfOrderSequenceException;
import io.cairn.eventstore.ProducerFencedException;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StorageException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Idempotent-producer state of one partition: per producer id its epoch and its last
 * {@value ProducerInfo#MAX_REMEMBERED_BATCHES} batches, so a retried batch is answered with the original
 * offsets and versions instead of being stored twice (Kafka's ProducerStateManager).
 *
 * <p>Sequence rules: a batch whose sequences equal a remembered batch is a duplicate; otherwise its first
 * sequence must follow the last one (wrapping at {@code Integer.MAX_VALUE}); a newer epoch resets the
 * producer and must start at 0; an older epoch is fenced. A producer the partition does not know may start
 * anywhere (its state may have been lost with deleted segments).
 *
 * <p>Snapshot format (big-endian): {@code magic int32 | version int16 | coveredOffset int64 | producers int32 |
 * per producer: producerId int64, epoch int16, batches int32, per batch: firstSequence int32, lastSequence int32,
 * firstOffset int64, lastOffset int64, firstVersion int64, newVersion int64 | crc32c int32 over everything before}.
 *
 * <p>Owner-thread only; not thread-safe.
 */
public final class ProducerStateManager {

  static final int SNAPSHOT_MAGIC = 0x43505331; // "CPS1"
  static final short SNAPSHOT_VERSION = 1;
  static final int SNAPSHOT_HEADER_BYTES = Integer.BYTES + Short.BYTES + Long.BYTES + Integer.BYTES;
  static final int PRODUCER_HEADER_BYTES = Long.BYTES + Short.BYTES + Integer.BYTES;
  static final int BATCH_BYTES = 2 * Integer.BYTES + 4 * Long.BYTES;
  static final int CRC_BYTES = Integer.BYTES;

  /**
   * A batch remembered for duplicate detection.
   *
   * @param firstSequence sequence of its first event
   * @param lastSequence  sequence of its last event
   * @param firstOffset   offset of its first event
   * @param lastOffset    offset of its last event
   * @param firstVersion  stream version of its first event
   * @param newVersion    stream version of its last event
   */
  public record BatchMetadata(int firstSequence, int lastSequence, long firstOffset, long lastOffset,
                              long firstVersion, long newVersion) {
  }

  private static final class ProducerEntry {
    short epoch;
    final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(ProducerInfo.MAX_REMEMBERED_BATCHES);

    ProducerEntry(short epoch) {
      this.epoch = epoch;
    }
  }

  private final Map<Long, ProducerEntry> producers = new HashMap<>();

  /**
   * Checks a batch of {@code eventCount} events from {@code producer} before it is stored. Returns the
   * original batch if this is a retry, empty if it is new and in order; throws
   * {@link ProducerFencedException} or {@link OutOfOrderSequenceException} otherwise.
   */
  public Optional<BatchMetadata> checkSequence(ProducerInfo producer, int eventCount) {
    ProducerEntry entry = producers.get(producer.producerId());
    if (entry == null) {
      return Optional.empty();
    }
    if (producer.producerEpoch() < entry.epoch) {
      throw new ProducerFencedException(producer.producerId(), producer.producerEpoch(), entry.epoch);
    }
    int firstSequence = producer.baseSequence();
    int lastSequence = lastSequence(firstSequence, eventCount);
    if (producer.producerEpoch() > entry.epoch) {
      if (firstSequence != 0) {
        throw new OutOfOrderSequenceException(producer.producerId(), 0, firstSequence);
      }
      return Optional.empty();
    }
    for (BatchMetadata batch : entry.batches) {
      if (batch.firstSequence() == firstSequence && batch.lastSequence() == lastSequence) {
        return Optional.of(batch);
      }
    }
    BatchMetadata last = entry.batches.peekLast();
    if (last != null) {
      int expected = nextSequence(last.lastSequence());
      if (firstSequence != expected) {
        throw new OutOfOrderSequenceException(producer.producerId(), expected, firstSequence);
      }
    }
    return Optional.empty();
  }

  /** Remembers a stored batch; the oldest of more than five is forgotten. */
  public void record(long producerId, short epoch, int firstSequence, int eventCount, long firstOffset,
                     long lastOffset, long firstVersion, long newVersion) {
    ProducerEntry entry = producers.get(producerId);
    if (entry == null) {
      entry = new ProducerEntry(epoch);
      producers.put(producerId, entry);
    } else if (epoch > entry.epoch) {
      entry.epoch = epoch;
      entry.batches.clear();
    }
    if (entry.batches.size() == ProducerInfo.MAX_REMEMBERED_BATCHES) {
      entry.batches.removeFirst();
    }
    entry.batches.addLast(new BatchMetadata(firstSequence, lastSequence(firstSequence, eventCount),
        firstOffset, lastOffset, firstVersion, newVersion));
  }

  /** Forgets batches at or after {@code offset} (the log was truncated there). */
  public void truncateFrom(long offset) {
    Iterator<ProducerEntry> entries = producers.values().iterator();
    while (entries.hasNext()) {
      ProducerEntry entry = entries.next();
      entry.batches.removeIf(batch -> batch.lastOffset() >= offset);
      if (entry.batches.isEmpty()) {
        entries.remove();
      }
    }
  }

  /** Forgets every producer. */
  public void clear() {
    producers.clear();
  }

  /** Number of producers known. */
  public int producerCount() {
    return producers.size();
  }

  /** Serializes the state, stating that it covers every batch below {@code coveredOffset}. */
  public byte[] snapshot(long coveredOffset) {
    int size = SNAPSHOT_HEADER_BYTES + CRC_BYTES;
    for (ProducerEntry entry : producers.values()) {
      size += PRODUCER_HEADER_BYTES + entry.batches.size() * BATCH_BYTES;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.putInt(SNAPSHOT_MAGIC).putShort(SNAPSHOT_VERSION).putLong(coveredOffset).putInt(producers.size());
    producers.forEach((producerId, entry) -> {
      buffer.putLong(producerId).putShort(entry.epoch).putInt(entry.batches.size());
      for (BatchMetadata batch : entry.batches) {
        buffer.putInt(batch.firstSequence()).putInt(batch.lastSequence()).putLong(batch.firstOffset())
            .putLong(batch.lastOffset()).putLong(batch.firstVersion()).putLong(batch.newVersion());
      }
    });
    CRC32C crc = new CRC32C();
    crc.update(buffer.array(), 0, buffer.position());
    buffer.putInt((int) crc.getValue());
    return buffer.array();
  }

  /**
   * Restores a snapshot written by {@link #snapshot}; returns the offset it covers. Throws
   * {@link StorageException} naming {@code source} if the bytes do not verify.
   */
  public long restore(byte[] snapshot, String source) {
    ByteBuffer buffer = ByteBuffer.wrap(snapshot);
    if (snapshot.length < SNAPSHOT_HEADER_BYTES + CRC_BYTES) {
      throw new StorageException("producer-state snapshot " + source + " has " + snapshot.length + " bytes, too short");
    }
    CRC32C crc = new CRC32C();
    crc.update(snapshot, 0, snapshot.length - CRC_BYTES);
    int storedCrc = buffer.getInt(snapshot.length - CRC_BYTES);
    if ((int) crc.getValue() != storedCrc) {
      throw new StorageException(String.format("producer-state snapshot %s has CRC 0x%08x, computed 0x%08x",
          source, storedCrc, (int) crc.getValue()));
    }
    int magic = buffer.getInt();
    short version = buffer.getShort();
    if (magic != SNAPSHOT_MAGIC || version != SNAPSHOT_VERSION) {
      throw new StorageException("producer-state snapshot " + source + " has magic/version " + magic + "/" + version);
    }
    long coveredOffset = buffer.getLong();
    int count = buffer.getInt();
    producers.clear();
    for (int i = 0; i < count; i++) {
      long producerId = buffer.getLong();
      ProducerEntry entry = new ProducerEntry(buffer.getShort());
      int batches = buffer.getInt();
      for (int b = 0; b < batches; b++) {
        entry.batches.addLast(new BatchMetadata(buffer.getInt(), buffer.getInt(), buffer.getLong(), buffer.getLong(),
            buffer.getLong(), buffer.getLong()));
      }
      producers.put(producerId, entry);
    }
    return coveredOffset;
  }

  private static int lastSequence(int firstSequence, int eventCount) {
    long last = (long) firstSequence + eventCount - 1;
    return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
  }

  private static int nextSequence(int sequence) {
    return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
  }
}
