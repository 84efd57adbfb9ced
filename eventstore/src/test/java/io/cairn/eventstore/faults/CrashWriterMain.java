package io.cairn.eventstore.faults;

import static io.cairn.eventstore.faults.CrashWriterOutput.exitWhenParentGoes;
import static io.cairn.eventstore.faults.CrashWriterOutput.fatal;
import static io.cairn.eventstore.faults.CrashWriterOutput.print;

import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.contract.StoreTestSupport;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link CrashRecoveryIT}: opens the store in durable mode (with a small stream
 * index memtable and version cache, so the index is exercised too) and appends forever,
 * with exact expected versions, to {@value #AGGREGATES} aggregates at once (one append in flight per
 * aggregate, so group commit gets work). It prints one line per acknowledged event and flushes it
 * before the next line:
 *
 * <pre>ACK topic aggregate version partition offset sha256(payload)</pre>
 *
 * plus {@code READY} once the store is open and {@code ERROR ...} before exiting on anything
 * unexpected. It continues each aggregate from the version the store reports, so it resumes after
 * every kill. It exits by itself when its parent goes away (stdin closes) or after
 * {@link #MAX_RUN_MS}.
 *
 * <p>Arguments: data directory, seed.
 */
public final class CrashWriterMain {

  static final String TOPIC = "crash";
  static final int PARTITIONS = 3;
  static final int AGGREGATES = 36;
  /** Small segments so that recovery crosses segment rolls. */
  static final int SEGMENT_BYTES = 16 * 1024;
  static final int INDEX_INTERVAL_BYTES = 512;
  /** A small stream-index memtable, so index chunks are written (and merged) while the kills happen. */
  static final int STREAM_INDEX_MEMTABLE_ENTRIES = 64;
  /** Fewer cached versions than aggregates, so appends also look versions up in the stream index. */
  static final int STREAM_CACHE_ENTRIES = 16;
  static final String READY = "READY";
  static final String ACK = "ACK";
  static final int MIN_PAYLOAD_BYTES = 16;
  static final int MAX_PAYLOAD_BYTES = 256;
  static final int MAX_EVENTS_PER_APPEND = 3;
  private static final long MAX_RUN_MS = 10 * 60 * 1000;
  private static final long OPEN_TIMEOUT_MS = 120_000;

  private CrashWriterMain() {
  }

  /** Runs the writer until killed. */
  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    exitWhenParentGoes();
    Vertx vertx = Vertx.vertx();
    EventStore store = EventStores.openLocal(vertx, storeOptions(dataDir))
        .toCompletionStage().toCompletableFuture().get(OPEN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (!store.listTopics().toCompletionStage().toCompletableFuture().get().contains(TOPIC)) {
      store.createTopic(TOPIC, topicConfig()).toCompletionStage().toCompletableFuture().get();
    }
    print(READY);
    for (int i = 0; i < AGGREGATES; i++) {
      String aggregate = aggregateId(i);
      Random random = new Random(seed ^ (i * 0x9E3779B97F4A7C15L));
      store.streamVersion(TOPIC, aggregate).onComplete(
          version -> next(store, aggregate, version, random),
          failure -> fatal("streamVersion of " + aggregate + " failed: " + failure));
    }
    Thread.sleep(MAX_RUN_MS);
    Runtime.getRuntime().halt(0);
  }

  /** The options both the writer and the checking test open the store with. */
  static StoreOptions storeOptions(Path dataDir) {
    return new StoreOptions().setDataDir(dataDir).setStreamIndexMemtableEntries(STREAM_INDEX_MEMTABLE_ENTRIES)
        .setStreamCacheEntries(STREAM_CACHE_ENTRIES);
  }

  /** The topic the writer creates on its first run. */
  static TopicConfig topicConfig() {
    return new TopicConfig().setPartitions(PARTITIONS).setSegmentBytes(SEGMENT_BYTES)
        .setIndexIntervalBytes(INDEX_INTERVAL_BYTES);
  }

  static String aggregateId(int index) {
    return String.format("agg-%02d", index);
  }

  private static void next(EventStore store, String aggregate, long version, Random random) {
    List<EventData> events = new ArrayList<>();
    int count = 1 + random.nextInt(MAX_EVENTS_PER_APPEND);
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[MIN_PAYLOAD_BYTES + random.nextInt(MAX_PAYLOAD_BYTES - MIN_PAYLOAD_BYTES)];
      random.nextBytes(payload);
      byte[] label = (aggregate + "@" + (version + i + 1)).getBytes(StandardCharsets.UTF_8);
      System.arraycopy(label, 0, payload, 0, Math.min(label.length, payload.length));
      events.add(EventData.of(new UUID(random.nextLong(), random.nextLong()), "Crashed", payload));
    }
    store.append(AppendRequest.of(TOPIC, aggregate, ExpectedVersion.exactly(version), events)).onComplete(
        result -> {
          if (!(result instanceof AppendResult.Appended)) {
            fatal("append to " + aggregate + " at version " + version + " answered " + result);
            return;
          }
          AppendResult.Appended appended = (AppendResult.Appended) result;
          StringBuilder lines = new StringBuilder();
          for (int i = 0; i < count; i++) {
            lines.append(ACK).append(' ').append(TOPIC).append(' ').append(aggregate)
                .append(' ').append(appended.firstVersion() + i)
                .append(' ').append(appended.partition())
                .append(' ').append(appended.firstOffset() + i)
                .append(' ').append(StoreTestSupport.sha256(events.get(i).payload()));
            if (i < count - 1) {
              lines.append('\n');
            }
          }
          print(lines.toString());
          next(store, aggregate, appended.newVersion(), random);
        },
        failure -> fatal("append to " + aggregate + " at version " + version + " failed: " + failure));
  }
}
