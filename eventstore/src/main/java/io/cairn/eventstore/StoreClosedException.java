package io.cairn.eventstore;

/** The store (or partition) was closed while the request was pending or before it arrived. Retryable. */
public final class StoreClosedException extends CairnException {

  public StoreClosedException(String what) {
    super(what + " is closed", true);
  }

  private StoreClosedException(String message, boolean retryable) {
    super(message, retryable);
  }

  /** The exception a node reported over the network, with its message as is. */
  public static StoreClosedException fromRemote(String message) {
    return new StoreClosedException(message, true);
  }
}
