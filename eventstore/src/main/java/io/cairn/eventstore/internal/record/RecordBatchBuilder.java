package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Builds one Kafka record batch v2 (see {@link BatchHeader} for the header layout) at a time,
 * reusing its arrays, CRC and compression contexts from batch to batch: after warm-up, building
 * a batch allocates nothing but the {@link ByteBuffer} view in some cases.
 *
 * <p>Each record is written as
 * <pre>
 * length varint | attributes int8 (0) | timestampDelta varlong | offsetDelta varint |
 * keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
 * headersCount varint | per header: keyLength varint, key (UTF-8), valueLength varint (-1 = null), value
 * </pre>
 * with {@code timestampDelta = timestamp - baseTimestamp} and dense offset deltas 0, 1, 2, ...
 * The records section is compressed as one block when a codec is set.
 *
 * <p>Use: {@link #reset}, then per record either {@link #addRecord} or {@link #startRecord},
 * exactly {@code headerCount} {@code add*Header} calls and {@link #endRecord}; then {@link #build}.
 * After an exception the batch in progress is unusable until the next {@link #reset}. The buffer
 * {@link #build} returns is a view of the builder's array: it stays valid only until the next
 * {@link #reset}. Timestamps are create times. The builder owns native compression contexts, made
 * on first use, and MUST be {@linkplain #close() closed} (a forgotten one is freed by a cleaner once
 * unreachable). Meant to be long-lived and reused. Not thread-safe: one owner thread.
 *
 * <p>A builder made {@linkplain #RecordBatchBuilder(byte[]) over a caller's array} writes the batch into
 * that array and never grows it: the caller checks with {@link #maxRecordSizeInBytes} and
 * {@link #maxHeaderSizeInBytes} that a record fits before starting it. It builds uncompressed batches
 * only (their records are in place, so {@link #build} writes just the header); a long-lived builder
 * {@linkplain #compress compresses} them if needed. Such a builder holds no compression context and
 * allocates nothing while writing, so one per batch is cheap.
 */
public final class RecordBatchBuilder implements AutoCloseable {

  private static final int INITIAL_CAPACITY = 16 * 1024;
  private static final byte RECORD_ATTRIBUTES = 0;
  private static final int NULL_LENGTH = -1;
  /** Size of the fixed-width fields of a record besides the varints: the attributes byte. */
  private static final int RECORD_ATTRIBUTES_LENGTH = 1;
  /** Bytes reserved for the record length before its size is known; the body moves back after. */
  private static final int LENGTH_RESERVE = Varint.MAX_VARINT_BYTES;
  /** Bytes of a {@link #addLongUuidStringHeader} value before its string: the long and the UUID. */
  public static final int LONG_UUID_HEADER_PREFIX_LENGTH = 3 * Long.BYTES;
  /** Marks "no lastOffsetDelta kept": the batch's offsets are dense. */
  private static final int DENSE = -1;
  /** Attribute bits {@link #resetRetaining} keeps besides the codec. */
  private static final int KEPT_ATTRIBUTE_FLAGS = BatchHeader.TIMESTAMP_TYPE_MASK | BatchHeader.TRANSACTIONAL_FLAG_MASK
      | BatchHeader.CONTROL_FLAG_MASK;

  private final GrowableBytes out;
  /** Uncompressed records of a compressed batch; capped so that any reader with default settings can read it. */
  private final GrowableBytes scratch;
  /** Whether {@link #out} is a caller's array (uncompressed batches only). */
  private final boolean overCallerArray;
  private final CRC32C crc = new CRC32C();
  /** Made on first compression: a builder that never compresses registers no cleaner. */
  private NativeCodecs codecs;
  private ByteBuffer view;

  private boolean open;
  private boolean closed;
  private long baseOffset;
  private int partitionLeaderEpoch;
  private CompressionType compression = CompressionType.NONE;
  private long producerId;
  private short producerEpoch;
  private int baseSequence;
  private long baseTimestamp;
  private long maxTimestamp;
  private int recordCount;
  /** Attribute bits besides the codec (timestamp type, transactional, control) kept from an original batch. */
  private short keptAttributeFlags;
  /** lastOffsetDelta kept from an original batch, or {@link #DENSE} for {@code recordCount - 1}. */
  private int keptLastOffsetDelta = DENSE;
  /** Whether the batch re-encodes kept records of an original batch ({@link #resetRetaining}). */
  private boolean retaining;

  private GrowableBytes records;
  private int recordsStart;
  private boolean inRecord;
  private int recordStart;
  private int headersLeft;

  /** A builder with its own arrays, which grow as needed and stay as large as the largest batch built. */
  public RecordBatchBuilder() {
    this.out = new GrowableBytes(INITIAL_CAPACITY, GrowableBytes.MAX_CAPACITY);
    this.scratch = new GrowableBytes(INITIAL_CAPACITY, RecordBatchReader.DEFAULT_MAX_DECOMPRESSED_BYTES);
    this.overCallerArray = false;
  }

  /**
   * A builder that writes its (uncompressed) batches into {@code batchArray}, from index 0, and never into
   * any other array: a record that does not fit fails with {@link InvalidInputException} ({@code batch size})
   * and leaves the batch unusable, so callers check the room first (class comment).
   */
  public RecordBatchBuilder(byte[] batchArray) {
    this.out = new GrowableBytes(Objects.requireNonNull(batchArray, "batchArray"));
    this.scratch = new GrowableBytes(0, 0);
    this.overCallerArray = true;
  }

  /**
   * Most bytes a record with a key of {@code keyBytes} and a value of {@code valueBytes} (-1 = null) takes,
   * its headers aside, including the room it needs while it is written. See {@link #maxHeaderSizeInBytes}.
   */
  public static long maxRecordSizeInBytes(int keyBytes, int valueBytes) {
    return LENGTH_RESERVE + RECORD_ATTRIBUTES_LENGTH + Varint.MAX_VARLONG_BYTES + 4L * Varint.MAX_VARINT_BYTES
        + Math.max(keyBytes, 0) + Math.max(valueBytes, 0);
  }

  /** Most bytes one header with a name of {@code keyBytes} and a value of {@code valueBytes} (-1 = null) adds to a record. */
  public static long maxHeaderSizeInBytes(int keyBytes, int valueBytes) {
    return 2L * Varint.MAX_VARINT_BYTES + keyBytes + Math.max(valueBytes, 0);
  }

  /**
   * Starts a new batch, dropping the one in progress.
   *
   * @param baseOffset           offset of the first record
   * @param partitionLeaderEpoch leader epoch stamped on the batch, or {@link BatchHeader#NO_PARTITION_LEADER_EPOCH}
   * @param compression          codec for the records section
   * @param producerId           idempotent producer id, or {@link BatchHeader#NO_PRODUCER_ID}
   * @param producerEpoch        producer epoch, or {@link BatchHeader#NO_PRODUCER_EPOCH}
   * @param baseSequence         sequence of the first record, or {@link BatchHeader#NO_SEQUENCE}
   * @param baseTimestamp        the timestamp the record timestamps are stored relative to; Kafka
   *                             uses the first record's
   * @return this builder
   */
  public RecordBatchBuilder reset(long baseOffset, int partitionLeaderEpoch, CompressionType compression,
      long producerId, short producerEpoch, int baseSequence, long baseTimestamp) {
    ensureNotClosed();
    if (overCallerArray && compression != CompressionType.NONE) {
      throw new IllegalArgumentException("a builder over a caller's array builds uncompressed batches; compress them"
          + " with a builder of its own (asked for " + compression.configName() + ")");
    }
    this.baseOffset = baseOffset;
    this.partitionLeaderEpoch = partitionLeaderEpoch;
    this.compression = Objects.requireNonNull(compression, "compression");
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    this.baseTimestamp = baseTimestamp;
    this.maxTimestamp = baseTimestamp;
    this.recordCount = 0;
    this.keptAttributeFlags = 0;
    this.keptLastOffsetDelta = DENSE;
    this.retaining = false;
    this.inRecord = false;
    this.headersLeft = 0;
    if (compression == CompressionType.NONE) {
      records = out;
      recordsStart = BatchHeader.HEADER_SIZE;
    } else {
      records = scratch;
      recordsStart = 0;
    }
    out.size(BatchHeader.HEADER_SIZE);
    scratch.size(0);
    records.size(recordsStart);
    open = true;
    return this;
  }

  /**
   * Sets the producer fields of the batch in progress: for a batch whose records are written before its
   * producer sequence is known.
   *
   * @return this builder
   */
  public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
    ensureOpen();
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    return this;
  }

  /**
   * Starts a batch that keeps some records of the batch {@code original} is pointed at, as Kafka's
   * log cleaner does ({@code MemoryRecords.filterTo}): the base offset, lastOffsetDelta (so the
   * batch's last offset and hence the producer's last sequence stay), partition leader epoch,
   * compression, producer id, epoch and base sequence, base timestamp and the timestamp-type,
   * transactional and control bits are the original's. Records are then added only with
   * {@link #addRecordFrom}, which keeps their offset and timestamp deltas. Unlike Kafka the base
   * timestamp is not moved to the first kept record, so each kept record's bytes stay unchanged;
   * the max timestamp is the largest kept record's (create time) or the original's (log append
   * time).
   *
   * @return this builder
   */
  public RecordBatchBuilder resetRetaining(RecordBatchReader original) {
    reset(original.baseOffset(), original.partitionLeaderEpoch(), original.compression(), original.producerId(),
        original.producerEpoch(), original.baseSequence(), original.baseTimestamp());
    keptAttributeFlags = (short) (original.attributes() & KEPT_ATTRIBUTE_FLAGS);
    keptLastOffsetDelta = original.lastOffsetDelta();
    retaining = true;
    if (original.isLogAppendTime()) {
      maxTimestamp = original.maxTimestamp();
    }
    return this;
  }

  /**
   * Adds the record {@code reader} is on, byte for byte, to a batch started with
   * {@link #resetRetaining} for the same original batch (same base offset and base timestamp, so
   * its deltas stay right). Records MUST be added in their original order.
   *
   * @return this builder
   */
  public RecordBatchBuilder addRecordFrom(RecordBatchReader reader) {
    ensureOpen();
    if (!retaining || reader.baseOffset() != baseOffset || reader.baseTimestamp() != baseTimestamp) {
      throw new IllegalStateException("addRecordFrom needs a batch started with resetRetaining for the reader's batch"
          + " (base offset " + reader.baseOffset() + ", this batch " + baseOffset + ")");
    }
    if (inRecord) {
      throw new IllegalStateException("record " + recordCount + " was started but not ended");
    }
    copyRecordFrom(reader);
    if ((keptAttributeFlags & BatchHeader.TIMESTAMP_TYPE_MASK) == 0) {
      keepMaxTimestamp(reader.timestampMs());
    }
    recordCount++;
    return this;
  }

  /**
   * Adds the record {@code reader} is on in one copy of its encoding, with the first 8 bytes of header
   * {@code index}'s value replaced by {@code firstLong} (big-endian). For a record whose offset delta is this batch's
   * next ({@link #recordCount()}) in a create-time batch with this batch's base timestamp, that is the record
   * {@link #startRecordFrom} with the reader's timestamp, its headers in order and {@link #addHeaderFromReplacingLong}
   * for header {@code index} would write, except that varints and the attributes byte stay as the reader's batch
   * encoded them. The partition owner stores produced records in this layout with it (ADR 0007).
   *
   * @return this builder
   * @throws IllegalStateException    if the record's offset delta, its batch's base timestamp or timestamp type do
   *                                  not fit, or a record is being built
   * @throws IllegalArgumentException if the header's value has fewer than 8 bytes
   */
  public RecordBatchBuilder addRecordFromReplacingLong(RecordBatchReader reader, int index, long firstLong) {
    ensureOpen();
    if (retaining || inRecord) {
      throw new IllegalStateException("addRecordFromReplacingLong needs a batch started with reset and no record open");
    }
    if (reader.offsetDelta() != recordCount || reader.baseTimestamp() != baseTimestamp || reader.isLogAppendTime()) {
      throw new IllegalStateException("the record (offset delta " + reader.offsetDelta() + ", base timestamp "
          + reader.baseTimestamp() + (reader.isLogAppendTime() ? ", log-append time" : "") + ") cannot be copied as "
          + "record " + recordCount + " of a batch with base timestamp " + baseTimestamp);
    }
    int valueBytes = reader.headerValueLength(index);
    if (valueBytes < Long.BYTES) {
      throw new IllegalArgumentException("header " + index + " value has " + valueBytes + " bytes, fewer than 8");
    }
    int at = copyRecordFrom(reader);
    putLong(records.array(), at + reader.headerValueOffsetInRecord(index), firstLong);
    keepMaxTimestamp(reader.timestampMs());
    recordCount++;
    return this;
  }

  /** Appends the whole encoding of the record {@code reader} is on to the records; returns where it starts. */
  private int copyRecordFrom(RecordBatchReader reader) {
    int bytes = reader.recordSizeInBytes();
    records.ensureCapacity((long) records.size() + bytes);
    int at = records.size();
    reader.copyRecord(records.array(), at);
    records.size(at + bytes);
    return at;
  }

  /** Takes {@code timestampMs}, the timestamp of record {@link #recordCount}, into the batch's max timestamp. */
  private void keepMaxTimestamp(long timestampMs) {
    maxTimestamp = recordCount == 0 ? timestampMs : Math.max(maxTimestamp, timestampMs);
  }

  /** Adds a record with the given headers; {@code key} and {@code value} may be null. */
  public RecordBatchBuilder addRecord(long timestampMs, byte[] key, byte[] value, List<Header> headers) {
    startRecord(timestampMs, key, value, headers.size());
    for (int i = 0; i < headers.size(); i++) {
      Header header = headers.get(i);
      addHeader(header.key(), header.value());
    }
    return endRecord();
  }

  /** {@link #startRecord(long, byte[], int, int, byte[], int, int, int)} for whole arrays; either may be null. */
  public RecordBatchBuilder startRecord(long timestampMs, byte[] key, byte[] value, int headerCount) {
    return startRecord(timestampMs, key, 0, key == null ? NULL_LENGTH : key.length,
        value, 0, value == null ? NULL_LENGTH : value.length, headerCount);
  }

  /**
   * Starts a record whose key and value are the given array ranges (a null array stands for a
   * null key or value; its offset and length are ignored). The key is typically the aggregate id,
   * encoded once per batch by the caller. Exactly {@code headerCount} header calls and
   * {@link #endRecord()} MUST follow.
   */
  public RecordBatchBuilder startRecord(long timestampMs, byte[] key, int keyOffset, int keyLength,
      byte[] value, int valueOffset, int valueLength, int headerCount) {
    int keyBytes = rangeLength(key, keyOffset, keyLength);
    int valueBytes = rangeLength(value, valueOffset, valueLength);
    int p = openRecord(timestampMs, keyBytes, valueBytes, headerCount);
    byte[] dst = records.array();
    if (keyBytes > 0) {
      System.arraycopy(key, keyOffset, dst, p, keyBytes);
      p += keyBytes;
    }
    p = Varint.writeVarint(valueBytes, dst, p);
    if (valueBytes > 0) {
      System.arraycopy(value, valueOffset, dst, p, valueBytes);
      p += valueBytes;
    }
    return openHeaders(p, timestampMs, headerCount);
  }

  /**
   * Starts a record whose key is the UTF-8 encoding of {@code key}, written in place without a
   * temporary array, and whose value is {@code value} (null = a null value). Exactly
   * {@code headerCount} header calls and {@link #endRecord()} MUST follow.
   */
  public RecordBatchBuilder startRecordWithStringKey(long timestampMs, String key, byte[] value, int headerCount) {
    Objects.requireNonNull(key, "key");
    int keyBytes = Utf8.encodedLength(key);
    int valueBytes = value == null ? NULL_LENGTH : value.length;
    int p = openRecord(timestampMs, keyBytes, valueBytes, headerCount);
    byte[] dst = records.array();
    p = Utf8.encode(key, dst, p);
    p = Varint.writeVarint(valueBytes, dst, p);
    if (valueBytes > 0) {
      System.arraycopy(value, 0, dst, p, valueBytes);
      p += valueBytes;
    }
    return openHeaders(p, timestampMs, headerCount);
  }

  /**
   * Starts a record with the key and value of the record {@code reader} is on, copied straight from
   * the reader's buffer, and the given timestamp. Unlike {@link #addRecordFrom} it writes a new record
   * (new offset and timestamp deltas, new headers): the partition owner re-encodes a produced batch
   * with it. Exactly {@code headerCount} header calls and {@link #endRecord()} MUST follow.
   */
  public RecordBatchBuilder startRecordFrom(RecordBatchReader reader, long timestampMs, int headerCount) {
    int keyBytes = reader.keyLength();
    int valueBytes = reader.valueLength();
    int p = openRecord(timestampMs, keyBytes, valueBytes, headerCount);
    byte[] dst = records.array();
    if (keyBytes > 0) {
      p += reader.copyKey(dst, p);
    }
    p = Varint.writeVarint(valueBytes, dst, p);
    if (valueBytes > 0) {
      p += reader.copyValue(dst, p);
    }
    return openHeaders(p, timestampMs, headerCount);
  }

  /**
   * Checks the state, ensures room for a record with {@code keyBytes} and {@code valueBytes} (-1 =
   * null), writes its fields up to the key length; returns where the key bytes go.
   */
  private int openRecord(long timestampMs, int keyBytes, int valueBytes, int headerCount) {
    ensureOpen();
    if (retaining) {
      throw new IllegalStateException("a batch started with resetRetaining takes records only from addRecordFrom");
    }
    if (inRecord) {
      throw new IllegalStateException("record " + recordCount + " was started but not ended");
    }
    if (headerCount < 0) {
      throw new InvalidInputException("headerCount", headerCount, "must be at least 0");
    }
    if (recordCount == Integer.MAX_VALUE) {
      throw new InvalidInputException("recordCount", recordCount, "a batch holds at most " + Integer.MAX_VALUE + " records");
    }
    long timestampDelta = timestampMs - baseTimestamp;
    records.ensureCapacity(records.size() + maxRecordSizeInBytes(keyBytes, valueBytes));
    byte[] dst = records.array();
    recordStart = records.size();
    int p = recordStart + LENGTH_RESERVE;
    dst[p++] = RECORD_ATTRIBUTES;
    p = Varint.writeVarlong(timestampDelta, dst, p);
    p = Varint.writeVarint(recordCount, dst, p);
    return Varint.writeVarint(keyBytes, dst, p);
  }

  /** Writes the headers count after the value ending at {@code at} and opens the record for its headers. */
  private RecordBatchBuilder openHeaders(int at, long timestampMs, int headerCount) {
    int p = Varint.writeVarint(headerCount, records.array(), at);
    records.size(p);
    keepMaxTimestamp(timestampMs);
    headersLeft = headerCount;
    inRecord = true;
    return this;
  }

  /** Length of {@code array[offset, offset + length)} after a bounds check, or -1 for a null array. */
  private static int rangeLength(byte[] array, int offset, int length) {
    if (array == null) {
      return NULL_LENGTH;
    }
    Objects.checkFromIndexSize(offset, length, array.length);
    return length;
  }

  /** Adds a header with a String name and a byte value (null = no value). */
  public RecordBatchBuilder addHeader(String key, byte[] value) {
    Objects.requireNonNull(key, "header key");
    int keyBytes = Utf8.encodedLength(key);
    int valueBytes = value == null ? NULL_LENGTH : value.length;
    int p = startHeader(keyBytes, valueBytes);
    p = Utf8.encode(key, records.array(), p);
    return finishHeader(p, value, 0, valueBytes);
  }

  /** Adds a header whose name is given as UTF-8 bytes and whose value may be null. */
  public RecordBatchBuilder addHeader(byte[] keyUtf8, byte[] value) {
    return addHeader(keyUtf8, value, 0, value == null ? NULL_LENGTH : value.length);
  }

  /** Adds a header whose value is {@code value[offset, offset + length)} (a null array = no value). */
  public RecordBatchBuilder addHeader(byte[] keyUtf8, byte[] value, int offset, int length) {
    int valueBytes = rangeLength(value, offset, length);
    int p = startHeader(keyUtf8.length, valueBytes);
    System.arraycopy(keyUtf8, 0, records.array(), p, keyUtf8.length);
    return finishHeader(p + keyUtf8.length, value, offset, valueBytes);
  }

  /**
   * Adds a copy of header {@code index} of the record {@code reader} is on (name and value, copied
   * straight from the reader's buffer).
   */
  public RecordBatchBuilder addHeaderFrom(RecordBatchReader reader, int index) {
    copyHeaderFrom(reader, index);
    return this;
  }

  /**
   * Adds a copy of header {@code index} of the record {@code reader} is on, with the first 8 bytes of its
   * value replaced by {@code firstLong} (big-endian). The value MUST hold them (check
   * {@link RecordBatchReader#headerValueLength(int)}).
   */
  public RecordBatchBuilder addHeaderFromReplacingLong(RecordBatchReader reader, int index, long firstLong) {
    int valueBytes = reader.headerValueLength(index);
    if (valueBytes < Long.BYTES) {
      throw new IllegalArgumentException("header " + index + " value has " + valueBytes + " bytes, fewer than 8");
    }
    putLong(records.array(), copyHeaderFrom(reader, index), firstLong);
    return this;
  }

  /** Adds a copy of header {@code index} of the record {@code reader} is on; returns where its value starts. */
  private int copyHeaderFrom(RecordBatchReader reader, int index) {
    int valueBytes = reader.headerValueLength(index);
    int p = startHeader(reader.headerKeyLength(index), valueBytes);
    byte[] dst = records.array();
    p += reader.copyHeaderKey(index, dst, p);
    int valueAt = Varint.writeVarint(valueBytes, dst, p);
    endHeader(valueAt + Math.max(reader.copyHeaderValue(index, dst, valueAt), 0));
    return valueAt;
  }

  /**
   * Adds a header whose value is {@code value} as 8 big-endian bytes, then a UUID as 16 bytes (most
   * significant 8 bytes then least, big-endian), then the UTF-8 encoding of {@code text}, written without a
   * temporary array.
   */
  public RecordBatchBuilder addLongUuidStringHeader(byte[] keyUtf8, long value, long uuidMostSignificantBits,
      long uuidLeastSignificantBits, String text) {
    int valueBytes = LONG_UUID_HEADER_PREFIX_LENGTH + Utf8.encodedLength(text);
    int p = startHeader(keyUtf8.length, valueBytes);
    byte[] dst = records.array();
    System.arraycopy(keyUtf8, 0, dst, p, keyUtf8.length);
    p = Varint.writeVarint(valueBytes, dst, p + keyUtf8.length);
    p = putLong(dst, p, value);
    p = putLong(dst, p, uuidMostSignificantBits);
    p = putLong(dst, p, uuidLeastSignificantBits);
    p = Utf8.encode(text, dst, p);
    return endHeader(p);
  }

  /** Ensures room, writes the key length; returns where the key bytes go. */
  private int startHeader(int keyBytes, int valueBytes) {
    ensureOpen();
    if (!inRecord) {
      throw new IllegalStateException("a header needs a started record (call startRecord first)");
    }
    if (headersLeft == 0) {
      throw new IllegalStateException("record " + recordCount + " already has all the headers startRecord announced");
    }
    records.ensureCapacity(records.size() + maxHeaderSizeInBytes(keyBytes, valueBytes));
    return Varint.writeVarint(keyBytes, records.array(), records.size());
  }

  private RecordBatchBuilder finishHeader(int at, byte[] value, int offset, int valueBytes) {
    byte[] dst = records.array();
    int p = Varint.writeVarint(valueBytes, dst, at);
    if (valueBytes > 0) {
      System.arraycopy(value, offset, dst, p, valueBytes);
      p += valueBytes;
    }
    return endHeader(p);
  }

  private RecordBatchBuilder endHeader(int at) {
    records.size(at);
    headersLeft--;
    return this;
  }

  /** Ends the record started last: writes its length in front of it. */
  public RecordBatchBuilder endRecord() {
    ensureOpen();
    if (!inRecord) {
      throw new IllegalStateException("no record was started");
    }
    if (headersLeft != 0) {
      throw new IllegalStateException("record " + recordCount + " still misses " + headersLeft + " of its announced headers");
    }
    byte[] dst = records.array();
    int bodyStart = recordStart + LENGTH_RESERVE;
    int bodyLength = records.size() - bodyStart;
    int lengthBytes = Varint.sizeOfVarint(bodyLength);
    int lengthAt = bodyStart - lengthBytes;
    if (lengthAt != recordStart) {
      // The length takes fewer bytes than reserved: move the body back so the record is contiguous.
      System.arraycopy(dst, bodyStart, dst, recordStart + lengthBytes, bodyLength);
    }
    Varint.writeVarint(bodyLength, dst, recordStart);
    records.size(recordStart + lengthBytes + bodyLength);
    recordCount++;
    inRecord = false;
    return this;
  }

  /** Records added so far. */
  public int recordCount() {
    return recordCount;
  }

  /** Size the batch would have without compression: header plus the records written so far. */
  public int uncompressedSizeInBytes() {
    return BatchHeader.HEADER_SIZE + records.size() - recordsStart;
  }

  /** The compression of the batch in progress. */
  public CompressionType compression() {
    return compression;
  }

  /**
   * Completes the batch: compresses the records section if a codec is set, fills in the header
   * (length, attributes, lastOffsetDelta, maxTimestamp, recordsCount) and the CRC-32C.
   *
   * @return the whole batch, position 0, limit its size; a view of the builder's array that stays
   *     valid until the next {@link #reset}
   */
  public ByteBuffer build() {
    ensureOpen();
    if (inRecord) {
      throw new IllegalStateException("record " + recordCount + " was started but not ended");
    }
    if (recordCount == 0) {
      throw new IllegalStateException("a batch needs at least one record");
    }
    if (compression != CompressionType.NONE) {
      out.size(BatchHeader.HEADER_SIZE);
      codecs().get(compression).compress(scratch.array(), 0, scratch.size(), out);
    }
    int size = out.size();
    ByteBuffer batch = view();
    batch.putLong(BatchHeader.BASE_OFFSET_OFFSET, baseOffset);
    batch.putInt(BatchHeader.LENGTH_OFFSET, size - BatchHeader.LOG_OVERHEAD);
    batch.putInt(BatchHeader.PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
    batch.put(BatchHeader.MAGIC_OFFSET, BatchHeader.MAGIC_V2);
    batch.putShort(BatchHeader.ATTRIBUTES_OFFSET, (short) (compression.id() | keptAttributeFlags));
    batch.putInt(BatchHeader.LAST_OFFSET_DELTA_OFFSET, keptLastOffsetDelta == DENSE ? recordCount - 1
        : keptLastOffsetDelta);
    batch.putLong(BatchHeader.BASE_TIMESTAMP_OFFSET, baseTimestamp);
    batch.putLong(BatchHeader.MAX_TIMESTAMP_OFFSET, maxTimestamp);
    batch.putLong(BatchHeader.PRODUCER_ID_OFFSET, producerId);
    batch.putShort(BatchHeader.PRODUCER_EPOCH_OFFSET, producerEpoch);
    batch.putInt(BatchHeader.BASE_SEQUENCE_OFFSET, baseSequence);
    batch.putInt(BatchHeader.RECORDS_COUNT_OFFSET, recordCount);
    return sealed(batch, size);
  }

  /**
   * The batch in {@code uncompressedBatch} (one whole uncompressed v2 batch from its position to its limit,
   * in a heap buffer, as {@link #build} makes it) with its records section compressed with
   * {@code compression}: same header fields, the codec's attribute bits, new length and CRC. Drops the batch
   * in progress; the result is a view of this builder's array, valid until the next {@link #reset} or
   * {@code compress}. The input is not changed.
   */
  public ByteBuffer compress(ByteBuffer uncompressedBatch, CompressionType compression) {
    ensureNotClosed();
    if (overCallerArray) {
      throw new IllegalStateException("a builder over a caller's array does not compress");
    }
    if (compression == CompressionType.NONE) {
      throw new IllegalArgumentException("compress needs a codec, got " + compression.configName());
    }
    int at = uncompressedBatch.position();
    int size = uncompressedBatch.remaining();
    if (size < BatchHeader.HEADER_SIZE || BatchHeader.compressionId(uncompressedBatch, at) != CompressionType.NONE.id()) {
      throw new IllegalArgumentException("compress needs a whole uncompressed batch, got " + size + " bytes with"
          + " compression id " + (size < BatchHeader.HEADER_SIZE ? "?" : BatchHeader.compressionId(uncompressedBatch, at)));
    }
    open = false;
    byte[] src = uncompressedBatch.array();
    int srcAt = uncompressedBatch.arrayOffset() + at;
    out.size(0);
    out.ensureCapacity(BatchHeader.HEADER_SIZE);
    System.arraycopy(src, srcAt, out.array(), 0, BatchHeader.HEADER_SIZE);
    out.size(BatchHeader.HEADER_SIZE);
    codecs().get(compression).compress(src, srcAt + BatchHeader.HEADER_SIZE, size - BatchHeader.HEADER_SIZE, out);
    int compressedSize = out.size();
    ByteBuffer batch = view();
    short attributes = BatchHeader.attributes(batch, 0);
    batch.putInt(BatchHeader.LENGTH_OFFSET, compressedSize - BatchHeader.LOG_OVERHEAD);
    batch.putShort(BatchHeader.ATTRIBUTES_OFFSET,
        (short) ((attributes & ~BatchHeader.COMPRESSION_CODEC_MASK) | compression.id()));
    return sealed(batch, compressedSize);
  }

  /** A cleared view of {@link #out}'s current array. */
  private ByteBuffer view() {
    byte[] array = out.array();
    if (view == null || view.array() != array) {
      view = ByteBuffer.wrap(array);
    }
    view.clear();
    return view;
  }

  /** Writes the CRC of the {@code size}-byte batch at the start of {@code batch} and limits the view to it. */
  private ByteBuffer sealed(ByteBuffer batch, int size) {
    crc.reset();
    crc.update(batch.array(), BatchHeader.ATTRIBUTES_OFFSET, size - BatchHeader.ATTRIBUTES_OFFSET);
    batch.putInt(BatchHeader.CRC_OFFSET, (int) crc.getValue());
    batch.limit(size);
    return batch;
  }

  private NativeCodecs codecs() {
    if (codecs == null) {
      codecs = new NativeCodecs(this, CompressionType.values().length);
    }
    return codecs;
  }

  private static int putLong(byte[] dst, int at, long value) {
    for (int i = 0; i < Long.BYTES; i++) {
      dst[at + i] = (byte) (value >>> (Byte.SIZE * (Long.BYTES - 1 - i)));
    }
    return at + Long.BYTES;
  }

  private void ensureOpen() {
    ensureNotClosed();
    if (!open) {
      throw new IllegalStateException("call reset before adding records");
    }
  }

  private void ensureNotClosed() {
    if (closed) {
      throw new IllegalStateException("the builder is closed");
    }
  }

  /** Frees the compression contexts. The builder is unusable afterwards. */
  @Override
  public void close() {
    closed = true;
    if (codecs != null) {
      codecs.close();
    }
  }
}
