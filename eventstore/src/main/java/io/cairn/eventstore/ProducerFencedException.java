package io.cairn.eventstore;

/** A producer used an epoch older than the newest one seen for its id: a newer instance fenced it. */
public final class ProducerFencedException extends CairnException {

  public ProducerFencedException(long producerId, short epoch, short currentEpoch) {
    super("producer " + producerId + " epoch " + epoch + " is fenced by epoch " + currentEpoch, false);
  }

  private ProducerFencedException(String message, boolean retryable) {
    super(message, retryable);
  }

  /** The exception a node reported over the network, with its message as is. */
  public static ProducerFencedException fromRemote(String message) {
    return new ProducerFencedException(message, false);
  }
}
