package io.cairn.eventstore;

/**
 * Kafka's idempotent-producer fields. A partition remembers the last
 * {@value #MAX_REMEMBERED_BATCHES} batches of each producer; a batch whose sequence it has already
 * stored is answered with the original result instead of being stored again.
 *
 * @param producerId    producer id, or -1 for none
 * @param producerEpoch epoch of the producer id; a newer epoch fences older ones
 * @param baseSequence  sequence number of the first event in the append, per producer and partition
 */
public record ProducerInfo(long producerId, short producerEpoch, int baseSequence) {

  /** Batches remembered per producer and partition, as in Kafka. */
  public static final int MAX_REMEMBERED_BATCHES = 5;

  /** No idempotent producer. */
  public static final ProducerInfo NONE = new ProducerInfo(-1, (short) -1, -1);

  public ProducerInfo {
    if (producerId < -1) {
      throw new InvalidInputException("producerId", producerId, "must be -1 (none) or at least 0");
    }
    if (producerId >= 0 && (producerEpoch < 0 || baseSequence < 0)) {
      throw new InvalidInputException("producerEpoch/baseSequence", producerEpoch + "/" + baseSequence,
          "must both be at least 0 when a producer id is given");
    }
  }

  /** Whether these fields name a producer. */
  public boolean isIdempotent() {
    return producerId >= 0;
  }
}
