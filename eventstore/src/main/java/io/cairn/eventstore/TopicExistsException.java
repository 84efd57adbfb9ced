package io.cairn.eventstore;

/** A topic with that name already exists. Not retryable. */
public final class TopicExistsException extends CairnException {

  public TopicExistsException(String topic) {
    super("topic \"" + topic + "\" already exists", false);
  }

  private TopicExistsException(String message, boolean retryable) {
    super(message, retryable);
  }

  /** The exception a node reported over the network, with its message as is. */
  public static TopicExistsException fromRemote(String message) {
    return new TopicExistsException(message, false);
  }
}
