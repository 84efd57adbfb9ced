package io.cairn.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * End-to-end latency: a {@link RecordSource} reads the topic from its beginning while a
 * {@link ProducerRun} with stamped sends ({@link SendStamps}) writes to it at a fixed rate; for every
 * measured record the latency is the time from the producer's {@code send} to the moment the consumer
 * client hands the record to the harness, both read from {@link System#nanoTime()} in this JVM.
 * Warm-up records are read and timed the same way but not counted, so that the measured phase starts on
 * code the JIT has compiled for it. Not thread-safe; one run at a time.
 */
public final class EndToEndRun {

  private static final long WAIT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private EndToEndRun() {
  }

  /**
   * Starts {@code source}, runs the producer with {@code params} (which MUST stamp its sends and have a
   * throughput) over {@code sink}, and waits up to {@code timeout} after the last acknowledgement for the
   * consumer to receive every measured record. Closes {@code source}; leaves {@code sink} open.
   */
  public static Outcome run(RecordSink sink, RecordSource source, ProducerRun.Params params, Duration timeout) {
    return run(sink, source, params, timeout, () -> { });
  }

  /**
   * {@link #run(RecordSink, RecordSource, ProducerRun.Params, Duration)}, calling {@code beforeMeasuredPhase} as
   * {@link ProducerRun#run(RecordSink, ProducerRun.Params, Duration, Runnable)} does.
   */
  public static Outcome run(RecordSink sink, RecordSource source, ProducerRun.Params params, Duration timeout,
                            Runnable beforeMeasuredPhase) {
    if (!params.stampSends()) {
      throw new IllegalArgumentException("an end-to-end run needs stamped sends");
    }
    Latencies endToEnd = new Latencies();
    Latencies[] byPhase = new Latencies[2];
    byPhase[SendStamps.WARMUP] = new Latencies();
    byPhase[SendStamps.MEASURED] = endToEnd;
    AtomicLongArray receivedByPhase = new AtomicLongArray(2);
    LongSupplier received = () -> receivedByPhase.get(SendStamps.MEASURED);
    AtomicReference<RuntimeException> badRecord = new AtomicReference<>();
    try (source) {
      source.start(payload -> {
        long now = System.nanoTime();
        try {
          // warm-up records take the same path as measured ones, into a recorder that is thrown away, picked by
          // the phase as an index: a branch first taken at the start of the measured phase would deoptimize the
          // compiled consumer loop there and put the recompilation into the measured tail (see SendStamps)
          int phase = SendStamps.phase(payload);
          byPhase[phase].recordNanos(now - SendStamps.sentNanos(payload));
          receivedByPhase.incrementAndGet(phase);
        } catch (RuntimeException e) {
          badRecord.compareAndSet(null, e);
        }
      });
      ProducerRun.Outcome produced = ProducerRun.run(sink, params, timeout, beforeMeasuredPhase);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (received.getAsLong() < params.records()) {
        Optional<Throwable> failed = source.failure();
        if (failed.isPresent()) {
          throw new BenchException("the consumer failed after receiving " + received.getAsLong() + " of "
              + params.records() + " measured records: " + failed.get(), failed.get());
        }
        if (badRecord.get() != null) {
          throw new BenchException("the consumer received a record without a send stamp: " + badRecord.get(),
              badRecord.get());
        }
        if (System.nanoTime() - deadline > 0) {
          throw new BenchException("the consumer received " + received.getAsLong() + " of " + params.records()
              + " measured records within " + timeout.toMillis() + " ms after the producer finished");
        }
        LockSupport.parkNanos(WAIT_POLL_NANOS);
      }
      return new Outcome(params.throughputPerSec(), produced, endToEnd, received.getAsLong());
    }
  }

  /**
   * What the measured phase did.
   *
   * @param ratePerSec the producer's target rate, records per second
   * @param produced   the producer's figures at that rate (send to acknowledgement)
   * @param endToEnd   send to receipt by the consumer, one sample per measured record
   * @param received   measured records the consumer received (at least the records sent)
   */
  public record Outcome(double ratePerSec, ProducerRun.Outcome produced, Latencies endToEnd, long received) {

    /**
     * Puts rate_per_sec, events, achieved_events_per_sec, e2e p50_ms, p99_ms, p999_ms, max_ms, mean_ms,
     * received and the producer's produce_p50_ms / produce_p99_ms / produce_p999_ms into {@code line}.
     */
    public JsonLine putInto(JsonLine line) {
      RunFigures producer = produced.figures(Double.NaN);
      return line.put("rate_per_sec", ratePerSec)
          .put("events", produced.records())
          .put("achieved_events_per_sec", producer.eventsPerSec())
          .put("p50_ms", endToEnd.p50Ms())
          .put("p99_ms", endToEnd.p99Ms())
          .put("p999_ms", endToEnd.p999Ms())
          .put("max_ms", endToEnd.maxMs())
          .put("mean_ms", endToEnd.meanMs())
          .put("received", received)
          .put("produce_p50_ms", produced.latencies().p50Ms())
          .put("produce_p99_ms", produced.latencies().p99Ms())
          .put("produce_p999_ms", produced.latencies().p999Ms());
    }
  }
}
