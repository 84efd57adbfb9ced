package io.cairn.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cairn.client.ProduceAck;
import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.Header;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StoredEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The accumulator side of a partition (batching by size and linger, records serialized on append) and its sequencing state. */
class PartitionStateTest {

  private static final int BATCH_SIZE = 1000;
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long TIMESTAMP_MS = 1_700_000_000_000L;

  private final MemoryBudget budget = new MemoryBudget(1 << 20, BATCH_SIZE);
  private final BufferPool pool = new BufferPool(budget, BATCH_SIZE);
  private final PartitionState partition = new PartitionState("orders", 2);
  private final List<Future<ProduceAck>> acks = new ArrayList<>();

  /** A record whose payload makes it take about {@code recordBytes} in a batch. */
  private static EventData eventOfAbout(int recordBytes) {
    return EventData.of("E", new byte[Math.max(0, recordBytes - 60)]);
  }

  private int append(int recordBytes, long nowNanos) {
    return append(eventOfAbout(recordBytes), nowNanos);
  }

  private int append(EventData event, long nowNanos) {
    Promise<ProduceAck> promise = Promise.promise();
    acks.add(promise.future());
    return partition.append("a-" + acks.size(), event, promise, pool, null, TIMESTAMP_MS, nowNanos);
  }

  @Nested
  class Batching {

    @Test
    void firstRecordOpensABatchThatWaitsForLinger() {
      // when
      int flags = append(100, 0);

      // then
      assertThat(flags).isEqualTo(PartitionState.NEW_BATCH);
      assertThat(budget.usedBytes()).as("the batch holds one batch.size buffer").isEqualTo(BATCH_SIZE);
      assertThat(partition.pollSendable(LINGER_NANOS - 1, LINGER_NANOS, false)).isNull();
      assertThat(partition.sendableAtNanos(LINGER_NANOS)).isEqualTo(LINGER_NANOS);
      ProducerBatch batch = partition.pollSendable(LINGER_NANOS, LINGER_NANOS, false);
      assertThat(batch).isNotNull();
      assertThat(batch.recordCount()).isEqualTo(1);
      assertThat(partition.queueEmpty()).isTrue();
    }

    @Test
    void aRecordThatDoesNotFitClosesTheBatchAndOpensANewOne() {
      // given: four records of about 200 bytes
      for (int i = 0; i < 4; i++) {
        assertThat(append(200, i)).isIn(0, PartitionState.NEW_BATCH);
      }

      // when
      int flags = append(200, 10);

      // then
      assertThat(flags).isEqualTo(PartitionState.NEW_BATCH | PartitionState.BATCH_READY);
      ProducerBatch full = partition.pollSendable(11, LINGER_NANOS, false);
      assertThat(full).as("a closed batch goes without waiting for linger").isNotNull();
      assertThat(full.recordCount()).isEqualTo(4);
      assertThat(full.sizeInBytes()).isLessThanOrEqualTo(BATCH_SIZE);
      assertThat(partition.pollSendable(11, LINGER_NANOS, false)).as("the new batch lingers").isNull();
      assertThat(budget.usedBytes()).isEqualTo(2 * BATCH_SIZE);
    }

    @Test
    void aRecordLargerThanTheBatchSizeGetsABatchAndABufferOfItsOwn() {
      // given
      append(100, 0);

      // when
      int flags = append(5000, 1);
      append(100, 2);

      // then
      assertThat(flags).isEqualTo(PartitionState.NEW_BATCH | PartitionState.BATCH_READY);
      long used = budget.usedBytes();
      List<ProducerBatch> batches = new ArrayList<>();
      ProducerBatch batch;
      while ((batch = partition.pollSendable(100 * LINGER_NANOS, LINGER_NANOS, false)) != null) {
        batches.add(batch);
      }
      assertThat(batches).extracting(ProducerBatch::recordCount).containsExactly(1, 1, 1);
      assertThat(batches.get(1).capacityBytes()).isGreaterThan(5000).isLessThan(5200);
      assertThat(used).isEqualTo(2L * BATCH_SIZE + batches.get(1).capacityBytes());
      batches.forEach(done -> done.complete(0));
      assertThat(budget.usedBytes()).isZero();
      assertThat(pool.freeBuffers()).as("only batch.size buffers are kept").isEqualTo(2);
    }

    @Test
    void aRecordLargerThanTheWholeBufferMemoryIsRefusedAsTooLarge() {
      // when
      int flags = append(2 << 20, 0);

      // then
      assertThat(flags).isEqualTo(PartitionState.TOO_LARGE);
      assertThat(partition.queueEmpty()).isTrue();
      assertThat(budget.usedBytes()).isZero();
    }

    @Test
    void withoutRoomForANewBufferTheRecordIsRefusedAndTheOpenBatchStaysOpen() {
      // given: a budget of one batch, filled by the open batch
      MemoryBudget small = new MemoryBudget(BATCH_SIZE, BATCH_SIZE);
      BufferPool smallPool = new BufferPool(small, BATCH_SIZE);
      int flags = 0;
      int appended = 0;
      while (flags != PartitionState.NO_MEMORY) {
        flags = partition.append("a", eventOfAbout(200), Promise.promise(), smallPool, null, TIMESTAMP_MS, 0);
        appended++;
      }

      // then
      assertThat(appended - 1).as("records in the one batch").isEqualTo(4);
      assertThat(small.usedBytes()).isEqualTo(BATCH_SIZE);
      assertThat(partition.peekSendable(1, LINGER_NANOS, false)).as("the open batch still lingers").isNull();
      assertThat(partition.pollSendable(LINGER_NANOS, LINGER_NANOS, false).recordCount()).isEqualTo(4);
    }

    @Test
    void anInvalidRecordIsRefusedAloneAndItsBatchMatesAreKept() {
      // given
      append(100, 0);

      // when
      Throwable refused = catchThrowable(() -> append(EventData.of("", new byte[1]), 1));
      append(100, 2);

      // then
      assertThat(refused).isInstanceOfSatisfying(InvalidInputException.class,
          e -> assertThat(e.field()).isEqualTo("events[1].type"));
      ProducerBatch batch = partition.pollSendable(0, LINGER_NANOS, true);
      assertThat(batch.recordCount()).isEqualTo(2);
      List<StoredEvent> encoded = EventBatches.decode("orders", 2, batch.encode(CompressionType.NONE,
          ProducerInfo.NONE), 0);
      assertThat(encoded).extracting(StoredEvent::aggregateId).containsExactly("a-1", "a-3");
    }

    @Test
    void anInvalidFirstRecordOpensNoBatchAndHoldsNoMemory() {
      Throwable refused = catchThrowable(() -> append(new EventData(UUID.randomUUID(), "E", new byte[1],
          List.of(Header.of("cairn.v", "1"))), 0));
      assertThat(refused).isInstanceOf(InvalidInputException.class);
      assertThat(partition.queueEmpty()).isTrue();
      assertThat(budget.usedBytes()).isZero();
    }

    @Test
    void closeOpenBatchMakesItSendableAtOnceAndFlagsIgnoreLinger() {
      append(100, 0);
      assertThat(partition.peekSendable(1, LINGER_NANOS, false)).isNull();
      assertThat(partition.peekSendable(1, LINGER_NANOS, true)).isNotNull();
      partition.closeOpenBatch();
      assertThat(partition.pollSendable(1, LINGER_NANOS, false)).isNotNull();
    }

    @Test
    void completingABatchAnswersEachRecordWithItsOffsetAndGivesItsBufferBack() {
      // given
      append(100, 0);
      append(150, 1);
      append(120, 2);
      ProducerBatch batch = partition.pollSendable(0, LINGER_NANOS, true);

      // when
      batch.complete(40);

      // then
      assertThat(acks).allSatisfy(ack -> assertThat(ack.isComplete()).isTrue());
      assertThat(acks).extracting(ack -> ack.result().offset()).containsExactly(40L, 41L, 42L);
      assertThat(acks).extracting(ack -> ack.result().partition()).containsOnly(2);
      assertThat(budget.usedBytes()).isZero();
      assertThat(pool.freeBuffers()).isEqualTo(1);
      assertThat(batch.done().isComplete()).isTrue();
    }

    @Test
    void aBatchNumberedAgainKeepsItsRecordBytesAndGetsTheNewProducerFields() {
      // given
      append(100, 0);
      append(100, 1);
      ProducerBatch batch = partition.pollSendable(0, LINGER_NANOS, true);
      byte[] first = bytes(batch.encode(CompressionType.LZ4, new ProducerInfo(9, (short) 1, 10)));

      // when
      batch.resetSequence();
      byte[] second = bytes(batch.encode(CompressionType.LZ4, new ProducerInfo(9, (short) 2, 0)));

      // then
      assertThat(batch.epoch()).isEqualTo((short) 2);
      assertThat(batch.baseSequence()).isZero();
      int recordsAt = 61;
      assertThat(Arrays.copyOfRange(second, recordsAt, second.length))
          .isEqualTo(Arrays.copyOfRange(first, recordsAt, first.length));
      assertThat(EventBatches.decode("orders", 2, ByteBuffer.wrap(second), 0)).hasSize(2);
    }

    private byte[] bytes(ByteBuffer batch) {
      byte[] bytes = new byte[batch.remaining()];
      batch.duplicate().get(bytes);
      return bytes;
    }

    @Test
    void expiredQueuedBatchesAreTakenOldestFirst() {
      append(900, 0);
      append(900, 10);
      append(900, 20);
      List<ProducerBatch> expired = partition.removeQueuedCreatedBefore(10);
      assertThat(expired).extracting(ProducerBatch::createdNanos).containsExactly(0L, 10L);
      assertThat(partition.oldestQueuedCreatedNanos(-1)).isEqualTo(20);
    }
  }

  @Nested
  class Sequencing {

    @Test
    void sequencesRunOnWithoutGapsAndWrapLikeTheNodes() {
      assertThat(partition.takeSequence(3)).isZero();
      assertThat(partition.takeSequence(2)).isEqualTo(3);
      assertThat(partition.peekSequence()).isEqualTo(5);
      PartitionState nearEnd = new PartitionState("t", 0);
      nearEnd.takeSequence(Integer.MAX_VALUE - 1);
      assertThat(nearEnd.takeSequence(3)).isEqualTo(Integer.MAX_VALUE - 1);
      assertThat(nearEnd.peekSequence()).as("MAX-1, MAX, 0 taken; next is 1").isEqualTo(1);
    }

    @Test
    void retriesAreKeptInFirstSendOrderWhateverOrderTheyFailIn() {
      // given
      List<ProducerBatch> sent = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        append(BATCH_SIZE, i);
        ProducerBatch batch = partition.pollSendable(i, LINGER_NANOS, true);
        batch.markSent(partition.takeSendOrder());
        sent.add(batch);
      }

      // when
      partition.addRetry(sent.get(2));
      partition.addRetry(sent.get(0));
      partition.addRetry(sent.get(3));
      partition.addRetry(sent.get(1));

      // then
      assertThat(partition.retries()).containsExactly(sent.get(0), sent.get(1), sent.get(2), sent.get(3));
    }

    @Test
    void retriesWaitForOlderBatchesInFlightThenGoBackToBack() {
      // given
      append(BATCH_SIZE, 0);
      ProducerBatch first = partition.pollSendable(0, LINGER_NANOS, true);
      first.markSent(partition.takeSendOrder());
      append(BATCH_SIZE, 1);
      ProducerBatch second = partition.pollSendable(1, LINGER_NANOS, true);
      second.markSent(partition.takeSendOrder());
      partition.inFlight().add(second);

      // when
      partition.addRetry(first);

      // then
      assertThat(partition.retryMayGo()).as("second is still in flight").isFalse();
      partition.inFlight().remove(second);
      partition.addRetry(second);
      assertThat(partition.retryMayGo()).isTrue();
      partition.inFlight().add(partition.retries().pollFirst());
      assertThat(partition.retryMayGo()).as("retries go back to back once started").isTrue();
    }

    @Test
    void aResetWaitsForInFlightThenBumpsTheEpochAndRenumbers() {
      // given
      partition.maybeInitEpoch((short) 3);
      partition.takeSequence(10);
      append(BATCH_SIZE, 0);
      ProducerBatch waiting = partition.pollSendable(0, LINGER_NANOS, true);
      waiting.encode(CompressionType.NONE, new ProducerInfo(5, (short) 3, 10));
      waiting.markSent(partition.takeSendOrder());
      partition.addRetry(waiting);
      append(BATCH_SIZE, 1);
      ProducerBatch inFlight = partition.pollSendable(1, LINGER_NANOS, true);
      partition.inFlight().add(inFlight);

      // when
      partition.requestReset();
      boolean whileInFlight = partition.maybeReset();
      partition.inFlight().clear();
      boolean afterwards = partition.maybeReset();

      // then
      assertThat(whileInFlight).isFalse();
      assertThat(afterwards).isTrue();
      assertThat(partition.epoch()).isEqualTo((short) 4);
      assertThat(partition.peekSequence()).isZero();
      assertThat(waiting.hasSequence()).isFalse();
      assertThat(waiting.encoded()).isNull();
      assertThat(partition.resetPending()).isFalse();
      partition.maybeInitEpoch((short) 0);
      assertThat(partition.epoch()).as("a known epoch is kept").isEqualTo((short) 4);
    }

    @Test
    void backoffHoldsSendsUntilItsDeadline() {
      assertThat(partition.backingOff(Long.MIN_VALUE + 5)).as("no backoff before any retry, whatever the clock")
          .isFalse();
      partition.backOffUntil(-100);
      assertThat(partition.backingOff(-200)).isTrue();
      assertThat(partition.backingOff(-100)).isFalse();
      assertThat(partition.consecutiveRetries()).isEqualTo(1);
      partition.succeeded();
      assertThat(partition.consecutiveRetries()).isZero();
    }
  }
}
