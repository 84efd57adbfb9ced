package io.cairn.eventstore.internal.log;

/**
 * A timestamp and the base offset of the first batch that reached it.
 *
 * @param timestamp milliseconds since the epoch
 * @param offset    base offset of the batch
 */
public record TimestampOffset(long timestamp, long offset) {
}
