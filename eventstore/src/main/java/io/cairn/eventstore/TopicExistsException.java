package io.cairn.eventstore;

/** A topic with that name already exists. Not retryable. */
public final class TopicExistsException extends CairnException {

  public TopicExistsException(String topic) {
    super("topic \"" + topic + "\" already exists", false);
  }
}
