package io.cairn.client;

import io.cairn.eventstore.CairnException;

/**
 * A {@link CairnProducer#send} found the producer's {@code buffer.memory} full of records not yet
 * acknowledged. Nothing was queued. Retryable: wait for {@link CairnProducer#bufferAvailable()} and send again.
 */
public final class BufferExhaustedException extends CairnException {

  public BufferExhaustedException(long recordBytes, long usedBytes, long bufferMemoryBytes) {
    super("producer buffer full: a record of about " + recordBytes + " bytes does not fit, " + usedBytes + " of "
        + ClientOptions.BUFFER_MEMORY + " = " + bufferMemoryBytes + " bytes are held by the buffers of unacknowledged batches",
        true);
  }
}
