package io.cairn.bench;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FlushMode;
import io.cairn.eventstore.InvalidInputException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * The data set of {@code bench read-stream}: one partition of {@code events} events in which a target
 * aggregate ({@value #TARGET_ID}) has {@code targetEvents} events spread evenly through the log, with
 * filler aggregates interleaved between them, and the measurement that loads the target aggregate
 * again and again. Built in page-cache mode. Not thread-safe; one build at a time.
 */
public final class ReadStreamDataset {

  /** The aggregate that is read back. */
  public static final String TARGET_ID = "target-0";
  /** Prefix of the filler aggregates' ids. */
  public static final String FILLER_PREFIX = "filler-";
  private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(30);

  private ReadStreamDataset() {
  }

  /**
   * Parameters of the data set.
   *
   * @param topic                 the topic (one partition)
   * @param events                events in the partition, all aggregates together
   * @param targetEvents          events of the target aggregate
   * @param fillerAggregates      distinct filler aggregates
   * @param fillerEventsPerAppend events per filler append
   * @param eventBytes            payload bytes per event
   * @param streams               concurrent filler appends while building
   * @param seed                  seed of the payloads and the filler choice
   */
  public record Params(String topic, long events, int targetEvents, int fillerAggregates, int fillerEventsPerAppend,
                       int eventBytes, int streams, long seed) {

    /** Checks the parameters; {@link InvalidInputException} names the bad one. */
    public Params {
      if (targetEvents < 1) {
        throw new InvalidInputException("target-events", targetEvents, "must be at least 1");
      }
      if (events < targetEvents) {
        throw new InvalidInputException("events", events, "must be at least --target-events (" + targetEvents + ")");
      }
      if (fillerAggregates < streams) {
        throw new InvalidInputException("filler-aggregates", fillerAggregates, "must be at least --build-streams ("
            + streams + ")");
      }
      if (fillerEventsPerAppend < 1) {
        throw new InvalidInputException("filler-events-per-append", fillerEventsPerAppend, "must be at least 1");
      }
      if (eventBytes < Payloads.MIN_BYTES) {
        throw new InvalidInputException("event-bytes", eventBytes, "must be at least " + Payloads.MIN_BYTES);
      }
    }
  }

  /** Whether the store already holds this data set: the target has its events and the log its size. */
  public static boolean isBuilt(CairnStore cairn, Params params) {
    if (!Awaits.await(cairn.store().listTopics(), CairnStore.ADMIN_TIMEOUT, "listing topics").contains(params.topic())) {
      return false;
    }
    long version = Awaits.await(cairn.store().streamVersion(params.topic(), TARGET_ID), CairnStore.ADMIN_TIMEOUT,
        "reading the target's version");
    return version == params.targetEvents() && cairn.highWatermarkSum(params.topic()) >= params.events();
  }

  /**
   * Builds the data set into an empty topic: {@code targetEvents + 1} gaps of filler events, with one
   * target event after each gap but the last. Returns the events the partition holds.
   */
  public static long build(CairnStore cairn, Params params) {
    cairn.ensureTopic(params.topic(), AppendWorkload.topicConfig(FlushMode.PAGE_CACHE, 1, params.eventBytes(),
        params.fillerEventsPerAppend()));
    long fillerEvents = params.events() - params.targetEvents();
    long gap = fillerEvents / (params.targetEvents() + 1);
    int[] fillerVersions = new int[params.fillerAggregates()];
    SplittableRandom random = new SplittableRandom(params.seed());
    for (int target = 0; target <= params.targetEvents(); target++) {
      long gapEvents = target < params.targetEvents() ? gap : fillerEvents - gap * params.targetEvents();
      if (gapEvents > 0) {
        AppendWorkload.Params filler = new AppendWorkload.Params(params.topic(), FILLER_PREFIX, params.streams(),
            params.fillerAggregates(), KeyDistribution.UNIFORM, 1, params.eventBytes(),
            params.fillerEventsPerAppend(), gapEvents, 0, 0,
            params.seed() + target);
        Awaits.await(AppendWorkload.run(cairn.vertx(), cairn.store(), filler, AckLog.disabled(), fillerVersions, new LongAdder()),
            PHASE_TIMEOUT, "filler phase " + target);
      }
      if (target < params.targetEvents()) {
        appendTarget(cairn.store(), params, target, random);
      }
    }
    return cairn.highWatermarkSum(params.topic());
  }

  private static void appendTarget(EventStore store, Params params, int versionBefore, SplittableRandom random) {
    EventData event = new EventData(new UUID(random.nextLong(), random.nextLong()), AppendWorkload.EVENT_TYPE,
        Payloads.next(params.eventBytes(), random), List.of());
    AppendResult result = Awaits.await(store.append(AppendRequest.of(params.topic(), TARGET_ID,
        ExpectedVersion.exactly(versionBefore), List.of(event))), PHASE_TIMEOUT, "target append " + versionBefore);
    if (!(result instanceof AppendResult.Appended)) {
      throw new BenchException("appending event " + (versionBefore + 1) + " of " + TARGET_ID + " to "
          + params.topic() + " gave " + result);
    }
  }

  /**
   * What the reads measured.
   *
   * @param latencies    latency of each measured read
   * @param elapsedNanos wall time from the start of the first measured read to the end of the last
   */
  public record Reads(Latencies latencies, long elapsedNanos) {
  }

  /**
   * Reads {@code readStream(topic, id, 1, count)} {@code warmupReads + reads} times, one at a time, and
   * measures the last {@code reads}. Fails if a read returns another number of events.
   */
  public static Future<Reads> measure(EventStore store, String topic, String aggregateId, int count,
                                      int warmupReads, int reads) {
    Latencies latencies = new Latencies();
    int total = warmupReads + reads;
    int[] issued = new int[1];
    long[] window = new long[2];
    return ClosedLoops.run(1, loop -> {
      int read = issued[0]++;
      if (read >= total) {
        return ClosedLoops.STOP;
      }
      long start = System.nanoTime();
      if (read == warmupReads) {
        window[0] = start;
      }
      return store.readStream(topic, aggregateId, 1, count).map(slice -> {
        long end = System.nanoTime();
        if (slice.events().size() != count) {
          throw new BenchException("readStream(" + topic + ", " + aggregateId + ", 1, " + count + ") returned "
              + slice.events().size() + " events; stream version " + slice.currentVersion());
        }
        if (read >= warmupReads) {
          latencies.recordNanos(end - start);
          window[1] = end;
        }
        return slice;
      });
    }).map(done -> new Reads(latencies, window[1] - window[0]));
  }
}
