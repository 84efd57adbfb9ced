package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;

/**
 * The aggregate ids of a network benchmark, {@code prefix + index} for index 0 to {@code count - 1},
 * built once as strings and as UTF-8 bytes so that sending a record allocates no key. Immutable.
 */
public final class AggregateKeys {

  private final String[] ids;
  private final byte[][] bytes;

  /** {@code count} ids starting with {@code prefix}; {@code count} at least 1. */
  public AggregateKeys(String prefix, int count) {
    if (count < 1) {
      throw new InvalidInputException("aggregates", count, "must be at least 1");
    }
    ids = new String[count];
    bytes = new byte[count][];
    for (int i = 0; i < count; i++) {
      ids[i] = prefix + i;
      bytes[i] = ids[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /** Number of ids. */
  public int count() {
    return ids.length;
  }

  /** The id of aggregate {@code index}. */
  public String id(int index) {
    return ids[index];
  }

  /** The UTF-8 bytes of {@link #id(int)}; callers MUST NOT change them. */
  public byte[] bytes(int index) {
    return bytes[index];
  }
}
