package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.AppendResult;
import io.vertx.core.Promise;

/**
 * An append written to the page cache and waiting for the fsync that covers it.
 *
 * @param lastOffset the last offset of the append; an fsync covering {@code lastOffset + 1} acknowledges it
 * @param result     what to answer
 * @param promise    whom to answer
 */
record PendingAck(long lastOffset, AppendResult result, Promise<AppendResult> promise) {
}
