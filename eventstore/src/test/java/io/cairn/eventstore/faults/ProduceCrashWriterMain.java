package io.cairn.eventstore.faults;

import static io.cairn.eventstore.faults.CrashWriterOutput.exitWhenParentGoes;
import static io.cairn.eventstore.faults.CrashWriterOutput.fatal;
import static io.cairn.eventstore.faults.CrashWriterOutput.print;

import io.cairn.eventstore.CompressionType;
import io.cairn.eventstore.EventBatches;
import io.cairn.eventstore.EventData;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.KeyedEvent;
import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.ProducerInfo;
import io.cairn.eventstore.StoreOptions;
import io.cairn.eventstore.TopicConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link ProduceCrashIT}: opens the store in durable mode (small segments, a small
 * stream-index memtable) and, until killed, (1) produces idempotent multi-aggregate batches (aggregates
 * interleaved, some compressed) to one partition, one batch at a time, and (2) asks for producer ids in
 * bursts, so id blocks are reserved all the time. It prints, each line flushed before the next:
 *
 * <pre>
 * READY
 * ACK offset eventId aggregateId      one line per event of an acknowledged batch
 * PID id                              one line per producer id handed out
 * ERROR message                       before exiting on anything unexpected
 * </pre>
 *
 * It exits by itself when its parent goes away (stdin closes) or after {@link #MAX_RUN_MS}.
 *
 * <p>Arguments: data directory, seed.
 */
public final class ProduceCrashWriterMain {

  static final String TOPIC = "pcrash";
  static final int AGGREGATES = 24;
  static final String READY = "READY";
  static final String ACK = "ACK";
  static final String PID = "PID";
  private static final int MAX_EVENTS_PER_BATCH = 8;
  private static final int MAX_PAYLOAD_BYTES = 128;
  private static final int IDS_PER_BURST = 40;
  private static final long BURST_INTERVAL_MS = 5;
  private static final long MAX_RUN_MS = 5 * 60 * 1000;
  private static final long OPEN_TIMEOUT_MS = 120_000;

  private ProduceCrashWriterMain() {
  }

  /** Runs the writer until killed. */
  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    exitWhenParentGoes();
    Vertx vertx = Vertx.vertx();
    EventStore store = EventStores.openLocal(vertx, storeOptions(dataDir))
        .toCompletionStage().toCompletableFuture().get(OPEN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (!store.listTopics().toCompletionStage().toCompletableFuture().get().contains(TOPIC)) {
      store.createTopic(TOPIC, new TopicConfig().setSegmentBytes(16 * 1024).setIndexIntervalBytes(512))
          .toCompletionStage().toCompletableFuture().get();
    }
    ProducerId producer = store.initProducerId().toCompletionStage().toCompletableFuture().get();
    print(PID + " " + producer.id());
    print(READY);
    vertx.setPeriodic(BURST_INTERVAL_MS, id -> {
      for (int i = 0; i < IDS_PER_BURST; i++) {
        store.initProducerId().onComplete(pid -> print(PID + " " + pid.id()),
            failure -> fatal("initProducerId failed: " + failure));
      }
    });
    produceNext(store, producer, 0, random);
    Thread.sleep(MAX_RUN_MS);
    Runtime.getRuntime().halt(0);
  }

  /** The options both the writer and the checking test open the store with. */
  static StoreOptions storeOptions(Path dataDir) {
    return new StoreOptions().setDataDir(dataDir).setStreamIndexMemtableEntries(64).setStreamCacheEntries(16);
  }

  static String aggregateId(int index) {
    return String.format("pagg-%02d", index);
  }

  private static void produceNext(EventStore store, ProducerId producer, int sequence, Random random) {
    List<KeyedEvent> events = new ArrayList<>();
    int count = 1 + random.nextInt(MAX_EVENTS_PER_BATCH);
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[1 + random.nextInt(MAX_PAYLOAD_BYTES)];
      random.nextBytes(payload);
      events.add(new KeyedEvent(aggregateId(random.nextInt(AGGREGATES)),
          EventData.of(new UUID(random.nextLong(), random.nextLong()), "Produced", payload)));
    }
    CompressionType compression = random.nextBoolean() ? CompressionType.NONE : CompressionType.LZ4;
    store.produce(TOPIC, 0, EventBatches.encode(events, compression,
            new ProducerInfo(producer.id(), producer.epoch(), sequence), System.currentTimeMillis()))
        .onComplete(result -> {
          StringBuilder lines = new StringBuilder();
          for (int i = 0; i < count; i++) {
            lines.append(i == 0 ? "" : "\n").append(ACK).append(' ').append(result.baseOffset() + i).append(' ')
                .append(events.get(i).event().eventId()).append(' ').append(events.get(i).aggregateId());
          }
          print(lines.toString());
          produceNext(store, producer, sequence + count, random);
        }, failure -> fatal("produce at sequence " + sequence + " failed: " + failure));
  }
}
