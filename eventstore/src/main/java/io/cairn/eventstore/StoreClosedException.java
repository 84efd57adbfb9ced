package io.cairn.eventstore;

/** The store (or partition) was closed while the request was pending or before it arrived. Retryable. */
public final class StoreClosedException extends CairnException {

  public StoreClosedException(String what) {
    super(what + " is closed", true);
  }
}
