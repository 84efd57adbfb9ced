package io.cairn.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.ProduceAck;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.KeyedEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The accumulator side of a partition (batching by size and linger) and its sequencing state. */
class PartitionStateTest {

  private static final int BATCH_SIZE = 1000;
  private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final MemoryBudget budget = new MemoryBudget(1 << 20, 1);
  private final PartitionState partition = new PartitionState("orders", 2);
  private final List<Future<ProduceAck>> acks = new ArrayList<>();

  private int append(int recordBytes, long nowNanos) {
    budget.tryReserve(recordBytes);
    Promise<ProduceAck> promise = Promise.promise();
    acks.add(promise.future());
    return partition.append(new KeyedEvent("a-" + acks.size(), EventData.of("E", new byte[10])), promise, recordBytes,
        BATCH_SIZE, budget, nowNanos);
  }

  @Nested
  class Batching {

    @Test
    void firstRecordOpensABatchThatWaitsForLinger() {
      // when
      int flags = append(100, 0);

      // then
      assertThat(flags).isEqualTo(PartitionState.NEW_BATCH);
      assertThat(partition.pollSendable(LINGER_NANOS - 1, LINGER_NANOS, false)).isNull();
      assertThat(partition.sendableAtNanos(LINGER_NANOS)).isEqualTo(LINGER_NANOS);
      ProducerBatch batch = partition.pollSendable(LINGER_NANOS, LINGER_NANOS, false);
      assertThat(batch).isNotNull();
      assertThat(batch.recordCount()).isEqualTo(1);
      assertThat(partition.queueEmpty()).isTrue();
    }

    @Test
    void aRecordThatWouldOverflowClosesTheBatchAndOpensANewOne() {
      // given: header (61) + 4 x 200 = 861 bytes
      for (int i = 0; i < 4; i++) {
        append(200, i);
      }

      // when
      int flags = append(200, 10);

      // then
      assertThat(flags).isEqualTo(PartitionState.NEW_BATCH | PartitionState.BATCH_READY);
      ProducerBatch full = partition.pollSendable(11, LINGER_NANOS, false);
      assertThat(full).as("a closed batch goes without waiting for linger").isNotNull();
      assertThat(full.recordCount()).isEqualTo(4);
      assertThat(full.estimatedBytes()).isLessThanOrEqualTo(BATCH_SIZE);
      assertThat(partition.pollSendable(11, LINGER_NANOS, false)).as("the new batch lingers").isNull();
    }

    @Test
    void aRecordThatFillsTheBatchExactlyClosesIt() {
      // when
      int flags = append(BATCH_SIZE - RecordSizes.BATCH_HEADER_BYTES, 0);

      // then
      assertThat(flags).isEqualTo(PartitionState.NEW_BATCH | PartitionState.BATCH_READY);
      assertThat(partition.pollSendable(0, LINGER_NANOS, false)).isNotNull();
    }

    @Test
    void aRecordLargerThanTheBatchSizeGetsABatchOfItsOwn() {
      // given
      append(100, 0);

      // when
      append(5000, 1);
      append(100, 2);

      // then
      List<Integer> counts = new ArrayList<>();
      ProducerBatch batch;
      while ((batch = partition.pollSendable(100 * LINGER_NANOS, LINGER_NANOS, false)) != null) {
        counts.add(batch.recordCount());
      }
      assertThat(counts).containsExactly(1, 1, 1);
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
    void completingABatchAnswersEachRecordWithItsOffsetAndReleasesItsMemory() {
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
      assertThat(batch.done().isComplete()).isTrue();
    }

    @Test
    void oneRefusedRecordFailsAloneAndTheOthersKeepTheirOrder() {
      // given
      for (int i = 0; i < 4; i++) {
        append(100, i);
      }
      ProducerBatch batch = partition.pollSendable(0, LINGER_NANOS, true);

      // when
      batch.failRecord(1, new IllegalStateException("bad type"));
      batch.complete(7);

      // then
      assertThat(acks.get(1).failed()).isTrue();
      assertThat(List.of(acks.get(0), acks.get(2), acks.get(3))).extracting(ack -> ack.result().offset())
          .containsExactly(7L, 8L, 9L);
      assertThat(batch.events()).isEmpty();
      assertThat(budget.usedBytes()).isZero();
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
      waiting.encoded(java.nio.ByteBuffer.allocate(1), (short) 3, 10);
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
