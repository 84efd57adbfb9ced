package io.cairn.eventstore;

/** The named topic (or partition of it) does not exist. Not retryable. */
public final class UnknownTopicException extends CairnException {

  public UnknownTopicException(String topic) {
    super("unknown topic \"" + topic + "\"", false);
  }

  public UnknownTopicException(String topic, int partition, int partitions) {
    super("topic \"" + topic + "\" has no partition " + partition + " (it has " + partitions + ")", false);
  }

  private UnknownTopicException(String message, boolean retryable) {
    super(message, retryable);
  }

  /** The exception a node reported over the network, with its message as is. */
  public static UnknownTopicException fromRemote(String message) {
    return new UnknownTopicException(message, false);
  }
}
