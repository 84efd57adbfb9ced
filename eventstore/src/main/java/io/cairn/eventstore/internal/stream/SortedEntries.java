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
}
