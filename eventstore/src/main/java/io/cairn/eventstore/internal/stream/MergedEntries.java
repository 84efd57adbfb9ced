package io.cairn.eventstore.internal.stream;

import java.io.IOException;
import java.util.List;

/**
 * The k-way merge of several chunk files' entries into one sorted sequence: by (hash,
 * firstVersion, baseOffset). The inputs are few (a merge takes a handful of chunks), so the
 * smallest head is found by a linear scan; but only when the input just taken from passes the
 * runner-up, the smallest head of the others. Chunks cover separate offset ranges, so an
 * aggregate's entries come in long runs from one input (about a hundred at 10 000 aggregates
 * and 1 000 000-entry memtables), and each entry of a run costs one comparison instead of a scan.
 * Reads each input sequentially with CRC checks. One thread.
 */
final class MergedEntries implements SortedEntries {

  /** Read-ahead per input: 64 KiB of whole blocks. */
  static final int READ_BYTES_PER_INPUT = 64 * 1024;

  private final StreamChunkFile.EntryIterator[] inputs;
  /** The inputs that still have an entry, in any order. */
  private final StreamChunkFile.EntryIterator[] live;
  private int liveCount;

  MergedEntries(List<StreamChunkFile> chunks) {
    inputs = new StreamChunkFile.EntryIterator[chunks.size()];
    live = new StreamChunkFile.EntryIterator[chunks.size()];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = new StreamChunkFile.EntryIterator(chunks.get(i), READ_BYTES_PER_INPUT);
    }
  }

  @Override
  public void forEach(EntrySink sink) throws IOException {
    for (StreamChunkFile.EntryIterator input : inputs) {
      if (input.next()) {
        live[liveCount++] = input;
      }
    }
    while (liveCount > 0) {
      int smallest = 0;
      int runnerUp = -1;
      for (int i = 1; i < liveCount; i++) {
        if (compare(live[i], live[smallest]) < 0) {
          runnerUp = smallest;
          smallest = i;
        } else if (runnerUp < 0 || compare(live[i], live[runnerUp]) < 0) {
          runnerUp = i;
        }
      }
      StreamChunkFile.EntryIterator head = live[smallest];
      boolean more;
      do {
        sink.accept(head.hash(), head.firstVersion(), head.baseOffset(), head.eventCount(), head.position());
        more = head.next();
      } while (more && (runnerUp < 0 || compare(head, live[runnerUp]) < 0));
      if (!more) {
        live[smallest] = live[--liveCount];
        live[liveCount] = null;
      }
    }
  }

  private static int compare(StreamChunkFile.EntryIterator a, StreamChunkFile.EntryIterator b) {
    int byKey = StreamChunkFile.compareKey(a.hash(), a.firstVersion(), b.hash(), b.firstVersion());
    return byKey != 0 ? byKey : Long.compare(a.baseOffset(), b.baseOffset());
  }
}
