package io.cairn.eventstore.internal.stream;

import java.io.IOException;
import java.util.List;

/**
 * The k-way merge of several chunk files' entries into one sorted sequence: by (hash,
 * firstVersion, baseOffset). The inputs are few (a merge takes a handful of chunks), so the
 * smallest head is found by a linear scan. Reads each input sequentially with CRC checks. One thread.
 */
final class MergedEntries implements SortedEntries {

  /** Read-ahead per input: 64 KiB of whole blocks. */
  static final int READ_BYTES_PER_INPUT = 64 * 1024;

  private final StreamChunkFile.EntryIterator[] inputs;
  private final boolean[] hasEntry;
  private StreamChunkFile.EntryIterator current;
  private boolean started;

  MergedEntries(List<StreamChunkFile> chunks) {
    inputs = new StreamChunkFile.EntryIterator[chunks.size()];
    hasEntry = new boolean[chunks.size()];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = new StreamChunkFile.EntryIterator(chunks.get(i), READ_BYTES_PER_INPUT);
    }
  }

  @Override
  public void forEach(EntrySink sink) throws IOException {
    while (next()) {
      StreamChunkFile.EntryIterator head = current;
      sink.accept(head.hash(), head.firstVersion(), head.baseOffset(), head.eventCount(), head.position());
    }
  }

  /** Moves {@link #current} to the smallest head; false when every input is exhausted. */
  private boolean next() {
    if (!started) {
      for (int i = 0; i < inputs.length; i++) {
        hasEntry[i] = inputs[i].next();
      }
      started = true;
    } else if (current != null) {
      for (int i = 0; i < inputs.length; i++) {
        if (inputs[i] == current) {
          hasEntry[i] = current.next();
          break;
        }
      }
    }
    current = null;
    for (int i = 0; i < inputs.length; i++) {
      if (hasEntry[i] && (current == null || compare(inputs[i], current) < 0)) {
        current = inputs[i];
      }
    }
    return current != null;
  }

  private static int compare(StreamChunkFile.EntryIterator a, StreamChunkFile.EntryIterator b) {
    int byKey = StreamChunkFile.compareKey(a.hash(), a.firstVersion(), b.hash(), b.firstVersion());
    return byKey != 0 ? byKey : Long.compare(a.baseOffset(), b.baseOffset());
  }
}
