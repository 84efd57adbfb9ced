package io.cairn.eventstore.internal.partition;

/**
 * State captured on the owner thread to be made durable by the disk thread once the log is fsynced
 * past {@code logEndOffset}.
 *
 * @param logEndOffset     the log end when captured: the recovery point to write
 * @param producerSnapshot producer state covering every batch below {@code logEndOffset}
 */
record Checkpoint(long logEndOffset, byte[] producerSnapshot) {
}
