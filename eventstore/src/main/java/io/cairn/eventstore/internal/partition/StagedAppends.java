package io.cairn.eventstore.internal.partition;

import io.cairn.eventstore.AppendRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Appends whose batches are built but not yet written: the batches back to back in one buffer (so one
 * log write stores them all), and per append what indexing it needs once written. Another append must
 * wait until the staged ones are written ({@link #mustWriteBefore}) if its checks need their outcome: at
 * most one append per aggregate (a version check counts written events only), and an idempotent
 * producer's append only alone (its sequence check needs the producer state of every earlier batch).
 * Owner thread only; reused from one write to the next.
 */
final class StagedAppends {

  private static final int INITIAL_BYTES = 4096;

  private byte[] bytes = new byte[INITIAL_BYTES];
  private int size;
  private long nextOffset;
  private final List<Staged> staged = new ArrayList<>();
  private final Set<String> aggregateIds = new HashSet<>();
  private boolean holdsIdempotent;

  /**
   * One staged append.
   *
   * @param request      what was asked
   * @param key          the aggregate id's UTF-8 bytes
   * @param firstVersion the stream version of its first event
   * @param baseOffset   the offset of its first record
   * @param lastOffset   the offset of its last record
   * @param position     where its batch starts in the staged bytes
   */
  record Staged(AppendRequest request, byte[] key, long firstVersion, long baseOffset, long lastOffset,
                int position) {

    /** The stream version of its last event. */
    long lastVersion() {
      return firstVersion + (lastOffset - baseOffset);
    }
  }

  boolean isEmpty() {
    return staged.isEmpty();
  }

  /**
   * Whether the staged appends must be written before {@code request} is checked: an append of its
   * aggregate is staged, or it or a staged append comes from an idempotent producer.
   */
  boolean mustWriteBefore(AppendRequest request) {
    return !staged.isEmpty() && (holdsIdempotent || request.producer().isIdempotent()
        || aggregateIds.contains(request.aggregateId()));
  }

  /** Bytes staged so far. */
  int sizeInBytes() {
    return size;
  }

  /** The offset the next staged batch starts at: {@code logEndOffset} when nothing is staged. */
  long nextOffset(long logEndOffset) {
    return staged.isEmpty() ? logEndOffset : nextOffset;
  }

  /**
   * Copies {@code batch} (position to limit, unchanged) after the staged batches. The caller checked
   * {@link #mustWriteBefore} and that the batch starts at {@link #nextOffset}.
   */
  void add(AppendRequest request, byte[] key, long firstVersion, long baseOffset, long lastOffset, ByteBuffer batch) {
    int length = batch.remaining();
    if (size + length > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(size + length, bytes.length * 2));
    }
    batch.duplicate().get(bytes, size, length);
    staged.add(new Staged(request, key, firstVersion, baseOffset, lastOffset, size));
    aggregateIds.add(request.aggregateId());
    holdsIdempotent |= request.producer().isIdempotent();
    size += length;
    nextOffset = lastOffset + 1;
  }

  /** The staged batches, back to back: a view valid until the next {@link #add} or {@link #clear}. */
  ByteBuffer batches() {
    return ByteBuffer.wrap(bytes, 0, size);
  }

  /** The staged appends, in staging order: a view valid until the next {@link #add} or {@link #clear}. */
  List<Staged> appends() {
    return staged;
  }

  /** Forgets everything staged; keeps the buffer unless it grew past its initial size. */
  void clear() {
    staged.clear();
    aggregateIds.clear();
    holdsIdempotent = false;
    size = 0;
    if (bytes.length > INITIAL_BYTES * 16) {
      bytes = new byte[INITIAL_BYTES];
    }
  }
}
