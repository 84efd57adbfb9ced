package io.cairn.bench;

import io.cairn.eventstore.InvalidInputException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Kafka's {@code producer-perf-test} loop over a {@link RecordSink}: one harness thread sends
 * {@code warmupRecords} uncounted records, waits until they are all acknowledged, then sends
 * {@code records} measured ones, each keyed by an aggregate drawn uniformly from {@code aggregates}
 * with a value of {@code recordBytes}, paced by a {@link ThroughputThrottler} (per phase) when a
 * throughput is given. Latency per record is send to acknowledgement (so it includes time queued in the
 * client's buffer); throughput counts from the first measured send to the last measured
 * acknowledgement. Any failed record fails the run.
 *
 * <p>Values come from a pool of {@value #PAYLOAD_POOL} payloads that are never changed once handed to the
 * sink; with {@code stampSends} every record instead gets its own copy carrying its send time
 * ({@link SendStamps}) for an end-to-end measurement. Not thread-safe; one run at a time.
 */
public final class ProducerRun {

  /** Distinct payloads cycled through when sends are not stamped. */
  public static final int PAYLOAD_POOL = 1024;
  private static final long WAIT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final RecordSink sink;
  private final Params params;
  private final Duration completionTimeout;
  private final byte[][] payloads = new byte[PAYLOAD_POOL][];
  private final SplittableRandom random;

  private ProducerRun(RecordSink sink, Params params, Duration completionTimeout) {
    this.sink = sink;
    this.params = params;
    this.completionTimeout = completionTimeout;
    this.random = new SplittableRandom(params.seed());
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = Payloads.next(params.recordBytes(), random);
    }
  }

  /**
   * Runs both phases against {@code sink}. Fails with a {@link BenchException} on the first failed
   * record, or when records are still unacknowledged {@code completionTimeout} after the last send of a
   * phase.
   */
  public static Outcome run(RecordSink sink, Params params, Duration completionTimeout) {
    return run(sink, params, completionTimeout, () -> { });
  }

  /**
   * {@link #run(RecordSink, Params, Duration)}, calling {@code beforeMeasuredPhase} on this thread once the warm-up
   * is acknowledged, just before the first measured send (to take a reading of the server, say).
   */
  public static Outcome run(RecordSink sink, Params params, Duration completionTimeout, Runnable beforeMeasuredPhase) {
    return new ProducerRun(sink, params, completionTimeout).run(beforeMeasuredPhase);
  }

  private Outcome run(Runnable beforeMeasuredPhase) {
    KeyDistribution.KeySampler keys = KeyDistribution.UNIFORM.sampler(params.aggregates(), 1, random);
    if (params.warmupRecords() > 0) {
      phase(params.warmupRecords(), false, keys);
    }
    beforeMeasuredPhase.run();
    return phase(params.records(), true, keys);
  }

  private Outcome phase(long count, boolean measured, KeyDistribution.KeySampler keys) {
    Latencies latencies = new Latencies();
    AtomicLong completed = new AtomicLong();
    AtomicLong lastAckNanos = new AtomicLong(Long.MIN_VALUE);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ThroughputThrottler throttler = ThroughputThrottler.start(params.throughputPerSec());
    // an index, not a flag tested in the loop: see SendStamps
    int stampPhase = measured ? SendStamps.MEASURED : SendStamps.WARMUP;
    long firstSendNanos = System.nanoTime();
    for (long i = 0; i < count && failure.get() == null; i++) {
      throttler.awaitTurn(i);
      long sentNanos = System.nanoTime();
      byte[] payload = payloads[(int) (i % PAYLOAD_POOL)];
      if (params.stampSends()) {
        payload = payload.clone();
        SendStamps.write(payload, sentNanos, stampPhase);
      }
      sink.send(keys.next(), payload, error -> {
        long now = System.nanoTime();
        if (error == null) {
          latencies.recordNanos(now - sentNanos);
          lastAckNanos.accumulateAndGet(now, Math::max);
        } else {
          failure.compareAndSet(null, error);
        }
        completed.incrementAndGet();
      });
    }
    sink.flush();
    awaitCompleted(completed, count, failure);
    if (failure.get() != null) {
      throw new BenchException("a record of the " + (measured ? "measured phase" : "warm-up") + " failed: "
          + failure.get(), failure.get());
    }
    return new Outcome(count, count * params.recordBytes(), lastAckNanos.get() - firstSendNanos, latencies);
  }

  private void awaitCompleted(AtomicLong completed, long count, AtomicReference<Throwable> failure) {
    long deadline = System.nanoTime() + completionTimeout.toNanos();
    while (completed.get() < count && failure.get() == null) {
      if (System.nanoTime() - deadline > 0) {
        throw new BenchException(completed.get() + " of " + count + " records completed within "
            + completionTimeout.toMillis() + " ms after the last send");
      }
      LockSupport.parkNanos(WAIT_POLL_NANOS);
    }
  }

  /**
   * Parameters.
   *
   * @param recordBytes      bytes per record value, at least {@link Payloads#MIN_BYTES}
   *                         ({@link SendStamps#MIN_PAYLOAD_BYTES} when stamped)
   * @param records          measured records, at least 1
   * @param warmupRecords    uncounted records sent first, 0 or more
   * @param aggregates       distinct keys, drawn uniformly, at least 1
   * @param throughputPerSec records per second per phase, or {@link ThroughputThrottler#UNTHROTTLED}
   * @param stampSends       give every record its own value carrying its send time
   * @param seed             seed of the payloads and keys
   */
  public record Params(int recordBytes, long records, long warmupRecords, int aggregates, double throughputPerSec,
                       boolean stampSends, long seed) {

    /** Checks the rules above; {@link InvalidInputException} names the option. */
    public Params {
      int minBytes = stampSends ? SendStamps.MIN_PAYLOAD_BYTES : Payloads.MIN_BYTES;
      ensure(recordBytes >= minBytes, "record-bytes", recordBytes, "must be at least " + minBytes);
      ensure(records >= 1, "records", records, "must be at least 1");
      ensure(warmupRecords >= 0, "warmup-records", warmupRecords, "must be 0 or more");
      ensure(aggregates >= 1, "aggregates", aggregates, "must be at least 1");
      ensure(throughputPerSec == ThroughputThrottler.UNTHROTTLED || throughputPerSec > 0, "throughput",
          throughputPerSec, "must be greater than 0 records/s, or -1 for unthrottled");
    }

    private static void ensure(boolean ok, String field, Object value, String rule) {
      if (!ok) {
        throw new InvalidInputException(field, value, rule);
      }
    }
  }

  /**
   * What the measured phase did.
   *
   * @param records      records acknowledged
   * @param payloadBytes value bytes acknowledged
   * @param elapsedNanos first send to last acknowledgement
   * @param latencies    send-to-acknowledgement latency of each record
   */
  public record Outcome(long records, long payloadBytes, long elapsedNanos, Latencies latencies) {

    /** The standard figures, with {@code heapUsedMb} measured by the caller. */
    public RunFigures figures(double heapUsedMb) {
      return new RunFigures(records, payloadBytes, elapsedNanos, latencies, heapUsedMb);
    }
  }
}
