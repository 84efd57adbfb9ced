package io.cairn.eventstore.internal.stream;

/**
 * A one-pass source of stream-index entries in chunk order: by hash, then firstVersion, then
 * baseOffset. {@link #next()} moves to the next entry; the accessors read the current one. One thread.
 */
interface SortedEntries {

  boolean next();

  long hash();

  long firstVersion();

  long baseOffset();

  int eventCount();

  int position();

  /** The entries of a frozen memtable in the given sorted order of entry indexes. */
  static SortedEntries of(Memtable memtable, int[] order) {
    return new SortedEntries() {
      private int at = -1;
      private int entry;

      @Override
      public boolean next() {
        at++;
        if (at >= order.length) {
          return false;
        }
        entry = order[at];
        return true;
      }

      @Override
      public long hash() {
        return memtable.hash(entry);
      }

      @Override
      public long firstVersion() {
        return memtable.firstVersion(entry);
      }

      @Override
      public long baseOffset() {
        return memtable.baseOffset(entry);
      }

      @Override
      public int eventCount() {
        return memtable.eventCount(entry);
      }

      @Override
      public int position() {
        return memtable.position(entry);
      }
    };
  }
}
