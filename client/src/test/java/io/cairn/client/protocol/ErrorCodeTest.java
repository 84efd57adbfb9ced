package io.cairn.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.OutOfOrderSequenceException;
import io.cairn.eventstore.PartitionReadOnlyException;
import io.cairn.eventstore.ProducerFencedException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.TopicExistsException;
import io.cairn.eventstore.UnknownTopicException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The error table of docs/protocol.md: codes, retryable flags, and the exceptions on both sides. */
class ErrorCodeTest {

  @Test
  void codesAndRetryableFlagsAreTheTable() {
    assertThat(ErrorCode.values()).extracting(ErrorCode::code)
        .containsExactly((short) 0, (short) 1, (short) 2, (short) 3, (short) 4, (short) 5, (short) 6, (short) 7,
            (short) 8, (short) 9, (short) 10, (short) 11, (short) 12, (short) 13, (short) 14, (short) 15, (short) 16);
    assertThat(ErrorCode.values()).filteredOn(ErrorCode::retryable)
        .containsExactlyInAnyOrder(ErrorCode.CONNECTION_LIMIT_REACHED, ErrorCode.STORAGE_ERROR,
            ErrorCode.NODE_SHUTTING_DOWN, ErrorCode.REQUEST_TIMED_OUT);
  }

  @Test
  void unknownCodesReadAsUnknownServerError() {
    assertThat(ErrorCode.forCode((short) 999)).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR);
    assertThat(ErrorCode.forCode((short) -5)).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR);
    assertThat(ErrorCode.forCode((short) 8)).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
  }

  @Test
  void theNodeMapsStoreExceptionsToTheirCodes() {
    assertThat(ErrorCode.of(new InvalidInputException("aggregateId", "", "must not be empty")))
        .isEqualTo(ErrorCode.INVALID_INPUT);
    assertThat(ErrorCode.of(new InvalidInputException("recordBatch.crc", 1, "does not match")))
        .isEqualTo(ErrorCode.CORRUPT_BATCH);
    assertThat(ErrorCode.of(new UnknownTopicException("t"))).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
    assertThat(ErrorCode.of(new TopicExistsException("t"))).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
    assertThat(ErrorCode.of(new OutOfOrderSequenceException(1, 2, 3))).isEqualTo(ErrorCode.OUT_OF_ORDER_SEQUENCE);
    assertThat(ErrorCode.of(new ProducerFencedException(1, (short) 0, (short) 1))).isEqualTo(ErrorCode.PRODUCER_FENCED);
    assertThat(ErrorCode.of(new PartitionReadOnlyException("t-0", new IOException("disk"))))
        .isEqualTo(ErrorCode.PARTITION_READ_ONLY);
    assertThat(ErrorCode.of(new StorageException("disk full"))).isEqualTo(ErrorCode.STORAGE_ERROR);
    assertThat(ErrorCode.of(new StoreClosedException("store"))).isEqualTo(ErrorCode.NODE_SHUTTING_DOWN);
    assertThat(ErrorCode.of(new TimeoutException("slow"))).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
    assertThat(ErrorCode.of(new MalformedFrameException(ErrorCode.FRAME_TOO_LARGE, "big")))
        .isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(ErrorCode.of(new IllegalStateException("bug"))).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR);
  }

  @Test
  void theClientRaisesTheExceptionOfTheTableWithTheNodesMessage() {
    assertThat(ErrorCode.INVALID_INPUT.toException("aggregateId = \"\": must not be empty"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("aggregateId"))
        .hasMessage("aggregateId = \"\": must not be empty");
    assertThat(ErrorCode.CORRUPT_BATCH.toException("recordBatch.crc = 5: wrong"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("recordBatch.crc"));
    assertThat(ErrorCode.UNKNOWN_TOPIC.toException("m")).isExactlyInstanceOf(UnknownTopicException.class).hasMessage("m");
    assertThat(ErrorCode.TOPIC_ALREADY_EXISTS.toException("m")).isExactlyInstanceOf(TopicExistsException.class);
    assertThat(ErrorCode.OUT_OF_ORDER_SEQUENCE.toException("m")).isExactlyInstanceOf(OutOfOrderSequenceException.class);
    assertThat(ErrorCode.PRODUCER_FENCED.toException("m")).isExactlyInstanceOf(ProducerFencedException.class);
    assertThat(ErrorCode.STORAGE_ERROR.toException("m")).isExactlyInstanceOf(StorageException.class);
    assertThat(ErrorCode.PARTITION_READ_ONLY.toException("m")).isExactlyInstanceOf(PartitionReadOnlyException.class);
    assertThat(ErrorCode.NODE_SHUTTING_DOWN.toException("m")).isExactlyInstanceOf(StoreClosedException.class)
        .satisfies(e -> assertThat(e.retryable()).isTrue());
    assertThat(ErrorCode.REQUEST_TIMED_OUT.toException("m")).isExactlyInstanceOf(CairnException.class)
        .satisfies(e -> assertThat(e.retryable()).isTrue());
    assertThat(ErrorCode.MALFORMED_REQUEST.toException(null)).isExactlyInstanceOf(CairnException.class)
        .hasMessage("MALFORMED_REQUEST");
  }

  @Test
  void everyFailureCodeMapsBackToItselfThroughItsException() {
    for (ErrorCode code : ErrorCode.values()) {
      if (code == ErrorCode.NONE) {
        continue;
      }
      CairnException exception = code.toException(code.name() + " = 1: a message");
      ErrorCode back = ErrorCode.of(exception);
      if (exception.getClass() == CairnException.class) {
        assertThat(back).as("%s", code).isEqualTo(ErrorCode.UNKNOWN_SERVER_ERROR);
      } else if (code == ErrorCode.CORRUPT_BATCH) {
        assertThat(back).isEqualTo(ErrorCode.INVALID_INPUT);
      } else {
        assertThat(back).as("%s", code).isEqualTo(code);
      }
    }
  }

  @Test
  void noneIsNotAFailure() {
    assertThatThrownBy(() -> ErrorCode.NONE.toException("x")).isInstanceOf(IllegalStateException.class);
  }
}
