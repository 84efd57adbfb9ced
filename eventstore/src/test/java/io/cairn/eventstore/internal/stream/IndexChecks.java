package io.cairn.eventstore.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

/** Lookups done the way the partition will do them, checked against a {@link ModelLog}. */
final class IndexChecks {

  private static final int PAGE = 3;

  private IndexChecks() {
  }

  /** The latest batch of {@code key}: candidates newest first, paged, until the record key matches. */
  static Optional<StreamIndexEntry> latest(StreamIndex index, ModelLog log, String key, StreamEntryBuffer out) {
    long hash = log.hash(key);
    int skip = 0;
    while (true) {
      int found = index.newestFirst(hash, skip, PAGE, out);
      if (found == 0) {
        return Optional.empty();
      }
      for (StreamIndexEntry candidate : out.toList()) {
        assertThat(candidate.hash()).isEqualTo(hash);
        Optional<ModelLog.Batch> batch = log.batchAt(candidate.baseOffset());
        assertThat(batch).as("candidate %s must be a batch of the log", candidate).isPresent();
        assertThat(batch.get().entry()).as("candidate must not be stale").isEqualTo(candidate);
        if (batch.get().key().equals(key)) {
          return candidate.baseOffset() < log.logStartOffset() ? Optional.empty() : Optional.of(candidate);
        }
      }
      skip += found;
    }
  }

  /** find() resolved by record key, for {@code key}. */
  static List<StreamIndexEntry> find(StreamIndex index, ModelLog log, String key, long fromVersion, int maxEvents,
      StreamEntryBuffer out) {
    index.find(log.hash(key), fromVersion, maxEvents, out);
    List<StreamIndexEntry> all = out.toList();
    for (int i = 1; i < all.size(); i++) {
      StreamIndexEntry before = all.get(i - 1);
      StreamIndexEntry after = all.get(i);
      assertThat(before.firstVersion() < after.firstVersion()
          || before.firstVersion() == after.firstVersion() && before.baseOffset() < after.baseOffset())
          .as("find results sorted by (firstVersion, baseOffset): %s", all).isTrue();
    }
    return log.resolve(key, all);
  }

  /** Every key's latest batch and a few version windows agree with the model. */
  static void assertAgreesWithModel(StreamIndex index, ModelLog log, StreamEntryBuffer out) {
    for (String key : log.keys()) {
      assertThat(latest(index, log, key, out)).as("latest batch of %s", key)
          .isEqualTo(log.newest(key).map(ModelLog.Batch::entry));
      long version = log.currentVersion(key);
      long[] froms = {1, Math.max(1, version / 2), version, version + 1};
      int[] counts = {1, 3, 1000};
      for (long from : froms) {
        for (int count : counts) {
          assertThat(find(index, log, key, from, count, out)).as("find(%s, %d, %d)", key, from, count)
              .isEqualTo(log.expectedFind(key, from, count));
        }
      }
    }
  }
}
