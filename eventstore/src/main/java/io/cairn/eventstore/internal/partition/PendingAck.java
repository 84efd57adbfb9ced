package io.cairn.eventstore.internal.partition;

import io.vertx.core.Promise;

/**
 * A write (an append or a produce) in the page cache waiting for the fsync that covers it.
 *
 * @param lastOffset the last offset of the write; an fsync covering {@code lastOffset + 1} acknowledges it
 * @param result     what to answer
 * @param promise    whom to answer
 * @param <T>        the result type
 */
record PendingAck<T>(long lastOffset, T result, Promise<T> promise) {

  /** Answers the writer. */
  void complete() {
    promise.complete(result);
  }

  /** Fails the writer. */
  void fail(Throwable cause) {
    promise.fail(cause);
  }
}
