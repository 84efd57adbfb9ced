package io.cairn.eventstore.internal.log;

import io.cairn.eventstore.internal.record.BatchHeader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Test-only builder of valid, uncompressed Kafka record batches v2 (header, records with zigzag
 * varints, CRC-32C), so the log can be tested before the record codec exists. Not thread-safe.
 */
final class TestBatches {

  private TestBatches() {
  }

  /** A batch of {@code records} records starting at {@code baseOffset}, all at {@code timestampMs}. */
  static ByteBuffer batch(long baseOffset, int records, long timestampMs, int valueBytes) {
    long[] timestamps = new long[records];
    Arrays.fill(timestamps, timestampMs);
    return batch(baseOffset, timestamps, valueBytes);
  }

  /** A batch with one record per timestamp, starting at {@code baseOffset}. */
  static ByteBuffer batch(long baseOffset, long[] timestampsMs, int valueBytes) {
    long baseTimestamp = timestampsMs[0];
    long maxTimestamp = Arrays.stream(timestampsMs).max().orElseThrow();
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (int i = 0; i < timestampsMs.length; i++) {
      byte[] key = ("key-" + (baseOffset + i)).getBytes(StandardCharsets.UTF_8);
      byte[] value = new byte[valueBytes];
      Arrays.fill(value, (byte) ('a' + (int) ((baseOffset + i) % 26)));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(0);
      writeVarlong(body, timestampsMs[i] - baseTimestamp);
      writeVarlong(body, i);
      writeVarlong(body, key.length);
      body.writeBytes(key);
      writeVarlong(body, value.length);
      body.writeBytes(value);
      writeVarlong(body, 0);
      writeVarlong(records, body.size());
      records.writeBytes(body.toByteArray());
    }
    int size = BatchHeader.HEADER_SIZE + records.size();
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.putLong(BatchHeader.BASE_OFFSET_OFFSET, baseOffset);
    buffer.putInt(BatchHeader.LENGTH_OFFSET, size - BatchHeader.LOG_OVERHEAD);
    buffer.putInt(BatchHeader.PARTITION_LEADER_EPOCH_OFFSET, 0);
    buffer.put(BatchHeader.MAGIC_OFFSET, BatchHeader.MAGIC_V2);
    buffer.putShort(BatchHeader.ATTRIBUTES_OFFSET, (short) 0);
    buffer.putInt(BatchHeader.LAST_OFFSET_DELTA_OFFSET, timestampsMs.length - 1);
    buffer.putLong(BatchHeader.BASE_TIMESTAMP_OFFSET, baseTimestamp);
    buffer.putLong(BatchHeader.MAX_TIMESTAMP_OFFSET, maxTimestamp);
    buffer.putLong(BatchHeader.PRODUCER_ID_OFFSET, BatchHeader.NO_PRODUCER_ID);
    buffer.putShort(BatchHeader.PRODUCER_EPOCH_OFFSET, BatchHeader.NO_PRODUCER_EPOCH);
    buffer.putInt(BatchHeader.BASE_SEQUENCE_OFFSET, BatchHeader.NO_SEQUENCE);
    buffer.putInt(BatchHeader.RECORDS_COUNT_OFFSET, timestampsMs.length);
    buffer.position(BatchHeader.RECORDS_OFFSET);
    buffer.put(records.toByteArray());
    buffer.clear();
    buffer.putInt(BatchHeader.CRC_OFFSET, (int) BatchHeader.computeCrc(buffer, 0, size));
    return buffer;
  }

  /** Recomputes the CRC of the batch at {@code at} (after a test changed a field inside it). */
  static void resealCrc(ByteBuffer buffer, int at) {
    int size = BatchHeader.sizeInBytes(buffer, at);
    buffer.putInt(at + BatchHeader.CRC_OFFSET, (int) BatchHeader.computeCrc(buffer, at, size));
  }

  private static void writeVarlong(ByteArrayOutputStream out, long value) {
    long zigzag = (value << 1) ^ (value >> 63);
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
  }
}
