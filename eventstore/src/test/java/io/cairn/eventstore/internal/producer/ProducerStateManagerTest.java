package io.cairn.eventstore.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.OutOfOrderSequenceException;
import io.cairn.eventstore.ProducerFencedException;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StorageException;
import org.junit.jupiter.api.Test;

class ProducerStateManagerTest {

  private final ProducerStateManager state = new ProducerStateManager();

  private void store(long producerId, short epoch, int firstSequence, int count, long firstOffset) {
    state.record(producerId, epoch, firstSequence, count, firstOffset, firstOffset + count - 1, 1, count);
  }

  @Test
  void unknownProducerMayStartAnywhere() {
    assertThat(state.checkSequence(new ProducerInfo(7, (short) 0, 42), 3)).isEmpty();
  }

  @Test
  void retryOfOneOfTheLastFiveBatchesReturnsTheOriginal() {
    // given five batches of two events
    for (int i = 0; i < 5; i++) {
      store(7, (short) 0, i * 2, 2, 100 + i * 2);
    }
    // when the second one is sent again
    var duplicate = state.checkSequence(new ProducerInfo(7, (short) 0, 2), 2);
    // then
    assertThat(duplicate).hasValueSatisfying(batch -> {
      assertThat(batch.firstOffset()).isEqualTo(102);
      assertThat(batch.lastOffset()).isEqualTo(103);
    });
  }

  @Test
  void onlyTheLastFiveBatchesAreRemembered() {
    for (int i = 0; i < 6; i++) {
      store(7, (short) 0, i, 1, i);
    }
    assertThatThrownBy(() -> state.checkSequence(new ProducerInfo(7, (short) 0, 0), 1))
        .isInstanceOf(OutOfOrderSequenceException.class)
        .hasMessageContaining("expected 6");
    assertThat(state.checkSequence(new ProducerInfo(7, (short) 0, 1), 1)).isPresent();
  }

  @Test
  void gapInSequenceIsOutOfOrder() {
    store(7, (short) 0, 0, 3, 0);
    assertThatThrownBy(() -> state.checkSequence(new ProducerInfo(7, (short) 0, 5), 1))
        .isInstanceOf(OutOfOrderSequenceException.class)
        .hasMessageContaining("sent sequence 5, expected 3");
    assertThat(state.checkSequence(new ProducerInfo(7, (short) 0, 3), 1)).isEmpty();
  }

  @Test
  void olderEpochIsFencedAndNewerEpochMustStartAtZero() {
    store(7, (short) 2, 0, 1, 0);
    assertThatThrownBy(() -> state.checkSequence(new ProducerInfo(7, (short) 1, 1), 1))
        .isInstanceOf(ProducerFencedException.class);
    assertThatThrownBy(() -> state.checkSequence(new ProducerInfo(7, (short) 3, 4), 1))
        .isInstanceOf(OutOfOrderSequenceException.class);
    assertThat(state.checkSequence(new ProducerInfo(7, (short) 3, 0), 1)).isEmpty();
  }

  @Test
  void sequenceWrapsAfterIntegerMax() {
    store(7, (short) 0, Integer.MAX_VALUE - 1, 2, 0);
    assertThat(state.checkSequence(new ProducerInfo(7, (short) 0, 0), 1)).isEmpty();
  }

  @Test
  void snapshotRestoresEveryProducer() {
    store(7, (short) 1, 0, 2, 10);
    store(8, (short) 0, 5, 1, 12);
    byte[] snapshot = state.snapshot(13);

    ProducerStateManager restored = new ProducerStateManager();
    assertThat(restored.restore(snapshot, "test")).isEqualTo(13);
    assertThat(restored.producerCount()).isEqualTo(2);
    assertThat(restored.checkSequence(new ProducerInfo(7, (short) 1, 0), 2)).isPresent();
    assertThat(restored.checkSequence(new ProducerInfo(8, (short) 0, 6), 1)).isEmpty();
  }

  @Test
  void corruptSnapshotIsRefusedNamingTheSource() {
    store(7, (short) 1, 0, 2, 10);
    byte[] snapshot = state.snapshot(13);
    snapshot[10] ^= 1;
    assertThatThrownBy(() -> new ProducerStateManager().restore(snapshot, "p-0/producer-state"))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("p-0/producer-state")
        .hasMessageContaining("CRC");
  }

  @Test
  void truncationForgetsBatchesFromTheCut() {
    store(7, (short) 0, 0, 1, 0);
    store(7, (short) 0, 1, 1, 1);
    state.truncateFrom(1);
    assertThat(state.checkSequence(new ProducerInfo(7, (short) 0, 1), 1)).isEmpty();
  }
}
