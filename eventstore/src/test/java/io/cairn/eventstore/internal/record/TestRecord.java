package io.cairn.eventstore.internal.record;

import io.cairn.eventstore.Header;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A record as tests compare it: offset, timestamp, key, value, headers. Arrays compare by
 * content. Helpers build batches with our builder and read them back with our reader.
 */
record TestRecord(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

  static TestRecord of(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    return new TestRecord(-1, timestamp, key, value, List.copyOf(headers));
  }

  TestRecord withOffset(long newOffset) {
    return new TestRecord(newOffset, timestamp, key, value, headers);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TestRecord other && offset == other.offset && timestamp == other.timestamp
        && Arrays.equals(key, other.key) && Arrays.equals(value, other.value) && headers.equals(other.headers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offset, timestamp, Arrays.hashCode(key), Arrays.hashCode(value), headers);
  }

  @Override
  public String toString() {
    return "TestRecord[offset=" + offset + ", ts=" + timestamp + ", key=" + render(key) + ", value="
        + render(value) + ", headers=" + headers + "]";
  }

  private static String render(byte[] bytes) {
    return bytes == null ? "null" : bytes.length + " bytes";
  }

  /** The records with offsets base, base+1, ... as a reader reports them. */
  static List<TestRecord> withOffsets(List<TestRecord> records, long baseOffset) {
    List<TestRecord> result = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      result.add(records.get(i).withOffset(baseOffset + i));
    }
    return result;
  }

  /** Adds {@code records} to a builder already reset. */
  static void addAll(RecordBatchBuilder builder, List<TestRecord> records) {
    for (TestRecord record : records) {
      builder.addRecord(record.timestamp(), record.key(), record.value(), record.headers());
    }
  }

  /** Every record of the batch the reader was reset to, through the accessors that copy. */
  static List<TestRecord> readAll(RecordBatchReader reader) {
    List<TestRecord> records = new ArrayList<>();
    while (reader.next()) {
      records.add(new TestRecord(reader.offset(), reader.timestampMs(), reader.key().orElse(null),
          reader.value().orElse(null), reader.headers()));
    }
    return records;
  }
}
