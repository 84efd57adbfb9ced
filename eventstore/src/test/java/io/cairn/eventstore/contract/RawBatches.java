package io.cairn.eventstore.contract;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Builds uncompressed Kafka record batches v2 byte by byte, independently of the store's own encoder,
 * so the contract suite can hand {@code EventStore.produce} batches that {@code EventBatches.encode}
 * would never build (a missing {@code cairn.e}, a version already set, a null key). Layout as in
 * docs/format.md. Stateless.
 */
public final class RawBatches {

  private static final int HEADER_BYTES = 61;
  private static final int CRC_FROM = 21;
  private static final int CRC_AT = 17;

  /** One header; a null value is written as length -1. */
  public record RawHeader(String key, byte[] value) {
  }

  /** One record; a null key or value is written as length -1. */
  public record RawRecord(String key, byte[] value, List<RawHeader> headers) {
  }

  private RawBatches() {
  }

  /** A record as {@code EventBatches.encode} writes it: key, value, {@code cairn.e} (version 0, event id, type). */
  public static RawRecord event(String aggregateId, String type, String payload) {
    List<RawHeader> headers = new ArrayList<>();
    headers.add(eventHeader(0L, UUID.randomUUID(), type.getBytes(StandardCharsets.UTF_8)));
    return new RawRecord(aggregateId, payload.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** A {@code cairn.e} header holding {@code version}, {@code eventId} and the type bytes {@code type}. */
  public static RawHeader eventHeader(long version, UUID eventId, byte[] type) {
    return new RawHeader("cairn.e", ByteBuffer.allocate(3 * Long.BYTES + type.length).putLong(version)
        .put(uuidBytes(eventId)).put(type).array());
  }

  /** {@code record} with its headers replaced. */
  public static RawRecord withHeaders(RawRecord record, List<RawHeader> headers) {
    return new RawRecord(record.key(), record.value(), headers);
  }

  /** A batch without producer fields. */
  public static ByteBuffer batch(List<RawRecord> records) {
    return batch(records, -1, (short) -1, -1, System.currentTimeMillis());
  }

  /** A batch of {@code records} at base offset 0, all with timestamp {@code timestampMs}. */
  public static ByteBuffer batch(List<RawRecord> records, long producerId, short producerEpoch, int baseSequence,
                                 long timestampMs) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < records.size(); i++) {
      ByteArrayOutputStream record = new ByteArrayOutputStream();
      RawRecord raw = records.get(i);
      record.write(0);
      writeVarlong(record, 0);
      writeVarlong(record, i);
      writeBytes(record, raw.key() == null ? null : raw.key().getBytes(StandardCharsets.UTF_8));
      writeBytes(record, raw.value());
      writeVarlong(record, raw.headers().size());
      for (RawHeader header : raw.headers()) {
        writeBytes(record, header.key().getBytes(StandardCharsets.UTF_8));
        writeBytes(record, header.value());
      }
      writeVarlong(body, record.size());
      body.writeBytes(record.toByteArray());
    }
    ByteBuffer batch = ByteBuffer.allocate(HEADER_BYTES + body.size());
    batch.putLong(0L)
        .putInt(HEADER_BYTES + body.size() - 12)
        .putInt(-1)
        .put((byte) 2)
        .putInt(0)
        .putShort((short) 0)
        .putInt(records.size() - 1)
        .putLong(timestampMs)
        .putLong(timestampMs)
        .putLong(producerId)
        .putShort(producerEpoch)
        .putInt(baseSequence)
        .putInt(records.size())
        .put(body.toByteArray());
    CRC32C crc = new CRC32C();
    crc.update(batch.array(), CRC_FROM, batch.capacity() - CRC_FROM);
    batch.putInt(CRC_AT, (int) crc.getValue());
    return batch.flip();
  }

  private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
    if (bytes == null) {
      writeVarlong(out, -1);
    } else {
      writeVarlong(out, bytes.length);
      out.writeBytes(bytes);
    }
  }

  /** Zigzag varint, as Kafka writes record fields. */
  private static void writeVarlong(ByteArrayOutputStream out, long value) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] uuidBytes(UUID id) {
    return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
  }
}
