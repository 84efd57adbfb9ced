package io.cairn.eventstore.serde;

import io.cairn.eventstore.CairnException;

/** An event that cannot be written or read; the message names the event type and schema id. */
public class SerializationException extends CairnException {

  public SerializationException(String message, Throwable cause) {
    super(message, false, cause);
  }

  public SerializationException(String message) {
    super(message, false, null);
  }

  /**
   * A failure that may be retryable: an event whose schema the codec's registry cache does not hold
   * yet, while the cache is being refreshed.
   */
  public SerializationException(String message, boolean retryable) {
    super(message, retryable, null);
  }
}
