package io.cairn.bench;

/**
 * A producer under test, seen by the network benchmarks: sends keyed records to one topic and reports
 * each record's outcome. Implementations wrap a real client (Kafka's producer, Cairn's producer) and
 * MUST NOT buffer beyond what that client itself does.
 *
 * <p>Thread-safety: {@link #send} and {@link #flush} are called from one harness thread (never an
 * event loop); callbacks may run on any thread.
 */
public interface RecordSink extends AutoCloseable {

  /**
   * Sends one record with key {@code keys.id(aggregateIndex)} and value {@code payload}, which the
   * caller does not change afterwards. {@code callback} is called exactly once, on any thread, when the
   * record is acknowledged or has failed. May block the calling thread while the client's buffer is
   * full (backpressure), as Kafka's {@code send} does.
   */
  void send(int aggregateIndex, byte[] payload, SendCallback callback);

  /** Blocks until every record sent so far has completed (acknowledged or failed). */
  void flush();

  /** Closes the client; records not yet complete may fail. */
  @Override
  void close();

  /** Called once per record when it completes. */
  @FunctionalInterface
  interface SendCallback {

    /** The record was acknowledged ({@code failure} null) or failed with {@code failure}. */
    void completed(Throwable failure);
  }
}
