package io.cairn.eventstore.internal.record;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The 61-byte header of a Kafka record batch v2 (magic 2), big-endian. Offsets of the fields are
 * built from each other; accessors read a batch that starts at {@code at} in a buffer without
 * changing the buffer's position or limit. Stateless.
 *
 * <pre>
 * baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
 * attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
 * producerId int64 | producerEpoch int16 | baseSequence int32 | recordsCount int32 | records...
 * </pre>
 * {@code batchLength} counts the bytes after its own field; the CRC-32C covers [attributes, end).
 */
public final class BatchHeader {

  public static final int BASE_OFFSET_OFFSET = 0;
  public static final int BASE_OFFSET_LENGTH = 8;
  public static final int LENGTH_OFFSET = BASE_OFFSET_OFFSET + BASE_OFFSET_LENGTH;
  public static final int LENGTH_LENGTH = 4;
  public static final int PARTITION_LEADER_EPOCH_OFFSET = LENGTH_OFFSET + LENGTH_LENGTH;
  public static final int PARTITION_LEADER_EPOCH_LENGTH = 4;
  public static final int MAGIC_OFFSET = PARTITION_LEADER_EPOCH_OFFSET + PARTITION_LEADER_EPOCH_LENGTH;
  public static final int MAGIC_LENGTH = 1;
  public static final int CRC_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
  public static final int CRC_LENGTH = 4;
  public static final int ATTRIBUTES_OFFSET = CRC_OFFSET + CRC_LENGTH;
  public static final int ATTRIBUTES_LENGTH = 2;
  public static final int LAST_OFFSET_DELTA_OFFSET = ATTRIBUTES_OFFSET + ATTRIBUTES_LENGTH;
  public static final int LAST_OFFSET_DELTA_LENGTH = 4;
  public static final int BASE_TIMESTAMP_OFFSET = LAST_OFFSET_DELTA_OFFSET + LAST_OFFSET_DELTA_LENGTH;
  public static final int BASE_TIMESTAMP_LENGTH = 8;
  public static final int MAX_TIMESTAMP_OFFSET = BASE_TIMESTAMP_OFFSET + BASE_TIMESTAMP_LENGTH;
  public static final int MAX_TIMESTAMP_LENGTH = 8;
  public static final int PRODUCER_ID_OFFSET = MAX_TIMESTAMP_OFFSET + MAX_TIMESTAMP_LENGTH;
  public static final int PRODUCER_ID_LENGTH = 8;
  public static final int PRODUCER_EPOCH_OFFSET = PRODUCER_ID_OFFSET + PRODUCER_ID_LENGTH;
  public static final int PRODUCER_EPOCH_LENGTH = 2;
  public static final int BASE_SEQUENCE_OFFSET = PRODUCER_EPOCH_OFFSET + PRODUCER_EPOCH_LENGTH;
  public static final int BASE_SEQUENCE_LENGTH = 4;
  public static final int RECORDS_COUNT_OFFSET = BASE_SEQUENCE_OFFSET + BASE_SEQUENCE_LENGTH;
  public static final int RECORDS_COUNT_LENGTH = 4;
  public static final int RECORDS_OFFSET = RECORDS_COUNT_OFFSET + RECORDS_COUNT_LENGTH;

  /** Size of the header: 61 bytes. */
  public static final int HEADER_SIZE = RECORDS_OFFSET;
  /** Bytes before {@code batchLength}'s count starts: total size = LOG_OVERHEAD + batchLength. */
  public static final int LOG_OVERHEAD = LENGTH_OFFSET + LENGTH_LENGTH;
  public static final byte MAGIC_V2 = 2;

  public static final int COMPRESSION_CODEC_MASK = 0x07;
  public static final int TIMESTAMP_TYPE_MASK = 0x08;
  public static final int TRANSACTIONAL_FLAG_MASK = 0x10;
  public static final int CONTROL_FLAG_MASK = 0x20;
  public static final int DELETE_HORIZON_FLAG_MASK = 0x40;

  public static final long NO_PRODUCER_ID = -1L;
  public static final short NO_PRODUCER_EPOCH = -1;
  public static final int NO_SEQUENCE = -1;
  public static final int NO_PARTITION_LEADER_EPOCH = -1;

  private BatchHeader() {
  }

  public static long baseOffset(ByteBuffer buffer, int at) {
    return buffer.getLong(at + BASE_OFFSET_OFFSET);
  }

  public static int batchLength(ByteBuffer buffer, int at) {
    return buffer.getInt(at + LENGTH_OFFSET);
  }

  /** Total bytes of the batch including the offset and length fields. */
  public static int sizeInBytes(ByteBuffer buffer, int at) {
    return LOG_OVERHEAD + batchLength(buffer, at);
  }

  public static int partitionLeaderEpoch(ByteBuffer buffer, int at) {
    return buffer.getInt(at + PARTITION_LEADER_EPOCH_OFFSET);
  }

  public static byte magic(ByteBuffer buffer, int at) {
    return buffer.get(at + MAGIC_OFFSET);
  }

  /** The stored CRC as an unsigned 32-bit value. */
  public static long storedCrc(ByteBuffer buffer, int at) {
    return buffer.getInt(at + CRC_OFFSET) & 0xffffffffL;
  }

  public static short attributes(ByteBuffer buffer, int at) {
    return buffer.getShort(at + ATTRIBUTES_OFFSET);
  }

  public static int compressionId(ByteBuffer buffer, int at) {
    return attributes(buffer, at) & COMPRESSION_CODEC_MASK;
  }

  public static int lastOffsetDelta(ByteBuffer buffer, int at) {
    return buffer.getInt(at + LAST_OFFSET_DELTA_OFFSET);
  }

  public static long lastOffset(ByteBuffer buffer, int at) {
    return baseOffset(buffer, at) + lastOffsetDelta(buffer, at);
  }

  public static long baseTimestamp(ByteBuffer buffer, int at) {
    return buffer.getLong(at + BASE_TIMESTAMP_OFFSET);
  }

  public static long maxTimestamp(ByteBuffer buffer, int at) {
    return buffer.getLong(at + MAX_TIMESTAMP_OFFSET);
  }

  public static long producerId(ByteBuffer buffer, int at) {
    return buffer.getLong(at + PRODUCER_ID_OFFSET);
  }

  public static short producerEpoch(ByteBuffer buffer, int at) {
    return buffer.getShort(at + PRODUCER_EPOCH_OFFSET);
  }

  public static int baseSequence(ByteBuffer buffer, int at) {
    return buffer.getInt(at + BASE_SEQUENCE_OFFSET);
  }

  public static int recordsCount(ByteBuffer buffer, int at) {
    return buffer.getInt(at + RECORDS_COUNT_OFFSET);
  }

  /**
   * Stamps the base offset of the batch at {@code at}. The field lies outside the CRC, so the
   * batch stays valid: the log assigns offsets to a ready-made batch this way.
   */
  public static void setBaseOffset(ByteBuffer buffer, int at, long baseOffset) {
    buffer.putLong(at + BASE_OFFSET_OFFSET, baseOffset);
  }

  /** Stamps the leader epoch of the batch at {@code at}; outside the CRC, like the base offset. */
  public static void setPartitionLeaderEpoch(ByteBuffer buffer, int at, int partitionLeaderEpoch) {
    buffer.putInt(at + PARTITION_LEADER_EPOCH_OFFSET, partitionLeaderEpoch);
  }

  /**
   * Stamps new producer fields on the whole batch at {@code at} and writes its CRC again: a producer that
   * bumped its epoch numbers a ready-made batch again this way, without encoding its records again.
   */
  public static void setProducer(ByteBuffer buffer, int at, long producerId, short producerEpoch, int baseSequence) {
    buffer.putLong(at + PRODUCER_ID_OFFSET, producerId);
    buffer.putShort(at + PRODUCER_EPOCH_OFFSET, producerEpoch);
    buffer.putInt(at + BASE_SEQUENCE_OFFSET, baseSequence);
    buffer.putInt(at + CRC_OFFSET, (int) computeCrc(buffer, at, sizeInBytes(buffer, at)));
  }

  /** CRC-32C over [attributes, end of batch) of the batch at {@code at}, whose total size is {@code size}. */
  public static long computeCrc(ByteBuffer buffer, int at, int size) {
    CRC32C crc = new CRC32C();
    ByteBuffer view = buffer.duplicate();
    view.limit(at + size).position(at + ATTRIBUTES_OFFSET);
    crc.update(view);
    return crc.getValue();
  }

  /**
   * Why the batch at {@code at} is not a valid, complete v2 batch within {@code limit}, or
   * {@code null} if it is. Checks, in order: room for the header, magic, a length that fits the
   * buffer and the record count, then the CRC.
   */
  public static String invalidReason(ByteBuffer buffer, int at, int limit) {
    if (limit - at < HEADER_SIZE) {
      return "only " + (limit - at) + " bytes left, a batch header needs " + HEADER_SIZE;
    }
    byte magic = magic(buffer, at);
    if (magic != MAGIC_V2) {
      return "magic is " + magic + ", expected " + MAGIC_V2;
    }
    int length = batchLength(buffer, at);
    if (length < HEADER_SIZE - LOG_OVERHEAD) {
      return "batchLength " + length + " is smaller than the header";
    }
    if ((long) at + LOG_OVERHEAD + length > limit) {
      return "batchLength " + length + " runs past the end (" + (limit - at - LOG_OVERHEAD) + " bytes left)";
    }
    int count = recordsCount(buffer, at);
    if (count < 0 || lastOffsetDelta(buffer, at) < 0) {
      return "recordsCount " + count + " / lastOffsetDelta " + lastOffsetDelta(buffer, at) + " is negative";
    }
    long stored = storedCrc(buffer, at);
    long actual = computeCrc(buffer, at, LOG_OVERHEAD + length);
    if (stored != actual) {
      return String.format("CRC is 0x%08x, computed 0x%08x", stored, actual);
    }
    return null;
  }
}
