package io.cairn.eventstore.internal.log;

/**
 * An offset and the byte position of the batch starting with it in a segment's {@code .log}.
 *
 * @param offset   base offset of the batch
 * @param position byte position of the batch in its segment
 */
public record OffsetPosition(long offset, int position) {
}
