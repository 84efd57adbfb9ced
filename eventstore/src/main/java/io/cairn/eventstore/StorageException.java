package io.cairn.eventstore;

/**
 * The disk failed or holds data that does not verify. The message names the file and the byte
 * position. A write or fsync failure turns the partition read-only (see {@link PartitionReadOnlyException});
 * corruption found while opening makes the partition refuse to open. Not retryable.
 */
public class StorageException extends CairnException {

  public StorageException(String message) {
    super(message, false);
  }

  public StorageException(String message, Throwable cause) {
    super(message, false, cause);
  }
}
