package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.client.ClientOptions;
import io.cairn.eventstore.EventStore;
import io.cairn.eventstore.EventStores;
import io.cairn.eventstore.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * Which {@link EventStore} a data command works on: the local store in a data directory
 * ({@code --data-dir}) or a running node reached with the network client ({@code --bootstrap}). The
 * command code sees only the {@code EventStore} that {@link #open} gives; this type is the one place
 * that knows the difference. Immutable.
 */
sealed interface StoreTarget {

  /** Opens the store with {@code vertx}; the caller closes it (and then {@code vertx}). */
  Future<EventStore> open(Vertx vertx);

  /** What the target is, for messages: "the store in DIR", "the node at HOST:PORT". */
  String description();

  /** The local store in {@code dataDir} ({@link EventStores#openLocal}). */
  record LocalStore(Path dataDir) implements StoreTarget {

    @Override
    public Future<EventStore> open(Vertx vertx) {
      return EventStores.openLocal(vertx, new StoreOptions().setDataDir(dataDir));
    }

    @Override
    public String description() {
      return "the store in " + dataDir;
    }
  }

  /**
   * A running node at {@code bootstrapServers} ({@code host:port[,host:port...]}), through
   * {@link CairnClient}. {@code timeoutMs}, the CLI's bound on each wait, is also the client's retry
   * window ({@code delivery.timeout.ms}) and, up to the client's default, its request timeout. The
   * options are checked at construction ({@link io.cairn.eventstore.InvalidInputException} naming the
   * setting), before anything is opened.
   */
  record RemoteNode(String bootstrapServers, long timeoutMs) implements StoreTarget {

    public RemoteNode {
      clientOptions(bootstrapServers, timeoutMs);
    }

    @Override
    public Future<EventStore> open(Vertx vertx) {
      return CairnClient.connect(vertx, clientOptions(bootstrapServers, timeoutMs)).map(client -> client);
    }

    @Override
    public String description() {
      return "the node at " + bootstrapServers;
    }

    static ClientOptions clientOptions(String bootstrapServers, long timeoutMs) {
      int boundMs = (int) Math.min(timeoutMs, Integer.MAX_VALUE - ClientOptions.DEFAULT_LINGER_MS);
      int requestTimeoutMs = Math.min(boundMs, ClientOptions.DEFAULT_REQUEST_TIMEOUT_MS);
      return new ClientOptions()
          .setBootstrapServers(bootstrapServers)
          .setRequestTimeoutMs(requestTimeoutMs)
          .setDeliveryTimeoutMs((int) Math.max(boundMs, requestTimeoutMs + ClientOptions.DEFAULT_LINGER_MS))
          .validate();
    }
  }
}
