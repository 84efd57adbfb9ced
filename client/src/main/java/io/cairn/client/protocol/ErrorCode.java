package io.cairn.client.protocol;

import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.OutOfOrderSequenceException;
import io.cairn.eventstore.PartitionReadOnlyException;
import io.cairn.eventstore.ProducerFencedException;
import io.cairn.eventstore.StorageException;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.TopicExistsException;
import io.cairn.eventstore.UnknownTopicException;
import java.util.concurrent.TimeoutException;

/**
 * The error codes of the binary protocol (docs/protocol.md, "Error codes"): the {@code int16} on the
 * wire, whether a client may retry, and the mapping both ways between codes and Java exceptions:
 * {@link #of(Throwable)} on the node, {@link #toException(String)} on the client.
 */
public enum ErrorCode {
  NONE(0, false),
  UNKNOWN_SERVER_ERROR(1, false),
  MALFORMED_REQUEST(2, false),
  UNSUPPORTED_VERSION(3, false),
  UNKNOWN_API(4, false),
  FRAME_TOO_LARGE(5, false),
  CONNECTION_LIMIT_REACHED(6, true),
  INVALID_INPUT(7, false),
  UNKNOWN_TOPIC(8, false),
  TOPIC_ALREADY_EXISTS(9, false),
  CORRUPT_BATCH(10, false),
  OUT_OF_ORDER_SEQUENCE(11, false),
  PRODUCER_FENCED(12, false),
  STORAGE_ERROR(13, true),
  PARTITION_READ_ONLY(14, false),
  NODE_SHUTTING_DOWN(15, true),
  REQUEST_TIMED_OUT(16, true);

  /**
   * Produced batches that fail their CRC or layout checks are rejected by the store with an
   * {@link InvalidInputException} whose field starts with this prefix ({@code recordBatch.crc},
   * {@code recordBatch.magic}, ...); they travel as {@link #CORRUPT_BATCH}.
   */
  public static final String RECORD_BATCH_FIELD_PREFIX = "recordBatch";

  private static final ErrorCode[] BY_CODE = byCode();

  private final short code;
  private final boolean retryable;

  ErrorCode(int code, boolean retryable) {
    this.code = (short) code;
    this.retryable = retryable;
  }

  /** The {@code int16} on the wire. */
  public short code() {
    return code;
  }

  /** Whether the same request may succeed if sent again later (after a reconnect, a backoff). */
  public boolean retryable() {
    return retryable;
  }

  /**
   * The error with this code. A code this codec does not know (sent by a newer node) reads as
   * {@link #UNKNOWN_SERVER_ERROR}, as Kafka's clients do; the message still says what happened.
   */
  public static ErrorCode forCode(short code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN_SERVER_ERROR;
  }

  /**
   * The code a node answers for a failed request: the typed exceptions of the event store map to their
   * codes (table of docs/protocol.md), a {@link MalformedFrameException} to its own code, a
   * {@link TimeoutException} to {@link #REQUEST_TIMED_OUT}, anything else to {@link #UNKNOWN_SERVER_ERROR}.
   */
  public static ErrorCode of(Throwable failure) {
    if (failure instanceof MalformedFrameException malformed) {
      return malformed.errorCode();
    }
    if (failure instanceof InvalidInputException invalid) {
      return invalid.field().startsWith(RECORD_BATCH_FIELD_PREFIX) ? CORRUPT_BATCH : INVALID_INPUT;
    }
    if (failure instanceof UnknownTopicException) {
      return UNKNOWN_TOPIC;
    }
    if (failure instanceof TopicExistsException) {
      return TOPIC_ALREADY_EXISTS;
    }
    if (failure instanceof OutOfOrderSequenceException) {
      return OUT_OF_ORDER_SEQUENCE;
    }
    if (failure instanceof ProducerFencedException) {
      return PRODUCER_FENCED;
    }
    if (failure instanceof PartitionReadOnlyException) {
      return PARTITION_READ_ONLY;
    }
    if (failure instanceof StorageException) {
      return STORAGE_ERROR;
    }
    if (failure instanceof StoreClosedException) {
      return NODE_SHUTTING_DOWN;
    }
    if (failure instanceof TimeoutException) {
      return REQUEST_TIMED_OUT;
    }
    return UNKNOWN_SERVER_ERROR;
  }

  /**
   * The exception a client raises for this code, carrying the node's {@code message} as is (the code's
   * name when the node sent none): the last column of the table in docs/protocol.md. Its
   * {@link CairnException#retryable()} follows the exception type, which for {@link #STORAGE_ERROR}
   * ({@link StorageException}, never retryable in-process) differs from {@link #retryable()}: clients
   * decide retries by the code.
   *
   * @throws IllegalStateException for {@link #NONE}, which is not a failure
   */
  public CairnException toException(String message) {
    String text = message == null ? name() : message;
    return switch (this) {
      case NONE -> throw new IllegalStateException("error code NONE (0) is success, not a failure");
      case INVALID_INPUT, CORRUPT_BATCH -> InvalidInputException.fromRemote(text);
      case UNKNOWN_TOPIC -> UnknownTopicException.fromRemote(text);
      case TOPIC_ALREADY_EXISTS -> TopicExistsException.fromRemote(text);
      case OUT_OF_ORDER_SEQUENCE -> OutOfOrderSequenceException.fromRemote(text);
      case PRODUCER_FENCED -> ProducerFencedException.fromRemote(text);
      case STORAGE_ERROR -> new StorageException(text);
      case PARTITION_READ_ONLY -> PartitionReadOnlyException.fromRemote(text);
      case NODE_SHUTTING_DOWN -> StoreClosedException.fromRemote(text);
      default -> new CairnException(text, retryable);
    };
  }

  private static ErrorCode[] byCode() {
    ErrorCode[] values = values();
    ErrorCode[] table = new ErrorCode[values.length];
    for (ErrorCode error : values) {
      if (error.code != error.ordinal()) {
        throw new IllegalStateException("error codes must be dense: " + error + " has code " + error.code);
      }
      table[error.code] = error;
    }
    return table;
  }
}
