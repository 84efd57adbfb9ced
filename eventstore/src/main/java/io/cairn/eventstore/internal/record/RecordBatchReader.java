package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.StorageException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Reads the records of one Kafka record batch v2 (layout in {@link BatchHeader} and
 * {@link RecordBatchBuilder}), decompressing when needed. Reusable: {@link #reset} points it at
 * a batch, then each {@link #next()} decodes one record, whose fields the accessors return until
 * the next call. Decoding records allocates nothing; only the accessors that return new objects
 * ({@link #key()}, {@link #headers()}, ...) do.
 *
 * <p>Decompression is incremental: reading only the first record of a compressed batch
 * decompresses little more than that record (one LZ4 block or snappy chunk, 16 KiB of gzip),
 * so recovery can cheaply read "aggregate id and version of the first record" per batch.
 * Uncompressed records are read in place, without a copy.
 *
 * <p>Every structural problem raises a {@link StorageException} whose message names the batch
 * (source, position, base offset), the record and the rule: a bad header or CRC, a record
 * length running past the data, fields running past their record, negative lengths, offset
 * deltas that do not increase, fewer records than {@code recordsCount}, bytes left after the
 * last record, or corrupt compressed data. A reader never returns garbage.
 *
 * <p>The reader does not copy the batch: the buffer MUST NOT change while it is read. It owns
 * native decompression contexts and MUST be {@linkplain #close() closed} (a forgotten one is freed
 * by a cleaner once unreachable). Meant to be long-lived and reused: a new reader per read costs
 * a cleaner registration and, for compressed batches, new contexts. Not thread-safe.
 */
public final class RecordBatchReader implements AutoCloseable {

  /**
   * Default cap on a batch's decompressed records section: 256 MiB. A larger section (a
   * decompression bomb, or corruption) is reported instead of exhausting the heap. The builder
   * never writes a compressed batch above it.
   */
  public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

  private static final int INITIAL_CAPACITY = 16 * 1024;
  private static final int INITIAL_HEADERS = 8;
  private static final int NULL_LENGTH = -1;
  /** Smallest header encoding: key length varint and value length varint, one byte each. */
  private static final int MIN_HEADER_BYTES = 2;
  /** Codecs by attribute id; {@code CompressionType.values()} would copy its array on every batch. */
  private static final CompressionType[] COMPRESSION_BY_ID = compressionById();
  private static final int COMPRESSION_IDS = COMPRESSION_BY_ID.length;
  private static final int FIELD_KEY = 0;
  private static final int FIELD_VALUE = 1;
  private static final int FIELD_HEADER_KEY = 2;
  private static final int FIELD_HEADER_VALUE = 3;

  private final CRC32C crc = new CRC32C();
  private final NativeCodecs codecs = new NativeCodecs(this, COMPRESSION_IDS);
  private final GrowableBytes compressedCopy = new GrowableBytes(0, GrowableBytes.MAX_CAPACITY);
  private GrowableBytes decompressed =
      GrowableBytes.allocatedOnFirstUse(INITIAL_CAPACITY, DEFAULT_MAX_DECOMPRESSED_BYTES);
  private boolean closed;

  private ByteBuffer callerBuffer;
  private ByteBuffer source;
  private String sourceName;
  private long sourcePosition;
  private int at;
  private int size;
  private long baseOffset;
  private int lastOffsetDelta;
  private int partitionLeaderEpoch;
  private short attributes;
  private CompressionType compression;
  private long baseTimestamp;
  private long maxTimestamp;
  private long producerId;
  private short producerEpoch;
  private int baseSequence;
  private int recordsCount;

  /** Where the records are: {@link #source} in place, or a view of {@link #decompressed}. */
  private ByteBuffer data;
  private RecordsCodec codec;
  private boolean inputEnded;
  private int dataLimit;
  private int cursor;
  private boolean ready;

  private int recordIndex;
  /** Whether the fields of record {@link #recordIndex} are decoded (false right after {@link #skipRecords}). */
  private boolean onRecord;
  private int recordStart;
  private int offsetDelta;
  private long timestamp;
  private int keyPosition;
  private int keyLength;
  private int valuePosition;
  private int valueLength;
  private int headerCount;
  private int[] headerKeyPositions = new int[INITIAL_HEADERS];
  private int[] headerKeyLengths = new int[INITIAL_HEADERS];
  private int[] headerValuePositions = new int[INITIAL_HEADERS];
  private int[] headerValueLengths = new int[INITIAL_HEADERS];
  private boolean denseSoFar;
  private long maxRecordTimestamp;

  private static CompressionType[] compressionById() {
    CompressionType[] types = CompressionType.values();
    CompressionType[] byId = new CompressionType[types.length];
    for (CompressionType type : types) {
      byId[type.id()] = type;
    }
    return byId;
  }

  /**
   * Caps the decompressed size of a batch's records section; a batch that decompresses to more is
   * reported as a {@link StorageException}. Takes effect at the next {@link #reset}.
   */
  public RecordBatchReader maxDecompressedBytes(int maxBytes) {
    if (maxBytes < 0) {
      throw new InvalidInputException("maxDecompressedBytes", maxBytes, "must be at least 0");
    }
    decompressed = GrowableBytes.allocatedOnFirstUse(Math.min(INITIAL_CAPACITY, maxBytes), maxBytes);
    return this;
  }

  /** {@link #reset(ByteBuffer, int, boolean, String, long)} verifying the CRC, naming the buffer position only. */
  public RecordBatchReader reset(ByteBuffer buffer, int at) {
    return reset(buffer, at, true, null, at);
  }

  /** {@link #reset(ByteBuffer, int, boolean, String, long)} naming the buffer position only. */
  public RecordBatchReader reset(ByteBuffer buffer, int at, boolean verifyCrc) {
    return reset(buffer, at, verifyCrc, null, at);
  }

  /**
   * Points the reader at the batch that starts at index {@code at} of {@code buffer} and ends
   * within the buffer's limit. Checks the header (room, magic, length, counts, compression) and,
   * if {@code verifyCrc}, the CRC-32C; starts decompression. The buffer's position and limit are
   * not changed.
   *
   * @param sourceName     file name used in error messages, or null
   * @param sourcePosition byte position of the batch in that file, used in error messages
   * @throws StorageException if the header or the CRC does not verify
   */
  public RecordBatchReader reset(ByteBuffer buffer, int at, boolean verifyCrc, String sourceName, long sourcePosition) {
    if (closed) {
      throw new IllegalStateException("the reader is closed");
    }
    if (buffer != callerBuffer) {
      // Our own duplicate: big-endian whatever the caller's order, and position/limit are ours.
      source = buffer.duplicate();
      callerBuffer = buffer;
    }
    this.ready = false;
    this.sourceName = sourceName;
    this.sourcePosition = sourcePosition;
    this.at = at;
    this.baseOffset = -1;
    int limit = buffer.limit();
    source.limit(limit);
    String problem = headerProblem(limit);
    if (problem != null) {
      throw malformed(problem);
    }
    size = BatchHeader.sizeInBytes(source, at);
    baseOffset = BatchHeader.baseOffset(source, at);
    lastOffsetDelta = BatchHeader.lastOffsetDelta(source, at);
    partitionLeaderEpoch = BatchHeader.partitionLeaderEpoch(source, at);
    attributes = BatchHeader.attributes(source, at);
    compression = COMPRESSION_BY_ID[attributes & BatchHeader.COMPRESSION_CODEC_MASK];
    baseTimestamp = BatchHeader.baseTimestamp(source, at);
    maxTimestamp = BatchHeader.maxTimestamp(source, at);
    producerId = BatchHeader.producerId(source, at);
    producerEpoch = BatchHeader.producerEpoch(source, at);
    baseSequence = BatchHeader.baseSequence(source, at);
    recordsCount = BatchHeader.recordsCount(source, at);
    if (verifyCrc) {
      long stored = BatchHeader.storedCrc(source, at);
      source.limit(at + size).position(at + BatchHeader.ATTRIBUTES_OFFSET);
      crc.reset();
      crc.update(source);
      source.limit(limit);
      if (stored != crc.getValue()) {
        throw malformed(String.format("CRC is 0x%08x, computed 0x%08x", stored, crc.getValue()));
      }
    }
    startRecords();
    recordIndex = -1;
    onRecord = false;
    offsetDelta = -1;
    headerCount = 0;
    denseSoFar = true;
    maxRecordTimestamp = Long.MIN_VALUE;
    ready = true;
    return this;
  }

  /**
   * Points the reader at the start of its current batch again, as after the {@link #reset} that
   * opened it (without checking the CRC again).
   */
  public RecordBatchReader rewind() {
    if (callerBuffer == null) {
      throw new IllegalStateException("no batch: call reset first");
    }
    return reset(callerBuffer, at, false, sourceName, sourcePosition);
  }

  private String headerProblem(int limit) {
    if (at < 0 || limit - at < BatchHeader.HEADER_SIZE) {
      return "only " + (limit - at) + " bytes left, a batch header needs " + BatchHeader.HEADER_SIZE;
    }
    byte magic = BatchHeader.magic(source, at);
    if (magic != BatchHeader.MAGIC_V2) {
      return "magic is " + magic + ", expected " + BatchHeader.MAGIC_V2;
    }
    int length = BatchHeader.batchLength(source, at);
    if (length < BatchHeader.HEADER_SIZE - BatchHeader.LOG_OVERHEAD) {
      return "batchLength " + length + " is smaller than the header";
    }
    if ((long) at + BatchHeader.LOG_OVERHEAD + length > limit) {
      return "batchLength " + length + " runs past the end (" + (limit - at - BatchHeader.LOG_OVERHEAD) + " bytes left)";
    }
    int count = BatchHeader.recordsCount(source, at);
    int delta = BatchHeader.lastOffsetDelta(source, at);
    if (count < 0 || delta < 0) {
      return "recordsCount " + count + " / lastOffsetDelta " + delta + " is negative";
    }
    if (count > 0 && delta < count - 1) {
      return "lastOffsetDelta " + delta + " is too small for " + count + " records with distinct offsets";
    }
    int codecId = BatchHeader.compressionId(source, at);
    if (codecId >= COMPRESSION_IDS) {
      return "compression id " + codecId + " is unknown (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd)";
    }
    return null;
  }

  private void startRecords() {
    int recordsStart = at + BatchHeader.RECORDS_OFFSET;
    int recordsEnd = at + size;
    if (compression == CompressionType.NONE) {
      codec = null;
      data = source;
      dataLimit = recordsEnd;
      cursor = recordsStart;
      inputEnded = true;
      return;
    }
    int length = recordsEnd - recordsStart;
    byte[] compressed;
    int offset;
    if (source.hasArray()) {
      compressed = source.array();
      offset = source.arrayOffset() + recordsStart;
    } else {
      compressedCopy.size(0);
      compressedCopy.ensureCapacity(length);
      compressed = compressedCopy.array();
      source.get(recordsStart, compressed, 0, length);
      offset = 0;
    }
    codec = codecs.get(compression);
    try {
      codec.startDecompression(compressed, offset, length);
    } catch (IOException e) {
      throw malformed(compression.configName() + " records section is corrupt: " + e.getMessage());
    }
    decompressed.size(0);
    data = viewOf(decompressed.array());
    dataLimit = 0;
    cursor = 0;
    inputEnded = false;
  }

  private ByteBuffer viewOf(byte[] array) {
    return data != null && data != source && data.array() == array ? data : ByteBuffer.wrap(array);
  }

  /** Decompresses until {@code endIndex} bytes of records are available or the input ends. */
  private void ensureAvailable(long endIndex) {
    if (inputEnded || dataLimit >= endIndex) {
      return;
    }
    try {
      while (dataLimit < endIndex && !inputEnded) {
        if (codec.decompressMore(decompressed) < 0) {
          inputEnded = true;
        }
        dataLimit = decompressed.size();
      }
    } catch (IOException e) {
      throw malformed(compression.configName() + " records section is corrupt after " + dataLimit
          + " decompressed bytes: " + e.getMessage());
    }
    if (data.array() != decompressed.array()) {
      data = ByteBuffer.wrap(decompressed.array());
    }
  }

  /**
   * Decodes the next record.
   *
   * @return false once all {@code recordsCount} records were read
   * @throws StorageException if the record is malformed
   */
  public boolean next() {
    ensureReady();
    int index = recordIndex + 1;
    if (index >= recordsCount) {
      return false;
    }
    int start = cursor;
    ensureAvailable((long) start + Varint.MAX_VARINT_BYTES);
    if (start >= dataLimit) {
      throw malformed("the records section ends after " + index + " of " + recordsCount + " records");
    }
    data.limit(dataLimit).position(start);
    int length;
    try {
      length = Varint.readVarint(data);
    } catch (BufferUnderflowException e) {
      throw malformedRecord(index, "the records section ends inside the record's length");
    } catch (StorageException e) {
      throw malformedRecord(index, "length " + e.getMessage());
    }
    int bodyStart = data.position();
    if (length < 0) {
      throw malformedRecord(index, "length " + length + " is negative");
    }
    long bodyEnd = (long) bodyStart + length;
    ensureAvailable(bodyEnd);
    if (bodyEnd > dataLimit) {
      throw malformedRecord(index, "length " + length + " runs past the records section ("
          + (dataLimit - bodyStart) + " bytes left)");
    }
    // ensureAvailable may have swapped in a bigger array: position the view again.
    data.limit((int) bodyEnd).position(bodyStart);
    long timestampDelta;
    int delta;
    try {
      data.get();
      timestampDelta = Varint.readVarlong(data);
      delta = Varint.readVarint(data);
      keyLength = Varint.readVarint(data);
      keyPosition = skip(index, keyLength, FIELD_KEY, 0);
      valueLength = Varint.readVarint(data);
      valuePosition = skip(index, valueLength, FIELD_VALUE, 0);
      int count = Varint.readVarint(data);
      if (count < 0 || count > data.remaining() / MIN_HEADER_BYTES) {
        throw malformedRecord(index, "headersCount " + count + " does not fit the " + data.remaining()
            + " bytes left in the record");
      }
      ensureHeaderRoom(count);
      for (int h = 0; h < count; h++) {
        int headerKeyLength = Varint.readVarint(data);
        if (headerKeyLength < 0) {
          throw malformedRecord(index, "header " + h + " has key length " + headerKeyLength + " (a header key cannot be null)");
        }
        headerKeyLengths[h] = headerKeyLength;
        headerKeyPositions[h] = skip(index, headerKeyLength, FIELD_HEADER_KEY, h);
        int headerValueLength = Varint.readVarint(data);
        headerValueLengths[h] = headerValueLength;
        headerValuePositions[h] = skip(index, headerValueLength, FIELD_HEADER_VALUE, h);
      }
      headerCount = count;
    } catch (BufferUnderflowException e) {
      throw malformedRecord(index, "its fields run past its length " + length);
    } catch (StorageException e) {
      // Our own findings already carry the context (and cleared ready); a bad varint does not yet.
      throw ready ? malformedRecord(index, e.getMessage()) : e;
    }
    if (data.hasRemaining()) {
      throw malformedRecord(index, "length is " + length + " but its fields take " + (length - data.remaining()) + " bytes");
    }
    int previousDelta = recordIndex < 0 ? -1 : offsetDelta;
    if (delta <= previousDelta || delta > lastOffsetDelta) {
      throw malformedRecord(index, "offsetDelta " + delta + " must be above the previous record's " + previousDelta
          + " and at most lastOffsetDelta " + lastOffsetDelta);
    }
    data.limit(dataLimit);
    recordIndex = index;
    onRecord = true;
    recordStart = start;
    offsetDelta = delta;
    long createTime = baseTimestamp + timestampDelta;
    timestamp = isLogAppendTime() ? maxTimestamp : createTime;
    maxRecordTimestamp = Math.max(maxRecordTimestamp, createTime);
    denseSoFar &= delta == index;
    cursor = (int) bodyEnd;
    return true;
  }

  /**
   * Skips a length-prefixed field whose length was just read; returns where its bytes start. The
   * field is named by a code so that no message text is built unless it is needed.
   */
  private int skip(int index, int length, int field, int header) {
    int position = data.position();
    if (length < NULL_LENGTH) {
      throw malformedRecord(index, fieldName(field, header) + " length " + length + " is below -1");
    }
    if (length > data.remaining()) {
      throw malformedRecord(index, fieldName(field, header) + " length " + length + " runs past the record ("
          + data.remaining() + " bytes left)");
    }
    if (length > 0) {
      data.position(position + length);
    }
    return position;
  }

  private static String fieldName(int field, int header) {
    switch (field) {
      case FIELD_KEY:
        return "key";
      case FIELD_VALUE:
        return "value";
      case FIELD_HEADER_KEY:
        return "header " + header + " key";
      default:
        return "header " + header + " value";
    }
  }

  private void ensureHeaderRoom(int count) {
    if (count > headerKeyPositions.length) {
      int capacity = Math.max(count, 2 * headerKeyPositions.length);
      headerKeyPositions = Arrays.copyOf(headerKeyPositions, capacity);
      headerKeyLengths = Arrays.copyOf(headerKeyLengths, capacity);
      headerValuePositions = Arrays.copyOf(headerValuePositions, capacity);
      headerValueLengths = Arrays.copyOf(headerValueLengths, capacity);
    }
  }

  /**
   * Skips up to {@code count} records, reading only their length prefixes: far cheaper than
   * {@link #next()} for a scan that needs only some records of a batch (the re-feed of the stream index
   * reads the first and the last record of most batches). The skipped records' fields are not
   * checked; their length prefixes are (a length running past the data fails as in {@link #next()}).
   * Afterwards there is no current record until the next {@link #next()}, and
   * {@link #ensureValidForAppend()} no longer applies to the batch.
   *
   * @return how many records were skipped: fewer than {@code count} only at the end of the batch
   * @throws StorageException if a length prefix is malformed or runs past the records section
   */
  public int skipRecords(int count) {
    ensureReady();
    onRecord = false;
    int skipped = 0;
    while (skipped < count && recordIndex + 1 < recordsCount) {
      int index = recordIndex + 1;
      int start = cursor;
      ensureAvailable((long) start + Varint.MAX_VARINT_BYTES);
      if (start >= dataLimit) {
        throw malformed("the records section ends after " + index + " of " + recordsCount + " records");
      }
      data.limit(dataLimit).position(start);
      int length;
      try {
        length = Varint.readVarint(data);
      } catch (BufferUnderflowException e) {
        throw malformedRecord(index, "the records section ends inside the record's length");
      } catch (StorageException e) {
        throw malformedRecord(index, "length " + e.getMessage());
      }
      long end = (long) data.position() + length;
      if (length < 0) {
        throw malformedRecord(index, "length " + length + " is negative");
      }
      ensureAvailable(end);
      if (end > dataLimit) {
        throw malformedRecord(index, "length " + length + " runs past the records section ("
            + (dataLimit - start) + " bytes left)");
      }
      data.limit(dataLimit);
      cursor = (int) end;
      recordIndex = index;
      skipped++;
    }
    return skipped;
  }

  /**
   * Reads the remaining records and checks the batch as a whole: every record well-formed,
   * exactly {@code recordsCount} of them, nothing after the last one (for a compressed batch:
   * the compressed data is complete and verifies). Kafka's rules; offset gaps left by compaction
   * are allowed.
   *
   * @throws StorageException naming the first problem
   */
  public void ensureValid() {
    ensureReady();
    while (next()) {
      // next() validates each record.
    }
    ensureAvailable((long) cursor + 1);
    if (dataLimit > cursor || !inputEnded) {
      throw malformed((dataLimit - cursor) + (inputEnded ? "" : "+") + " bytes follow the last of the "
          + recordsCount + " records");
    }
  }

  /**
   * Checks a batch that arrives from outside to be appended as is: {@link #ensureValid()} plus at
   * least one record, dense offset deltas 0..n-1 with {@code lastOffsetDelta = n - 1}, no
   * control batch, and for create time a {@code maxTimestamp} equal to the largest record
   * timestamp.
   *
   * @throws InvalidInputException naming the field, the value and the rule
   */
  public void ensureValidForAppend() {
    try {
      ensureValid();
    } catch (StorageException e) {
      throw new InvalidInputException("batch", describe(), e.getMessage());
    }
    if (recordsCount < 1) {
      throw new InvalidInputException("recordsCount", recordsCount, "an appended batch needs at least one record");
    }
    if (!denseSoFar || lastOffsetDelta != recordsCount - 1) {
      throw new InvalidInputException("lastOffsetDelta", lastOffsetDelta,
          "offset deltas of an appended batch must be 0.." + (recordsCount - 1) + " without gaps");
    }
    if (isControlBatch()) {
      throw new InvalidInputException("attributes", attributes, "control batches cannot be appended");
    }
    if (!isLogAppendTime() && maxTimestamp != maxRecordTimestamp) {
      throw new InvalidInputException("maxTimestamp", maxTimestamp,
          "must equal the largest record timestamp " + maxRecordTimestamp);
    }
  }

  // ---- batch fields -------------------------------------------------------------------------

  /** Offset of the first record slot of the batch. */
  public long baseOffset() {
    return baseOffset;
  }

  /** {@code baseOffset + lastOffsetDelta}: the batch's last offset. */
  public long lastOffset() {
    return baseOffset + lastOffsetDelta;
  }

  /** The offset after the batch. */
  public long nextOffset() {
    return lastOffset() + 1;
  }

  /** Offset of the batch's last record slot relative to {@link #baseOffset()}. */
  public int lastOffsetDelta() {
    return lastOffsetDelta;
  }

  /** Leader epoch stamped on the batch, -1 for none. */
  public int partitionLeaderEpoch() {
    return partitionLeaderEpoch;
  }

  /** The raw attributes field: compression, timestamp type, transactional and control bits. */
  public short attributes() {
    return attributes;
  }

  /** The codec of the records section. */
  public CompressionType compression() {
    return compression;
  }

  /** Whether the batch's timestamps are log append times (attribute bit 3); then every record's timestamp is {@link #maxTimestamp()}. */
  public boolean isLogAppendTime() {
    return (attributes & BatchHeader.TIMESTAMP_TYPE_MASK) != 0;
  }

  /** Whether the batch belongs to a transaction (attribute bit 4). */
  public boolean isTransactional() {
    return (attributes & BatchHeader.TRANSACTIONAL_FLAG_MASK) != 0;
  }

  /** Whether the batch holds control records such as transaction markers (attribute bit 5). */
  public boolean isControlBatch() {
    return (attributes & BatchHeader.CONTROL_FLAG_MASK) != 0;
  }

  /** The timestamp record timestamps are stored relative to. */
  public long baseTimestamp() {
    return baseTimestamp;
  }

  /** The largest record timestamp, or the log append time. */
  public long maxTimestamp() {
    return maxTimestamp;
  }

  /** Idempotent producer id, -1 for none. */
  public long producerId() {
    return producerId;
  }

  /** Producer epoch, -1 for none. */
  public short producerEpoch() {
    return producerEpoch;
  }

  /** Sequence number of the first record, -1 for none. */
  public int baseSequence() {
    return baseSequence;
  }

  /** Number of records the header announces; {@link #next()} returns exactly that many. */
  public int recordsCount() {
    return recordsCount;
  }

  /** Total bytes of the batch, header included. */
  public int sizeInBytes() {
    return size;
  }

  // ---- current record -----------------------------------------------------------------------

  /** Index of the current record in the batch, from 0; -1 before the first {@link #next()}. */
  public int recordIndex() {
    return recordIndex;
  }

  /** The current record's offset relative to {@link #baseOffset()}. */
  public int offsetDelta() {
    ensureRecord();
    return offsetDelta;
  }

  /** {@code baseOffset + offsetDelta}. */
  public long offset() {
    ensureRecord();
    return baseOffset + offsetDelta;
  }

  /** Create time ({@code baseTimestamp + timestampDelta}), or the batch's max timestamp for log append time. */
  public long timestampMs() {
    ensureRecord();
    return timestamp;
  }

  /** {@code baseSequence + offsetDelta} wrapping at {@code Integer.MAX_VALUE}, or -1 without a producer. */
  public int sequence() {
    ensureRecord();
    if (baseSequence == BatchHeader.NO_SEQUENCE) {
      return BatchHeader.NO_SEQUENCE;
    }
    long sequence = (long) baseSequence + offsetDelta;
    return (int) (sequence > Integer.MAX_VALUE ? sequence - Integer.MAX_VALUE - 1 : sequence);
  }

  /**
   * Copies the current record's whole encoding (from its length varint to the end of its last
   * header) into {@code dst} at {@code offset}, which MUST have room for {@link #recordSizeInBytes()}
   * bytes. For re-encoding kept records unchanged (compaction, see
   * {@link RecordBatchBuilder#addRecordFrom}).
   */
  void copyRecord(byte[] dst, int offset) {
    ensureRecord();
    data.get(recordStart, dst, offset, cursor - recordStart);
  }

  /** Bytes of the current record's whole encoding, length varint included. */
  int recordSizeInBytes() {
    ensureRecord();
    return cursor - recordStart;
  }

  /** Where header {@code index}'s value starts, counted from the first byte of the current record's encoding. */
  int headerValueOffsetInRecord(int index) {
    checkHeader(index);
    return headerValuePositions[index] - recordStart;
  }

  /** Key length in bytes, -1 for a null key. */
  public int keyLength() {
    ensureRecord();
    return keyLength;
  }

  /** A copy of the key; empty for a null key. */
  public Optional<byte[]> key() {
    ensureRecord();
    return Optional.ofNullable(copy(keyPosition, keyLength));
  }

  /** The key decoded as UTF-8; empty for a null key. */
  public Optional<String> keyAsString() {
    ensureRecord();
    return Optional.ofNullable(string(keyPosition, keyLength));
  }

  /** Copies the key into {@code dst} at {@code offset}; returns its length, -1 (nothing copied) for a null key. */
  public int copyKey(byte[] dst, int offset) {
    ensureRecord();
    if (keyLength > 0) {
      data.get(keyPosition, dst, offset, keyLength);
    }
    return keyLength;
  }

  /** Whether the key is exactly {@code other} (false for a null key). */
  public boolean keyEquals(byte[] other) {
    ensureRecord();
    return keyLength == other.length && regionEquals(keyPosition, other, 0, other.length);
  }

  /** Whether the key is exactly {@code other[offset, offset + length)} (false for a null key). Allocates nothing. */
  public boolean keyEquals(byte[] other, int offset, int length) {
    ensureRecord();
    return keyLength == length && regionEquals(keyPosition, other, offset, length);
  }

  /** Value length in bytes, -1 for a null value. */
  public int valueLength() {
    ensureRecord();
    return valueLength;
  }

  /** A copy of the value; empty for a null value (a tombstone). */
  public Optional<byte[]> value() {
    ensureRecord();
    return Optional.ofNullable(copy(valuePosition, valueLength));
  }

  /** Copies the value into {@code dst} at {@code offset}; returns its length, -1 (nothing copied) for a null value. */
  public int copyValue(byte[] dst, int offset) {
    ensureRecord();
    if (valueLength > 0) {
      data.get(valuePosition, dst, offset, valueLength);
    }
    return valueLength;
  }

  /** Number of headers of the current record. */
  public int headerCount() {
    ensureRecord();
    return headerCount;
  }

  /** Name of header {@code index}. */
  public String headerKey(int index) {
    checkHeader(index);
    return string(headerKeyPositions[index], headerKeyLengths[index]);
  }

  /** Whether header {@code index}'s name is exactly the UTF-8 bytes {@code keyUtf8}. */
  public boolean headerKeyEquals(int index, byte[] keyUtf8) {
    checkHeader(index);
    return headerKeyLengths[index] == keyUtf8.length && regionEquals(headerKeyPositions[index], keyUtf8, 0, keyUtf8.length);
  }

  /** Whether header {@code index}'s name starts with the UTF-8 bytes {@code prefixUtf8}. */
  public boolean headerKeyStartsWith(int index, byte[] prefixUtf8) {
    checkHeader(index);
    return headerKeyLengths[index] >= prefixUtf8.length
        && regionEquals(headerKeyPositions[index], prefixUtf8, 0, prefixUtf8.length);
  }

  /** Index of the first header named {@code keyUtf8} (UTF-8 bytes), or -1 if there is none. Allocates nothing. */
  public int findHeader(byte[] keyUtf8) {
    ensureRecord();
    for (int i = 0; i < headerCount; i++) {
      if (headerKeyLengths[i] == keyUtf8.length && regionEquals(headerKeyPositions[i], keyUtf8, 0, keyUtf8.length)) {
        return i;
      }
    }
    return -1;
  }

  /** Length in bytes of header {@code index}'s name. */
  public int headerKeyLength(int index) {
    checkHeader(index);
    return headerKeyLengths[index];
  }

  /** Copies header {@code index}'s name into {@code dst} at {@code offset}; returns its length. */
  int copyHeaderKey(int index, byte[] dst, int offset) {
    checkHeader(index);
    data.get(headerKeyPositions[index], dst, offset, headerKeyLengths[index]);
    return headerKeyLengths[index];
  }

  /** Copies header {@code index}'s value into {@code dst} at {@code offset}; returns its length, -1 (nothing copied) for none. */
  int copyHeaderValue(int index, byte[] dst, int offset) {
    checkHeader(index);
    int length = headerValueLengths[index];
    if (length > 0) {
      data.get(headerValuePositions[index], dst, offset, length);
    }
    return length;
  }

  /** Whether header {@code index}'s value is well-formed UTF-8 (a header without a value is not). Allocates nothing. */
  public boolean headerValueIsUtf8(int index) {
    return headerValueIsUtf8(index, 0);
  }

  /**
   * Whether header {@code index}'s value from byte {@code byteOffset} to its end is well-formed UTF-8 (false
   * when the value is shorter than {@code byteOffset} or absent). Allocates nothing.
   */
  public boolean headerValueIsUtf8(int index, int byteOffset) {
    checkHeader(index);
    int length = headerValueLengths[index];
    return byteOffset >= 0 && length >= byteOffset
        && Utf8.isWellFormed(data, headerValuePositions[index] + byteOffset, length - byteOffset);
  }

  /** Whether the key is well-formed UTF-8 (a null key is not). Allocates nothing. */
  public boolean keyIsUtf8() {
    ensureRecord();
    return keyLength >= 0 && Utf8.isWellFormed(data, keyPosition, keyLength);
  }

  /** Value length of header {@code index}, -1 for a header without a value. */
  public int headerValueLength(int index) {
    checkHeader(index);
    return headerValueLengths[index];
  }

  /** A copy of header {@code index}'s value; empty for a header without a value. */
  public Optional<byte[]> headerValue(int index) {
    checkHeader(index);
    return Optional.ofNullable(copy(headerValuePositions[index], headerValueLengths[index]));
  }

  /** Header {@code index}'s value decoded as UTF-8; empty for a header without a value. */
  public Optional<String> headerValueAsString(int index) {
    checkHeader(index);
    return Optional.ofNullable(string(headerValuePositions[index], headerValueLengths[index]));
  }

  /**
   * Header {@code index}'s value from byte {@code byteOffset} to its end, decoded as UTF-8. The value MUST
   * hold {@code byteOffset} bytes (check {@link #headerValueLength(int)}).
   */
  public String headerValueAsString(int index, int byteOffset) {
    checkHeader(index);
    int length = headerValueLengths[index];
    if (byteOffset < 0 || byteOffset > length) {
      throw new IndexOutOfBoundsException("header " + index + " value has " + length + " bytes, cannot read from "
          + byteOffset);
    }
    return string(headerValuePositions[index] + byteOffset, length - byteOffset);
  }

  /**
   * The 8 bytes at {@code byteOffset} of header {@code index}'s value as a big-endian long. The
   * value MUST hold them (check {@link #headerValueLength(int)}).
   */
  public long headerValueLong(int index, int byteOffset) {
    checkHeader(index);
    if (byteOffset < 0 || (long) byteOffset + Long.BYTES > headerValueLengths[index]) {
      throw new IndexOutOfBoundsException("header " + index + " value has " + headerValueLengths[index]
          + " bytes, cannot read 8 at " + byteOffset);
    }
    return data.getLong(headerValuePositions[index] + byteOffset);
  }

  /** All headers of the current record, in order, as new objects. */
  public List<Header> headers() {
    ensureRecord();
    List<Header> headers = new ArrayList<>(headerCount);
    for (int i = 0; i < headerCount; i++) {
      headers.add(header(i));
    }
    return headers;
  }

  /** Header {@code index} as a new object. */
  public Header header(int index) {
    checkHeader(index);
    return new Header(string(headerKeyPositions[index], headerKeyLengths[index]),
        copy(headerValuePositions[index], headerValueLengths[index]));
  }

  private byte[] copy(int position, int length) {
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    data.get(position, bytes, 0, length);
    return bytes;
  }

  private String string(int position, int length) {
    if (length < 0) {
      return null;
    }
    if (data.hasArray()) {
      return new String(data.array(), data.arrayOffset() + position, length, StandardCharsets.UTF_8);
    }
    return new String(copy(position, length), StandardCharsets.UTF_8);
  }

  private boolean regionEquals(int position, byte[] other, int otherOffset, int length) {
    if (data.hasArray()) {
      int from = data.arrayOffset() + position;
      return Arrays.equals(data.array(), from, from + length, other, otherOffset, otherOffset + length);
    }
    for (int i = 0; i < length; i++) {
      if (data.get(position + i) != other[otherOffset + i]) {
        return false;
      }
    }
    return true;
  }

  private void checkHeader(int index) {
    ensureRecord();
    if (index < 0 || index >= headerCount) {
      throw new IndexOutOfBoundsException("header " + index + " of a record with " + headerCount + " headers");
    }
  }

  private void ensureReady() {
    if (!ready) {
      throw new IllegalStateException("no batch: call reset first (or the last reset failed)");
    }
  }

  private void ensureRecord() {
    ensureReady();
    if (!onRecord) {
      throw new IllegalStateException("no current record: call next() first (also after skipRecords)");
    }
  }

  private String describe() {
    StringBuilder text = new StringBuilder("batch at position ").append(sourcePosition);
    if (sourceName != null) {
      text.append(" of ").append(sourceName);
    }
    if (baseOffset >= 0) {
      text.append(" (baseOffset ").append(baseOffset).append(')');
    }
    return text.toString();
  }

  private StorageException malformed(String problem) {
    ready = false;
    return new StorageException(describe() + ": " + problem);
  }

  private StorageException malformedRecord(int index, String problem) {
    return malformed("record " + index + " of " + recordsCount + " (offset " + (baseOffset + index) + "): " + problem);
  }

  /** Bytes decompressed so far for the current batch (0 when uncompressed); lets tests check laziness. */
  int decompressedBytes() {
    return compression == CompressionType.NONE ? 0 : decompressed.size();
  }

  /** Frees the decompression contexts. The reader is unusable afterwards. */
  @Override
  public void close() {
    closed = true;
    ready = false;
    codecs.close();
    callerBuffer = null;
    source = null;
    data = null;
  }
}
