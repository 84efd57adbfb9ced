package io.cairn.client.internal;

import io.cairn.client.CairnClient;
import io.cairn.client.CairnConsumer;
import io.cairn.client.CairnProducer;
import io.cairn.client.ClientOptions;
import io.cairn.client.TopicPartition;
import io.cairn.client.internal.consumer.DefaultConsumer;
import io.cairn.client.internal.consumer.FetchSubscription;
import io.cairn.client.internal.consumer.PartitionFetch;
import io.cairn.client.internal.net.Backoff;
import io.cairn.client.internal.core.CallerContext;
import io.cairn.client.internal.core.Calls;
import io.cairn.client.internal.core.ClientCore;
import io.cairn.client.internal.core.MetadataCache;
import io.cairn.client.internal.core.OffsetLookup;
import io.cairn.client.internal.core.RetryRule;
import io.cairn.client.internal.net.ChannelSettings;
import io.cairn.client.internal.net.ChannelSource;
import io.cairn.client.internal.net.DedicatedChannel;
import io.cairn.client.internal.net.LongPollChannels;
import io.cairn.client.internal.net.NodeChannel;
import io.cairn.client.internal.producer.DefaultProducer;
import io.cairn.client.protocol.Append;
import io.cairn.client.protocol.ApiVersions;
import io.cairn.client.protocol.CreateTopics;
import io.cairn.client.protocol.DeleteTopics;
import io.cairn.client.protocol.DescribeTopics;
import io.cairn.client.protocol.ErrorCode;
import io.cairn.client.protocol.Fetch;
import io.cairn.client.protocol.InitProducerId;
import io.cairn.client.protocol.Metadata;
import io.cairn.client.protocol.Produce;
import io.cairn.client.protocol.ReadStream;
import io.cairn.client.protocol.StreamVersion;
import io.cairn.client.protocol.TopicItems;
import io.cairn.eventstore.AppendRequest;
import io.cairn.eventstore.AppendResult;
import io.cairn.eventstore.CairnException;
import io.cairn.eventstore.ExpectedVersion;
import io.cairn.eventstore.FetchResult;
import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.ProduceResult;
import io.cairn.eventstore.ProducerId;
import io.cairn.eventstore.ReadResult;
import io.cairn.eventstore.StartPosition;
import io.cairn.eventstore.StoreClosedException;
import io.cairn.eventstore.StoredEvent;
import io.cairn.eventstore.StreamSlice;
import io.cairn.eventstore.TopicConfig;
import io.cairn.eventstore.TopicDescription;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CairnClient}: the {@link io.cairn.eventstore.EventStore} calls mapped to requests (docs/protocol.md),
 * with the retry rule each needs, plus the producers, consumers and subscriptions it hands out and closes.
 *
 * <p>Thread-safe: public methods may be called from any thread; channel work runs on the client's context.
 */
public final class ClientRuntime implements CairnClient {

  private static final Logger LOG = LoggerFactory.getLogger(ClientRuntime.class);
  /** Largest aggregate id in UTF-8 bytes: a protocol string. */
  private static final int MAX_AGGREGATE_ID_BYTES = Short.MAX_VALUE;
  /** Position of {@code producerId} in a v2 record batch header (docs/format.md). */
  private static final int BATCH_PRODUCER_ID_POSITION = 43;

  private final Vertx vertx;
  private final boolean ownVertx;
  private final ClientVerticle verticle;
  private final ClientOptions options;
  private final NetClient netClient;
  private final ChannelSettings settings;
  private final AtomicInteger consumerIds = new AtomicInteger();
  private final NodeChannel mainChannel;
  private final LongPollChannels longPolls;
  private final ClientCore core;
  /** Set by {@link #close()}: no new calls, producers, consumers or subscriptions. */
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set once producers have flushed: retries stop and whatever is left fails. */
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Promise<Void> closedPromise = Promise.promise();
  private final Set<DefaultProducer> producers = ConcurrentHashMap.newKeySet();
  private final Set<DefaultConsumer> consumers = ConcurrentHashMap.newKeySet();
  private final Set<FetchSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  /** Set when Vert.x undeployed the client's verticle (Vert.x is closing). */
  private volatile boolean undeployed;

  private ClientRuntime(Vertx vertx, boolean ownVertx, ClientVerticle verticle, ClientOptions options) {
    this.vertx = vertx;
    this.ownVertx = ownVertx;
    this.verticle = verticle;
    this.options = options;
    this.netClient = vertx.createNetClient(new NetClientOptions()
        .setConnectTimeout(options.socketConnectionSetupTimeoutMs())
        .setTcpNoDelay(true)
        .setReconnectAttempts(0));
    this.settings = ChannelSettings.of(vertx, verticle.context(), netClient, options);
    this.mainChannel = new NodeChannel(settings, "main");
    this.longPolls = new LongPollChannels(settings);
    Calls calls = new Calls(vertx, verticle.context(), options.clientId(),
        new Backoff(options.retryBackoffMs(), options.retryBackoffMaxMs()), options.requestTimeoutMs(),
        options.deliveryTimeoutMs(), stopped::get);
    ChannelSource main = ChannelSource.of(mainChannel);
    this.core = new ClientCore(vertx, verticle.context(), options, calls,
        new MetadataCache(calls, main, options.metadataMaxAgeMs()), main, longPolls);
  }

  /**
   * Validates a copy of {@code options}, deploys the client's verticle on {@code vertx} (a new Vert.x when
   * null), and completes once the node answered ApiVersions.
   */
  public static Future<CairnClient> connect(Vertx vertx, ClientOptions options, boolean ownVertx) {
    ClientOptions copy;
    try {
      copy = new ClientOptions(options).validate();
    } catch (CairnException e) {
      return Future.failedFuture(e);
    }
    Vertx runtime = vertx != null ? vertx : Vertx.builder().build();
    ClientVerticle verticle = new ClientVerticle();
    Promise<CairnClient> result = CallerContext.promise();
    runtime.deployVerticle(verticle)
        .compose(deployment -> {
          ClientRuntime client = new ClientRuntime(runtime, ownVertx, verticle, copy);
          verticle.onStop(() -> {
            client.undeployed = true;
            client.close();
          });
          return client.handshake().<CairnClient>map(client)
              .recover(failure -> client.close().transform(ignored -> Future.failedFuture(failure)));
        })
        .onComplete(connected -> {
          if (connected.failed() && ownVertx) {
            runtime.close().onComplete(ignored -> result.fail(connected.cause()));
          } else {
            result.handle(connected);
          }
        });
    return result.future();
  }

  private Future<Void> handshake() {
    return core.calls().<ApiVersions.Response>callFailFast(core.main(), new ApiVersions.Request()).map(response -> {
      LOG.debug("connected to Cairn node {} ({})", mainChannel.address(), response.nodeVersion());
      return null;
    });
  }

  @Override
  public CairnProducer producer() {
    ensureOpen();
    DefaultProducer producer = new DefaultProducer(core, closed::get, stopped::get);
    producers.add(producer);
    return producer;
  }

  @Override
  public CairnConsumer consumer() {
    ensureOpen();
    DedicatedChannel channel = new DedicatedChannel(settings, "consumer-" + consumerIds.incrementAndGet());
    DefaultConsumer[] created = new DefaultConsumer[1];
    created[0] = new DefaultConsumer(core, channel, () -> {
      Promise<Void> done = Promise.promise();
      CallerContext.runOn(core.context(), () -> {
        consumers.remove(created[0]);
        channel.close().onComplete(done);
      });
      return done.future();
    });
    consumers.add(created[0]);
    return created[0];
  }

  @Override
  public ClientOptions options() {
    return new ClientOptions(options);
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new StoreClosedException("client");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // EventStore

  @Override
  public Future<TopicDescription> createTopic(String name, TopicConfig config) {
    return guarded(() -> core.calls().<CreateTopics.Response>call(core.main(), CreateTopics.Request.of(name, config),
        RetryRule.IF_NOT_SENT, 0).map(response -> response.topic().orElseThrow(() ->
        new CairnException("the node's CreateTopics answer has no topic description", false))));
  }

  @Override
  public Future<Void> deleteTopic(String name) {
    return guarded(() -> core.calls().<DeleteTopics.Response>call(core.main(), new DeleteTopics.Request(name),
        RetryRule.IF_NOT_SENT, 0).map(response -> {
          core.metadata().invalidate(name);
          return (Void) null;
        }));
  }

  @Override
  public Future<List<String>> listTopics() {
    return guarded(() -> core.calls().<Metadata.Response>call(core.main(), Metadata.Request.allTopics(),
        RetryRule.ALWAYS, 0).map(response -> {
          List<String> names = new ArrayList<>(response.topics().size());
          response.topics().forEach(topic -> names.add(topic.name()));
          names.sort(null);
          return names;
        }));
  }

  @Override
  public Future<TopicDescription> describeTopic(String name) {
    return guarded(() -> core.calls().<DescribeTopics.Response>call(core.main(), new DescribeTopics.Request(name),
        RetryRule.ALWAYS, 0).map(response -> response.topic().orElseThrow(() ->
        new CairnException("the node's DescribeTopics answer has no topic description", false))));
  }

  @Override
  public Future<AppendResult> append(AppendRequest request) {
    return guarded(() -> {
      ensureAggregateId(request.aggregateId());
      ExpectedVersion expected = request.expectedVersion();
      RetryRule rule = expected instanceof ExpectedVersion.Exact || request.producer().isIdempotent()
          ? RetryRule.ALWAYS : RetryRule.IF_NOT_SENT;
      return core.calls().<Append.Response>call(core.main(), Append.Request.of(request), rule, 0)
          .map(response -> response.toResult(expected));
    });
  }

  /**
   * Sends the appends in list order from one task on the client's context, so that nothing runs between
   * them there: a listener of an earlier request's result that appends again (it runs on that context)
   * sends its append after the whole list, as with the local store. Sent one by one from the caller's
   * thread, the caller could be descheduled between two of them while the listener's append overtook the
   * rest of the list.
   */
  @Override
  public List<Future<AppendResult>> appendEach(List<AppendRequest> requests) {
    if (requests == null) {
      throw new InvalidInputException("requests", null, "must be a list, not null");
    }
    List<Promise<AppendResult>> answers = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      answers.add(CallerContext.promise());
    }
    CallerContext.runOn(core.context(), () -> {
      List<Future<AppendResult>> sent = CairnClient.super.appendEach(requests);
      for (int i = 0; i < sent.size(); i++) {
        sent.get(i).onComplete(answers.get(i));
      }
    });
    return answers.stream().map(Promise::future).toList();
  }

  @Override
  public Future<ReadResult> read(String topic, int partition, long fromOffset, int maxBytes) {
    return guarded(() -> checkedRange(fromOffset, maxBytes).fetchOne(topic, partition, fromOffset, maxBytes, 0).map(fetched -> {
      PartitionFetch decoded = PartitionFetch.decode(topic, fromOffset, fetched);
      return new ReadResult(topic, partition, decoded.events(), decoded.nextOffset(), fetched.highWatermark(),
          fetched.logStartOffset());
    }));
  }

  @Override
  public Future<FetchResult> fetch(String topic, int partition, long fromOffset, int maxBytes, long maxWaitMs) {
    return guarded(() -> {
      if (maxWaitMs < 0) {
        throw new InvalidInputException("maxWaitMs", maxWaitMs, "must be at least 0 (0 answers at once)");
      }
      return checkedRange(fromOffset, maxBytes).fetchOne(topic, partition, fromOffset, maxBytes, (int) Math.min(Integer.MAX_VALUE, maxWaitMs))
          .map(fetched -> {
            if (fetched.errorCode() != ErrorCode.NONE) {
              throw fetched.errorCode().toException(fetched.errorMessage());
            }
            return fetched.toResult(topic, fromOffset);
          });
    });
  }

  /**
   * Checks the read arguments the wire layout would name differently ({@code fetch_offset}, {@code max_bytes}),
   * with the names and rules of the local store, so that errors read the same whichever store answers.
   */
  private ClientRuntime checkedRange(long fromOffset, int maxBytes) {
    if (fromOffset < 0) {
      throw new InvalidInputException("fromOffset", fromOffset, "must be at least 0");
    }
    if (maxBytes < 1) {
      throw new InvalidInputException("maxBytes", maxBytes, "must be at least 1");
    }
    return this;
  }

  private Future<Fetch.PartitionResponse> fetchOne(String topic, int partition, long fromOffset, int maxBytes,
                                                   int maxWaitMs) {
    Fetch.Request request = new Fetch.Request(maxWaitMs, maxBytes, List.of(new TopicItems<>(topic,
        List.of(new Fetch.PartitionData(partition, fromOffset, maxBytes)))));
    ChannelSource channel = maxWaitMs > 0 ? core.longPolls() : core.main();
    return core.calls().<Fetch.Response>call(channel, request, RetryRule.ALWAYS, maxWaitMs)
        .map(response -> PartitionFetch.find(response, topic, partition));
  }

  @Override
  public Future<StreamSlice> readStream(String topic, String aggregateId, long fromVersionInclusive, int maxCount) {
    return guarded(() -> {
      ensureAggregateId(aggregateId);
      if (fromVersionInclusive < 1) {
        throw new InvalidInputException("fromVersion", fromVersionInclusive, "must be at least 1 (the first event)");
      }
      if (maxCount < 1) {
        throw new InvalidInputException("maxCount", maxCount, "must be at least 1");
      }
      return core.calls().<ReadStream.Response>call(core.main(),
              new ReadStream.Request(topic, aggregateId, fromVersionInclusive, maxCount), RetryRule.ALWAYS, 0)
          .map(response -> response.toSlice(topic, aggregateId));
    });
  }

  @Override
  public Future<Long> streamVersion(String topic, String aggregateId) {
    return guarded(() -> {
      ensureAggregateId(aggregateId);
      return core.calls().<StreamVersion.Response>call(core.main(), new StreamVersion.Request(topic, aggregateId),
          RetryRule.ALWAYS, 0).map(StreamVersion.Response::version);
    });
  }

  @Override
  public Future<Long> offsetForTimestamp(String topic, int partition, long timestampMs) {
    // -1 and -2 mean latest and earliest on the wire; no record is older than the epoch anyway
    return guarded(() -> OffsetLookup.offset(core.calls(), core.main(), new TopicPartition(topic, partition),
        Math.max(0, timestampMs)));
  }

  @Override
  public io.vertx.core.streams.ReadStream<StoredEvent> subscribe(String topic, int partition, StartPosition start) {
    FetchSubscription subscription = new FetchSubscription(core, topic, partition, start, subscriptions::remove);
    subscriptions.add(subscription);
    if (closed.get()) {
      subscription.close();
    }
    return subscription;
  }

  @Override
  public Future<ProducerId> initProducerId() {
    return guarded(() -> core.calls().<InitProducerId.Response>call(core.main(), new InitProducerId.Request(),
        RetryRule.ALWAYS, 0).map(InitProducerId.Response::toProducerId));
  }

  @Override
  public Future<ProduceResult> produce(String topic, int partition, ByteBuffer recordBatch) {
    return guarded(() -> {
      Produce.Request request = new Produce.Request(Produce.ACKS_ALL, options.requestTimeoutMs(),
          List.of(new TopicItems<>(topic, List.of(new Produce.PartitionData(partition, recordBatch.duplicate())))));
      RetryRule rule = hasProducerId(recordBatch) ? RetryRule.ALWAYS : RetryRule.IF_NOT_SENT;
      return core.calls().<Produce.Response>call(core.main(), request, rule, 0).map(response -> {
        for (TopicItems<Produce.PartitionResponse> topicResponse : response.topics()) {
          for (Produce.PartitionResponse answer : topicResponse.partitions()) {
            if (answer.partition() == partition && topicResponse.name().equals(topic)) {
              if (answer.errorCode() != ErrorCode.NONE) {
                throw answer.errorCode().toException(answer.errorMessage());
              }
              return answer.toResult();
            }
          }
        }
        throw new CairnException("the node's Produce answer has no entry for " + topic + "-" + partition, false);
      });
    });
  }

  /** Whether a v2 batch names an idempotent producer, so that the node recognises a resend. */
  private static boolean hasProducerId(ByteBuffer batch) {
    int at = batch.position() + BATCH_PRODUCER_ID_POSITION;
    return batch.limit() >= at + Long.BYTES && batch.getLong(at) >= 0;
  }

  private static void ensureAggregateId(String aggregateId) {
    if (aggregateId != null && aggregateId.length() > MAX_AGGREGATE_ID_BYTES / 3
        && aggregateId.getBytes(StandardCharsets.UTF_8).length > MAX_AGGREGATE_ID_BYTES) {
      throw new InvalidInputException("aggregateId", aggregateId, "must be 1 to " + MAX_AGGREGATE_ID_BYTES
          + " UTF-8 bytes, is " + aggregateId.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  /** Runs {@code call}, turning anything it throws into a failed future (the EventStore contract). */
  private <T> Future<T> guarded(Supplier<Future<T>> call) {
    if (closed.get()) {
      return Future.failedFuture(new StoreClosedException("client"));
    }
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e instanceof CairnException ? e
          : new InvalidInputException("request", e.getMessage(), "cannot be sent: " + e));
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Override
  public Future<Void> close() {
    if (!closed.compareAndSet(false, true)) {
      return closedPromise.future();
    }
    List<Future<?>> flushing = new ArrayList<>();
    for (DefaultProducer producer : producers) {
      flushing.add(producer.close());
    }
    Future.join(flushing)
        .transform(ignored -> {
          stopped.set(true);
          producers.forEach(DefaultProducer::drainNow);
          List<Future<?>> closing = new ArrayList<>();
          for (DefaultConsumer consumer : List.copyOf(consumers)) {
            closing.add(consumer.close());
          }
          for (FetchSubscription subscription : List.copyOf(subscriptions)) {
            subscription.close();
          }
          Promise<Void> channelsClosed = Promise.promise();
          CallerContext.runOn(core.context(), () -> Future.join(mainChannel.close(), longPolls.close())
              .<Void>mapEmpty().onComplete(channelsClosed));
          closing.add(channelsClosed.future());
          return Future.join(closing);
        })
        .transform(ignored -> netClient.close())
        .transform(ignored -> undeployed ? Future.<Void>succeededFuture() : vertx.undeploy(verticle.deploymentID()))
        .transform(ignored -> ownVertx ? vertx.close() : Future.<Void>succeededFuture())
        .onComplete(ignored -> closedPromise.tryComplete());
    return closedPromise.future();
  }

}
