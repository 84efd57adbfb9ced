package io.cairn.bench;

import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.StoredEvent;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks ack-log entries against a store: every acknowledged event must be readable with
 * {@code readStream(topic, aggregateId, version, 1)} at the same partition and offset with a payload
 * of the same SHA-256. Reads with a window of {@code concurrency} requests. Thread-safe.
 */
public final class AckVerifier {

  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(AckLog::sha256);

  private AckVerifier() {
  }

  /**
   * The outcome of a check.
   *
   * @param checked      entries checked
   * @param missing      entries whose event is not stored
   * @param mismatched   entries whose event is stored with another partition, offset or payload
   * @param firstProblem a description of the first problem found, empty if none
   */
  public record Result(long checked, long missing, long mismatched, String firstProblem) {

    /** Whether every entry was found intact. */
    public boolean ok() {
      return missing == 0 && mismatched == 0;
    }
  }

  /** Checks {@code entries} against {@code store}. */
  public static Future<Result> verify(EventStore store, List<AckLog.Entry> entries, int concurrency) {
    AtomicInteger next = new AtomicInteger();
    AtomicLong missing = new AtomicLong();
    AtomicLong mismatched = new AtomicLong();
    AtomicReference<String> firstProblem = new AtomicReference<>("");
    int loops = Math.max(1, Math.min(concurrency, entries.size()));
    return ClosedLoops.run(loops, loop -> {
      int index = next.getAndIncrement();
      if (index >= entries.size()) {
        return ClosedLoops.STOP;
      }
      AckLog.Entry entry = entries.get(index);
      return store.readStream(entry.topic(), entry.aggregateId(), entry.version(), 1).map(slice -> {
        String problem = slice.events().isEmpty() ? "missing" : compare(entry, slice.events().get(0));
        if (!problem.isEmpty()) {
          (slice.events().isEmpty() ? missing : mismatched).incrementAndGet();
          firstProblem.compareAndSet("", "ack " + entry + ": " + problem + " (stream version "
              + slice.currentVersion() + ")");
        }
        return slice;
      });
    }).map(done -> new Result(entries.size(), missing.get(), mismatched.get(), firstProblem.get()));
  }

  private static String compare(AckLog.Entry entry, StoredEvent event) {
    if (event.version() != entry.version()) {
      return "read version " + event.version();
    }
    if (event.partition() != entry.partition() || event.offset() != entry.offset()) {
      return "stored at partition " + event.partition() + " offset " + event.offset();
    }
    String sha = AckLog.sha256Hex(event.payload(), DIGEST.get());
    if (!sha.equals(entry.sha256Hex())) {
      return "payload sha-256 " + sha;
    }
    return "";
  }
}
