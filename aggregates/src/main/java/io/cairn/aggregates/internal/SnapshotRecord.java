package io.cairn.aggregates.internal;

import io.cairn.eventstore.serde.SerializationException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payload of one record of a snapshot topic: an aggregate's state at a version, with the recent command
 * ids (so that resends of commands before the snapshot are still recognised after a load from it).
 *
 * <p>Byte format, big-endian:
 * <pre>
 * formatVersion     int8   {@value #FORMAT_VERSION}
 * aggregateVersion  int64  number of events folded into the state
 * schemaVersion     int32  the snapshot codec's schema version
 * commandCount      int32  then, per command, oldest first:
 *   idLength        int32  then idLength UTF-8 bytes of the command id
 *   firstVersion    int64
 *   lastVersion     int64
 * stateLength       int32  then stateLength bytes written by the snapshot codec
 * </pre>
 *
 * @param aggregateVersion the number of events folded into the state
 * @param schemaVersion    the snapshot codec's schema version
 * @param recentCommands   recent command ids and their versions, oldest first
 * @param state            the state, as the snapshot codec wrote it
 */
public record SnapshotRecord(long aggregateVersion, int schemaVersion, Map<String, VersionRange> recentCommands,
                             byte[] state) {

  /** The event type of snapshot records. */
  public static final String TYPE = "cairn.snapshot";
  public static final byte FORMAT_VERSION = 1;

  private static final int FORMAT_VERSION_LENGTH = 1;
  private static final int AGGREGATE_VERSION_LENGTH = 8;
  private static final int SCHEMA_VERSION_LENGTH = 4;
  private static final int COUNT_LENGTH = 4;
  private static final int LENGTH_LENGTH = 4;
  private static final int VERSION_LENGTH = 8;
  private static final int HEADER_LENGTH = FORMAT_VERSION_LENGTH + AGGREGATE_VERSION_LENGTH + SCHEMA_VERSION_LENGTH
      + COUNT_LENGTH;
  private static final int COMMAND_FIXED_LENGTH = LENGTH_LENGTH + 2 * VERSION_LENGTH;

  /** The bytes of this snapshot. */
  public byte[] encode() {
    int length = HEADER_LENGTH + LENGTH_LENGTH + state.length;
    Map<String, byte[]> ids = new LinkedHashMap<>();
    for (String id : recentCommands.keySet()) {
      byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
      ids.put(id, bytes);
      length += COMMAND_FIXED_LENGTH + bytes.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(length);
    buffer.put(FORMAT_VERSION).putLong(aggregateVersion).putInt(schemaVersion).putInt(ids.size());
    ids.forEach((id, bytes) -> {
      VersionRange range = recentCommands.get(id);
      buffer.putInt(bytes.length).put(bytes).putLong(range.firstVersion()).putLong(range.lastVersion());
    });
    buffer.putInt(state.length).put(state);
    return buffer.array();
  }

  /**
   * The snapshot stored as {@code bytes}.
   *
   * @throws SerializationException naming the position if the bytes are not a snapshot of this format
   */
  public static SnapshotRecord decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    try {
      byte format = buffer.get();
      if (format != FORMAT_VERSION) {
        throw new SerializationException("snapshot format version " + format + " at position 0, expected " + FORMAT_VERSION);
      }
      long aggregateVersion = buffer.getLong();
      int schemaVersion = buffer.getInt();
      int count = ensureLength(buffer, buffer.getInt(), COMMAND_FIXED_LENGTH, "commandCount");
      Map<String, VersionRange> recent = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        byte[] id = new byte[ensureLength(buffer, buffer.getInt(), 1, "commands[" + i + "].idLength")];
        buffer.get(id);
        recent.put(new String(id, StandardCharsets.UTF_8), new VersionRange(buffer.getLong(), buffer.getLong()));
      }
      byte[] state = new byte[ensureLength(buffer, buffer.getInt(), 1, "stateLength")];
      buffer.get(state);
      if (buffer.hasRemaining()) {
        throw new SerializationException("snapshot has " + buffer.remaining() + " bytes after its state at position "
            + buffer.position());
      }
      return new SnapshotRecord(aggregateVersion, schemaVersion, recent, state);
    } catch (BufferUnderflowException e) {
      throw new SerializationException("snapshot of " + bytes.length + " bytes ends early at position "
          + buffer.position(), e);
    }
  }

  private static int ensureLength(ByteBuffer buffer, int count, int bytesEach, String field) {
    if (count < 0 || (long) count * bytesEach > buffer.remaining()) {
      throw new SerializationException("snapshot field " + field + " = " + count + " at position "
          + (buffer.position() - LENGTH_LENGTH) + " does not fit the " + buffer.remaining() + " bytes left");
    }
    return count;
  }
}
