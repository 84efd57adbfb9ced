package io.cairn.eventstore;

/**
 * An idempotent producer sent a sequence number that is neither the next one expected nor one of the
 * remembered recent batches: a batch in between was lost. Not retryable as is; the producer must
 * bump its epoch (Kafka's OutOfOrderSequenceException).
 */
public final class OutOfOrderSequenceException extends CairnException {

  public OutOfOrderSequenceException(long producerId, int expectedSequence, int actualSequence) {
    super("producer " + producerId + " sent sequence " + actualSequence + ", expected " + expectedSequence
        + " (or a retry of one of the last " + ProducerInfo.MAX_REMEMBERED_BATCHES + " batches)", false);
  }

  private OutOfOrderSequenceException(String message, boolean retryable) {
    super(message, retryable);
  }

  /** The exception a node reported over the network, with its message as is. */
  public static OutOfOrderSequenceException fromRemote(String message) {
    return new OutOfOrderSequenceException(message, false);
  }
}
