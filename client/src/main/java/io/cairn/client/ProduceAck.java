package io.cairn.client;

/**
 * Where a record sent by {@link CairnProducer#send} was stored.
 *
 * @param partition the partition the record's aggregate id maps to
 * @param offset    the record's offset in it; -1 with {@code acks=0}, where the node does not answer
 */
public record ProduceAck(int partition, long offset) {
}
