package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.Partitioner;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.internal.AppendValidator;
import io.cairn.eventstore.internal.record.BatchHeader;
import io.cairn.eventstore.internal.record.EventHeaders;
import io.cairn.eventstore.internal.record.RecordBatchBuilder;
import io.cairn.eventstore.internal.record.RecordBatchReader;
import io.cairn.eventstore.internal.stream.StreamHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Checks a produced record batch and re-encodes it for the log on the partition owner (ADR 0007), in
 * one pass over its records (after a light one that only hashes the keys, see {@link #encode}): each record's
 * {@code cairn.e} header gets the version = its aggregate's current version + 1 (several records of one
 * aggregate in the batch get consecutive versions) and moves first, its event id, type, user headers, key,
 * value and timestamp unchanged; the batch keeps the producer fields and the record order and gets the topic's
 * compression. Alongside it collects the batch's {@link StreamRuns} and {@link PendingVersions} for the
 * caller to apply once the batch is in the log.
 *
 * <p>Use: {@link #open} (header, CRC, producer fields), then {@link #encode}. Every rule broken fails
 * with {@link InvalidInputException} naming the field ({@code recordBatch.crc},
 * {@code records[2].key}, {@code records[2].headers.cairn.e}, ...) before anything is stored; the
 * checks of aggregate ids, type names, header names and tombstones are {@link AppendValidator}'s.
 *
 * <p>It allocates nothing per record: aggregates are looked up by their id bytes and stream hash (no id
 * string is decoded), and key, value and headers are copied from the produced batch into the builder
 * directly.
 *
 * <p>Not thread-safe: the partition owner only, batch after batch.
 */
final class ProducedBatchEncoder implements AutoCloseable {

  /** The current version of an aggregate: from the owner's version cache or its stream index. */
  interface VersionLookup {
    /** The version of the aggregate whose UTF-8 id is {@code key[0, keyLength)} and whose stream hash is {@code hash}. */
    long currentVersion(long hash, byte[] key, int keyLength);

    /** A hint that the aggregates with stream hashes {@code hashes[0, count)} are about to be looked up. */
    void prefetch(long[] hashes, int count);
  }

  private static final int INITIAL_KEY_BYTES = 64;
  private static final int NO_HEADER = -1;

  private final RecordBatchBuilder builder;
  private final RecordBatchReader reader = new RecordBatchReader();
  private final RecordBatchReader keyReader = new RecordBatchReader();
  private long[] hashes = new long[64];
  private ByteBuffer openedBatch;
  private int openedAt;
  private final CRC32C crc = new CRC32C();
  private final PendingVersions pending = new PendingVersions();
  private final StreamRuns runs = new StreamRuns();
  private byte[] key = new byte[INITIAL_KEY_BYTES];
  private byte[] previousKey = new byte[INITIAL_KEY_BYTES];
  private int previousKeyLength;
  private ProducerInfo producer;
  private int recordsCount;
  /** Index of the current record's {@code cairn.e} header. */
  private int eventHeader;
  private boolean opened;

  /** @param builder the owner's batch builder, shared with the append path */
  ProducedBatchEncoder(RecordBatchBuilder builder) {
    this.builder = builder;
  }

  /**
   * Checks the batch header of {@code recordBatch} (its bytes from position to limit; the buffer is not
   * changed and MUST NOT change until {@link #encode} returned): size, magic, length, CRC-32C, no
   * control or transactional batch, 1 to {@value AppendValidator#MAX_EVENTS_PER_APPEND} records,
   * producer fields.
   */
  void open(ByteBuffer recordBatch) {
    opened = false;
    int at = recordBatch.position();
    int size = recordBatch.remaining();
    if (size < BatchHeader.HEADER_SIZE) {
      throw new InvalidInputException("recordBatch", size + " bytes", "must be one whole record batch v2 of at least "
          + BatchHeader.HEADER_SIZE + " bytes");
    }
    byte magic = BatchHeader.magic(recordBatch, at);
    if (magic != BatchHeader.MAGIC_V2) {
      throw new InvalidInputException("recordBatch.magic", magic,
          "must be " + BatchHeader.MAGIC_V2 + " (record batch v2)");
    }
    int length = BatchHeader.batchLength(recordBatch, at);
    if (BatchHeader.LOG_OVERHEAD + (long) length != size) {
      throw new InvalidInputException("recordBatch.batchLength", length, "must make the batch exactly the " + size
          + " bytes given (" + BatchHeader.LOG_OVERHEAD + " + batchLength)");
    }
    ByteBuffer covered = recordBatch.duplicate();
    covered.limit(at + size).position(at + BatchHeader.ATTRIBUTES_OFFSET);
    crc.reset();
    crc.update(covered);
    long stored = BatchHeader.storedCrc(recordBatch, at);
    if (stored != crc.getValue()) {
      throw new InvalidInputException("recordBatch.crc", String.format("0x%08x", stored),
          String.format("does not match the CRC-32C 0x%08x of the batch: it was damaged on the way", crc.getValue()));
    }
    try {
      reader.reset(recordBatch, at, false, "the produced batch", 0);
    } catch (StorageException e) {
      throw new InvalidInputException("recordBatch", size + " bytes", e.getMessage());
    }
    if (reader.isControlBatch() || reader.isTransactional()) {
      throw new InvalidInputException("recordBatch.attributes", reader.attributes(),
          "control and transactional batches cannot be produced");
    }
    recordsCount = reader.recordsCount();
    AppendValidator.ensureEventCount("recordBatch.recordsCount", recordsCount);
    openedBatch = recordBatch;
    openedAt = at;
    producer = producerOf(reader);
    opened = true;
  }

  private static ProducerInfo producerOf(RecordBatchReader reader) {
    long producerId = reader.producerId();
    if (producerId < BatchHeader.NO_PRODUCER_ID) {
      throw new InvalidInputException("recordBatch.producerId", producerId, "must be -1 (none) or at least 0");
    }
    if (producerId == BatchHeader.NO_PRODUCER_ID) {
      return ProducerInfo.NONE;
    }
    if (reader.producerEpoch() < 0) {
      throw new InvalidInputException("recordBatch.producerEpoch", reader.producerEpoch(),
          "must be at least 0 with producer id " + producerId);
    }
    if (reader.baseSequence() < 0) {
      throw new InvalidInputException("recordBatch.baseSequence", reader.baseSequence(),
          "must be at least 0 with producer id " + producerId);
    }
    return new ProducerInfo(producerId, reader.producerEpoch(), reader.baseSequence());
  }

  /** The producer fields of the opened batch ({@link ProducerInfo#NONE} without a producer id). */
  ProducerInfo producer() {
    return producer;
  }

  /** Records in the opened batch. */
  int recordsCount() {
    return recordsCount;
  }

  /**
   * Re-encodes the opened batch to start at {@code baseOffset}, checking every record: dense offset
   * deltas, a UTF-8 aggregate id as key that maps to {@code partition}, one {@code cairn.e} header (version
   * 0, event id, type), no other reserved header, user header names, a value unless
   * the topic is compacted. Versions come from {@code versions} for an aggregate's first record in the
   * batch; {@link #runs()} and {@link #pending()} describe the result afterwards.
   *
   * @return the batch to append: a view of the builder, valid until its next reset
   */
  ByteBuffer encode(long baseOffset, int partitionLeaderEpoch, TopicConfig config, int partition,
                    VersionLookup versions) {
    if (!opened) {
      throw new IllegalStateException("open a batch first");
    }
    opened = false;
    pending.clear();
    runs.clear();
    builder.reset(baseOffset, partitionLeaderEpoch, config.compressionType(), producer.producerId(),
        producer.producerEpoch(), producer.baseSequence(), reader.baseTimestamp());
    int hashed = hashKeys();
    versions.prefetch(hashes, hashed);
    int slot = PendingVersions.ABSENT;
    for (int index = 0; nextRecord(index); index++) {
      if (reader.offsetDelta() != index) {
        throw new InvalidInputException("records[" + index + "].offsetDelta", reader.offsetDelta(),
            "must be " + index + ": the records of a produced batch have offset deltas 0, 1, 2, ...");
      }
      int keyLength = ensureKey(index);
      boolean sameAggregate = slot != PendingVersions.ABSENT && keyLength == previousKeyLength
          && Arrays.equals(key, 0, keyLength, previousKey, 0, keyLength);
      if (!sameAggregate) {
        ensurePartition(index, keyLength, partition, config.partitions());
      }
      if (reader.valueLength() < 0) {
        AppendValidator.ensureTombstoneAllowed("records[" + index + "].value", config);
      }
      findEventHeader(index);
      long offset = baseOffset + index;
      long hash = 0;
      if (!sameAggregate) {
        hash = index < hashed ? hashes[index] : StreamHash.hash64(key, 0, keyLength, StreamHash.SEED);
        slot = pending.find(hash, key, keyLength);
        if (slot == PendingVersions.ABSENT) {
          slot = pending.add(hash, key, keyLength, versions.currentVersion(hash, key, keyLength));
        }
      }
      long version = pending.next(slot, offset);
      if (sameAggregate) {
        runs.extendLast();
      } else {
        runs.start(hash, version, offset);
        swapKeys(keyLength);
      }
      writeRecord(version);
    }
    try {
      reader.ensureValid();
    } catch (StorageException e) {
      throw new InvalidInputException("recordBatch", recordsCount + " records", e.getMessage());
    }
    if (reader.lastOffsetDelta() != recordsCount - 1) {
      throw new InvalidInputException("recordBatch.lastOffsetDelta", reader.lastOffsetDelta(),
          "must be " + (recordsCount - 1) + " for " + recordsCount + " records with offset deltas 0.."
              + (recordsCount - 1));
    }
    return builder.build();
  }

  /**
   * Hashes the keys of the opened batch into {@link #hashes}, in a pass of their own, and returns how many
   * from the first were hashed. The encoding pass reuses them; {@link VersionLookup#prefetch} gets them first,
   * so that the version lookups of the encoding pass find their memory in the CPU cache. A record that cannot
   * be read ends this pass quietly: the encoding pass reports it. A compressed batch is not hashed ahead
   * (returns 0): a second decompression would cost more than the lookups' cache misses.
   */
  private int hashKeys() {
    if (reader.compression() != CompressionType.NONE) {
      return 0;
    }
    if (hashes.length < recordsCount) {
      hashes = new long[Math.max(recordsCount, 2 * hashes.length)];
    }
    int count = 0;
    try {
      keyReader.reset(openedBatch, openedAt, false, "the produced batch", 0);
      while (keyReader.next()) {
        int keyLength = keyReader.keyLength();
        if (!AppendValidator.isAggregateIdLength(keyLength)) {
          break;
        }
        if (keyLength > key.length) {
          key = new byte[Math.max(keyLength, 2 * key.length)];
        }
        keyReader.copyKey(key, 0);
        hashes[count++] = StreamHash.hash64(key, 0, keyLength, StreamHash.SEED);
      }
    } catch (StorageException e) {
      // the encoding pass reports it
    }
    return count;
  }

  /**
   * Finds {@code cairn.e} among the current record's headers (into {@link #eventHeader}) and checks it and the
   * other header names.
   */
  private void findEventHeader(int index) {
    eventHeader = NO_HEADER;
    int headers = reader.headerCount();
    for (int h = 0; h < headers; h++) {
      if (EventHeaders.isEventHeader(reader, h) && eventHeader == NO_HEADER) {
        eventHeader = h;
      } else if (reader.headerKeyLength(h) == 0 || EventHeaders.isReservedHeader(reader, h)) {
        throw new InvalidInputException("records[" + index + "].headers[" + h + "].key", reader.headerKey(h),
            AppendValidator.HEADER_NAME_RULE + " (a produced record carries " + EventHeaders.EVENT_KEY + " once)");
      }
    }
    ensureEventHeader(index, eventHeader);
  }

  /**
   * Writes the current record with its {@code cairn.e} first, holding {@code version}: in one copy when the record
   * has it first already (as Cairn's client and {@code EventBatches} write it) and its batch uses create times, else
   * field by field.
   */
  private void writeRecord(long version) {
    if (eventHeader == 0 && !reader.isLogAppendTime()) {
      EventHeaders.addRecordWithVersion(builder, reader, version);
      return;
    }
    int headers = reader.headerCount();
    builder.startRecordFrom(reader, reader.timestampMs(), headers);
    EventHeaders.addEventHeaderWithVersion(builder, reader, eventHeader, version);
    for (int h = 0; h < headers; h++) {
      if (h != eventHeader) {
        builder.addHeaderFrom(reader, h);
      }
    }
    builder.endRecord();
  }

  private boolean nextRecord(int index) {
    try {
      return reader.next();
    } catch (StorageException e) {
      throw new InvalidInputException("records[" + index + "]", "undecodable", e.getMessage());
    }
  }

  /**
   * Checks the key (an aggregate id, UTF-8) and copies it into {@link #key}; returns its length. Field
   * names are built only on a failure: this runs for every record.
   */
  private int ensureKey(int index) {
    int keyLength = reader.keyLength();
    if (keyLength < 0) {
      throw new InvalidInputException(keyField(index), null, "must be the aggregate id; a produced record needs a key");
    }
    if (!AppendValidator.isAggregateIdLength(keyLength)) {
      AppendValidator.ensureAggregateIdLength(keyField(index), keyLength, () -> reader.keyAsString().orElse(null));
    }
    if (!reader.keyIsUtf8()) {
      throw new InvalidInputException(keyField(index), keyLength + " bytes",
          "must be the aggregate id in well-formed UTF-8");
    }
    if (keyLength > key.length) {
      key = new byte[Math.max(keyLength, 2 * key.length)];
    }
    reader.copyKey(key, 0);
    return keyLength;
  }

  private static String keyField(int index) {
    return "records[" + index + "].key";
  }

  private void ensurePartition(int index, int keyLength, int partition, int partitions) {
    int owner = Partitioner.partitionFor(key, 0, keyLength, partitions);
    if (owner != partition) {
      throw new InvalidInputException(keyField(index), new String(key, 0, keyLength, StandardCharsets.UTF_8),
          "maps to partition " + owner + " of " + partitions + " (Kafka's default partitioner), not to partition "
              + partition + " the batch was produced to");
    }
  }

  /**
   * Checks the {@code cairn.e} header: present, version {@value EventHeaders#UNASSIGNED_VERSION}, a 16-byte
   * event id and a type of {@link AppendValidator}'s length in well-formed UTF-8.
   */
  private void ensureEventHeader(int index, int header) {
    if (header == NO_HEADER) {
      throw new InvalidInputException(eventHeaderField(index), null,
          "is missing: every produced record carries its event id and type in it");
    }
    int typeLength = reader.headerValueLength(header) - EventHeaders.EVENT_VALUE_TYPE_OFFSET;
    if (typeLength < 0) {
      throw new InvalidInputException(eventHeaderField(index), reader.headerValueLength(header) + " bytes",
          "must hold the version (8 bytes), the event id (16 bytes) and the type");
    }
    if (EventHeaders.versionAt(reader, header) != EventHeaders.UNASSIGNED_VERSION) {
      throw new InvalidInputException(eventHeaderField(index) + ".version", EventHeaders.versionAt(reader, header),
          "must be " + EventHeaders.UNASSIGNED_VERSION + ": the store assigns the stream version");
    }
    if (!AppendValidator.isTypeLength(typeLength)) {
      AppendValidator.ensureTypeLength(eventHeaderField(index) + ".type", typeLength,
          () -> reader.headerValueAsString(header, EventHeaders.EVENT_VALUE_TYPE_OFFSET));
    }
    if (!reader.headerValueIsUtf8(header, EventHeaders.EVENT_VALUE_TYPE_OFFSET)) {
      throw new InvalidInputException(eventHeaderField(index) + ".type", typeLength + " bytes",
          AppendValidator.TYPE_RULE + " (well-formed UTF-8)");
    }
  }

  private static String eventHeaderField(int index) {
    return "records[" + index + "].headers." + EventHeaders.EVENT_KEY;
  }

  /** Keeps the key just used as the previous one (for the next record's same-aggregate check). */
  private void swapKeys(int keyLength) {
    byte[] previous = previousKey;
    previousKey = key;
    previousKeyLength = keyLength;
    key = previous;
  }

  /** The runs of the batch last encoded, offsets absolute. */
  StreamRuns runs() {
    return runs;
  }

  /** The aggregates of the batch last encoded, with their new versions and last offsets. */
  PendingVersions pending() {
    return pending;
  }

  /** Frees the reader's decompression contexts (the builder belongs to the caller). */
  @Override
  public void close() {
    reader.close();
  }
}
