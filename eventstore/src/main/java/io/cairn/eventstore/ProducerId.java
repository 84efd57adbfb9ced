package io.cairn.eventstore;

/**
 * An idempotent producer's identity, handed out by {@link EventStore#initProducerId()}: unique for the
 * lifetime of the data directory (never handed out twice, across restarts too).
 *
 * @param id    the producer id, at least 0
 * @param epoch the epoch of the id, at least 0
 */
public record ProducerId(long id, short epoch) {

  public ProducerId {
    if (id < 0) {
      throw new InvalidInputException("id", id, "must be at least 0");
    }
    if (epoch < 0) {
      throw new InvalidInputException("epoch", epoch, "must be at least 0");
    }
  }
}
