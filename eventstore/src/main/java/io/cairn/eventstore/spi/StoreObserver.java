package io.cairn.eventstore.spi;

/**
 * Hears what the store's disk work costs, for metrics. Methods are called on disk threads, often
 * concurrently: implementations MUST be thread-safe and MUST return quickly without blocking. A method
 * that throws is logged and ignored.
 */
public interface StoreObserver {

  /** An observer that records nothing. */
  StoreObserver NONE = new StoreObserver() {
  };

  /**
   * A partition's log was forced to disk.
   *
   * @param topic         the topic
   * @param partition     the partition
   * @param durationNanos how long the fsync (fdatasync) took
   */
  default void logFlushed(String topic, int partition, long durationNanos) {
  }
}
