package io.cairn.eventstore;

/**
 * The partition stopped accepting writes after a storage failure (a failed write or fsync). Reads of
 * what was acknowledged still work. Clearing it takes an operator: fix the disk and reopen the store.
 */
public final class PartitionReadOnlyException extends StorageException {

  public PartitionReadOnlyException(String topicPartition, Throwable cause) {
    super("partition " + topicPartition + " is read-only after a storage failure: " + cause.getMessage(), cause);
  }

  private PartitionReadOnlyException(String message) {
    super(message);
  }

  /** The exception a node reported over the network, with its message as is. */
  public static PartitionReadOnlyException fromRemote(String message) {
    return new PartitionReadOnlyException(message);
  }
}
