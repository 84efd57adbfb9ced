package io.cairn.eventstore.internal.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.eventstore.CompressionType;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hot paths reuse their buffers: once warm, building a batch of events and reading every
 * record's key and version allocates (almost) nothing per batch. Measured with the JVM's
 * per-thread allocation counter.
 */
class AllocationTest {

  private static final int RECORDS = 20;
  private static final int WARM_UP_BATCHES = 3_000;
  private static final int MEASURED_BATCHES = 1_000;
  /** Per batch, whatever the codec: the ByteBuffer views and rounding noise, nothing per record. */
  private static final long MAX_BYTES_PER_BATCH = 64;

  @ParameterizedTest
  @EnumSource(CompressionType.class)
  void buildingAndReadingAWarmBatchAllocatesAlmostNothing(CompressionType compression) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs the HotSpot allocation counter");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    try (RecordBatchBuilder builder = new RecordBatchBuilder(); RecordBatchReader reader = new RecordBatchReader()) {
      // given
      byte[] aggregate = "customer-1001".getBytes(StandardCharsets.UTF_8);
      byte[] payload = "{\"amount\":100,\"currency\":\"EUR\"}".getBytes(StandardCharsets.UTF_8);
      byte[] keyCopy = new byte[64];
      long checksum = 0;
      for (int i = 0; i < WARM_UP_BATCHES; i++) {
        checksum += roundTrip(builder, reader, compression, aggregate, payload, keyCopy, i);
      }

      // when
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < MEASURED_BATCHES; i++) {
        checksum += roundTrip(builder, reader, compression, aggregate, payload, keyCopy, i);
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;

      // then
      assertThat(checksum).isPositive();
      assertThat(allocated / MEASURED_BATCHES).as("bytes allocated per batch of %d records, %s", RECORDS, compression)
          .isLessThanOrEqualTo(MAX_BYTES_PER_BATCH);
    }
  }

  @Test
  void aNewReaderOfUncompressedBatchesAllocatesNoDecompressionBuffer() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs the HotSpot allocation counter");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    // given an uncompressed batch, and the code paths warm
    ByteBuffer batch;
    try (RecordBatchBuilder builder = new RecordBatchBuilder()) {
      builder.reset(0, 1, CompressionType.NONE, -1L, (short) -1, -1, 1_700_000_000_000L);
      EventHeaders.startEvent(builder, 1_700_000_000_000L, "a".getBytes(StandardCharsets.UTF_8), 1, 1, 2, "T",
          new byte[10], 0);
      builder.endRecord();
      batch = builder.build();
    }
    long records = 0;
    for (int i = 0; i < WARM_UP_BATCHES; i++) {
      records += readAll(batch);
    }

    // when a reader is made for each batch, as a fetch decode does
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < MEASURED_BATCHES; i++) {
      records += readAll(batch);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    // then it costs the reader's small objects, not the 16 KiB decompression buffer it would never use
    assertThat(records).isEqualTo(WARM_UP_BATCHES + MEASURED_BATCHES);
    assertThat(allocated / MEASURED_BATCHES).as("bytes allocated per new reader").isLessThan(4096);
  }

  private static long readAll(ByteBuffer batch) {
    long records = 0;
    try (RecordBatchReader reader = new RecordBatchReader()) {
      reader.reset(batch, 0);
      while (reader.next()) {
        records++;
      }
    }
    return records;
  }

  private static long roundTrip(RecordBatchBuilder builder, RecordBatchReader reader, CompressionType compression,
      byte[] aggregate, byte[] payload, byte[] keyCopy, int batch) {
    builder.reset(batch * (long) RECORDS, 1, compression, -1L, (short) -1, -1, 1_700_000_000_000L);
    for (int i = 0; i < RECORDS; i++) {
      EventHeaders.startEvent(builder, 1_700_000_000_000L + i, aggregate, batch * (long) RECORDS + i + 1,
          batch, i, "MoneyDeposited", payload, 0);
      builder.endRecord();
    }
    ByteBuffer built = builder.build();
    reader.reset(built, 0);
    long sum = 0;
    while (reader.next()) {
      sum += reader.copyKey(keyCopy, 0) + EventHeaders.version(reader) + reader.valueLength();
    }
    return sum;
  }
}
